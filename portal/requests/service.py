"""Privacy requests: file, register and answer them (PRODUCT.md §4).

Plain functions over a Session: each checks who may act, applies portal.requests.workflow's
rules, records the step (RequestEvent), writes an audit entry for every staff action in
the same transaction, issues the response letter, flushes, and returns the e-mails to
send once the caller has committed (never before: a rolled-back step tells nobody).

Optimistic locking: PrivacyRequest.version is SQLAlchemy's version column. A form
carries the version it was drawn from; an older one raises Stale before anything is
changed, and a concurrent commit makes the flush raise StaleDataError (the caller
treats both alike)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable, Mapping

from flask_babel import force_locale, gettext
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from portal import access, catalogue, deadlines, formatting
from portal.requests import workflow
from portal.models import (FieldChange, HouseholdMember, Incident, Note, PrivacyRequest,
                           RecipientNotice, RequestEvent, Restriction, Tenant, User)
from portal.models.records import Correspondence
from portal.models._base import utcnow
from portal.audit import chain as audit
from portal.file.dossier import section_query
from portal.requests.workflow import BadValue, NotAllowed  # noqa: F401  (re-exported for the views)

REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


# --- Errors ---------------------------------------------------------------------------

class RequestError(Exception):
    """A step that cannot be taken; nothing was changed."""


class Invalid(RequestError):
    """Bad input for one form field: `code` names the problem (see the forms)."""

    def __init__(self, field: str, code: str, **params: Any) -> None:
        super().__init__(f"{field}: {code}")
        self.field, self.code, self.params = field, code, params


class Stale(RequestError):
    """Someone changed the request since the form was drawn."""


class Forbidden(RequestError):
    """This actor may not take this step on this request."""


class Restricted(RequestError):
    """Art. 18: the data is restricted and may not be changed."""

    def __init__(self, category_key: str) -> None:
        super().__init__(category_key)
        self.category_key = category_key


class ExtensionRefused(RequestError):
    """`reason` is "already" (extended once) or "too_late" (the first month has run out)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- Results --------------------------------------------------------------------------

@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


@dataclass
class Done:
    request: PrivacyRequest
    mails: list[Mail] = field(default_factory=list)
    summary: str = ""  # what an erasure removed and kept, etc.
    duplicate: bool = False  # the same request was just filed (a double click): not filed twice


# --- Helpers --------------------------------------------------------------------------

def new_ref(session: Session, today: date) -> str:
    """DPR-2026-7KX4QM: unique and not guessable (32^6 ≈ 10^9 per year)."""
    while True:
        ref = f"DPR-{today.year}-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(6))
        if session.scalar(select(PrivacyRequest.id).where(PrivacyRequest.ref == ref)) is None:
            return ref


def find(session: Session, ref: str) -> PrivacyRequest | None:
    if not ref or len(ref) > 30:
        return None
    return session.scalar(select(PrivacyRequest).where(PrivacyRequest.ref == ref))


def tenant_request(session: Session, actor: access.Actor, ref: str) -> PrivacyRequest | None:
    """The tenant's own request, or None (another tenant's ref looks like an unknown one)."""
    req = find(session, ref)
    if req is None or actor.role != "tenant" or req.tenant_id != actor.tenant_id:
        return None
    return req


def may_process(session: Session, actor: access.Actor, req: PrivacyRequest) -> bool:
    """DPO: every request; manager: rectifications of tenants in their portfolio."""
    return access.may_process_request(actor, req.kind) and access.in_scope(session, actor, req.tenant_id)


def staff_request(session: Session, actor: access.Actor, ref: str) -> PrivacyRequest | None:
    """The request if this staff member may process it, else None (the view answers 404)."""
    req = find(session, ref)
    if req is None or not may_process(session, actor, req):
        return None
    return req


def earlier_requests(session: Session, tenant_id: int, exclude_id: int | None = None) -> list[workflow.Earlier]:
    stmt = select(PrivacyRequest.kind, PrivacyRequest.received_on, PrivacyRequest.status).where(
        PrivacyRequest.tenant_id == tenant_id)
    if exclude_id is not None:
        stmt = stmt.where(PrivacyRequest.id != exclude_id)
    return [workflow.Earlier(k, r, s) for k, r, s in session.execute(stmt)]


def field_label(field_key: str | None) -> str:
    found = catalogue.find_field(field_key or "")
    if found is None:
        return field_key or ""
    cat, _, f = found
    return f"{cat.title} — {f.label}"


def _event(session: Session, req: PrivacyRequest, actor: access.Actor, action: str,
           before: str | None, after: str, message: str | None) -> RequestEvent:
    ev = RequestEvent(request_id=req.id, actor_id=actor.user_id, actor_role=actor.role, action=action,
                      from_status=before, to_status=after, message=message or None, at=utcnow())
    session.add(ev)
    return ev


def _audit(session: Session, actor: access.Actor, action: str, req: PrivacyRequest,
           categories: Iterable[str] = ("requests",), detail: dict | None = None) -> None:
    audit.record(session, actor.user_id, actor.role, action, tenant_id=req.tenant_id,
                 categories=list(dict.fromkeys(categories)), request_ref=req.ref,
                 purpose=f"Traitement de la demande {req.ref}", detail=detail)


def _clean(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def _check_text(name: str, text: str | None, limit: int, required: bool) -> str:
    text = _clean(text)
    if required and not text:
        raise Invalid(name, "required")
    if len(text) > limit:
        raise Invalid(name, "too_long", max=limit, length=len(text))
    return text


def _check_version(req: PrivacyRequest, version: Any) -> None:
    """A form that carries no version is taken as current; a different one is stale."""
    if version is None or version == "":
        return
    if str(version).strip() != str(req.version):
        raise Stale()


def is_restricted(session: Session, tenant_id: int, category_key: str, field_key: str | None = None) -> bool:
    """Art. 18: an active restriction on the category (or on this very field)."""
    stmt = select(Restriction.id).where(Restriction.tenant_id == tenant_id, Restriction.active.is_(True),
                                        Restriction.category_key == category_key)
    if field_key is not None:
        stmt = stmt.where((Restriction.field_key.is_(None)) | (Restriction.field_key == field_key))
    return session.scalar(stmt.limit(1)) is not None


# --- Filing a request -----------------------------------------------------------------

def _rectification_target(session: Session, tenant: Tenant, field_key: str, record_id: Any,
                          raw_value: str | None, today: date) -> tuple[int, Any]:
    """(record id, stored value) for a rectification, or Invalid."""
    found = catalogue.find_field(field_key or "")
    if found is None or not found[2].rectifiable:
        raise Invalid("field", "field")
    _, section, f = found
    obj = _record(session, tenant, section, record_id)
    if obj is None:
        raise Invalid("field", "record")
    try:
        value = workflow.parse_value(f.type, raw_value, required=f.required, max_length=_limit(section, f),
                                     choices=f.choices, today=today)
    except BadValue as exc:
        raise Invalid("proposed_value", exc.code, **exc.params) from None
    if getattr(obj, f.path) == value:
        raise Invalid("proposed_value", "same")
    return obj.id, value


def _limit(section: catalogue.Section, f: catalogue.Field) -> int | None:
    """The catalogue's limit, or the column's own length (PostgreSQL refuses longer text)."""
    column = getattr(section.model, f.path).property.columns[0]
    length = getattr(column.type, "length", None)
    limits = [n for n in (f.max_length, length) if n]
    return min(limits) if limits else None


def _record(session: Session, tenant: Tenant, section: catalogue.Section, record_id: Any) -> Any:
    """The row of this tenant's file that a rectification names (None when it is not theirs)."""
    stmt = section_query(session, section, tenant, None)
    if section.single:
        return session.scalars(stmt).first()
    if record_id is None or not str(record_id).isdigit() or len(str(record_id)) > 12:
        return None
    return session.scalars(stmt.where(section.model.id == int(record_id))).first()


def target_choices(session: Session, tenant_id: int) -> list[tuple[str, str]]:
    """What a request may name (the tenant's form, the staff's request page): the
    categories that may be named, then each of the tenant's latest notes (the records most
    often asked about), as (target, label)."""
    choices: list[tuple[str, str]] = [(c.key, str(c.title)) for c in catalogue.CATEGORIES
                                      if c.key in workflow.ERASURE_RULES]
    notes = session.execute(select(Note.id, Note.created_at, Note.body).where(Note.tenant_id == tenant_id)
                            .order_by(Note.created_at.desc()).limit(100)).all()
    for nid, at, body in notes:
        excerpt = " ".join((body or "").split())[:70]
        choices.append((f"notes:{nid}", gettext("Note of %(day)s: “%(excerpt)s…”", day=at.strftime("%d/%m/%Y"),
                                                excerpt=excerpt)))
    return choices


def _check_targets(session: Session, tenant: Tenant, kind: str, targets: Iterable[str]) -> list[str]:
    """Validated target strings ("notes", "notes:12"); records must be the tenant's own."""
    out: list[str] = []
    for raw in targets:
        raw = (raw or "").strip()
        if not raw:
            continue
        parsed = workflow.parse_target(raw)
        if parsed is None:
            raise Invalid("targets", "target")
        cat, ident = parsed
        if kind == "restriction" and (cat not in workflow.RESTRICTABLE or ident is not None):
            raise Invalid("targets", "target")
        if ident is not None:
            model = {"notes": Note, "correspondence": Correspondence, "household": HouseholdMember,
                     "incidents": Incident}.get(cat)
            if model is None or session.scalar(select(model.id).where(
                    model.id == ident, model.tenant_id == tenant.id)) is None:
                raise Invalid("targets", "target")
        if raw not in out:
            out.append(raw)
    return out


def create(session: Session, tenant: Tenant, actor: access.Actor, *, kind: str, details: str | None,
           today: date, field_key: str | None = None, proposed_value: str | None = None,
           record_id: Any = None, targets: Iterable[str] = (), channel: str = "portal",
           received_on: date | None = None, identity_verified: bool = True,
           identity_note: str | None = None, portal_url: str = "") -> Done:
    """File a request (the tenant, from the portal) or register one received by post or
    e-mail (staff, with the date of receipt and the identity check)."""
    registering = actor.is_staff
    if registering:
        if not access.can(actor, "register_request") or not access.in_scope(session, actor, tenant.id):
            raise Forbidden()
    elif actor.tenant_id != tenant.id:
        raise Forbidden()
    if kind not in workflow.KINDS:
        raise Invalid("kind", "kind")
    targets = _check_targets(session, tenant, kind, targets) if kind in workflow.TARGETED_KINDS else []
    needs_details = kind in ("objection",) or (kind in ("erasure", "restriction") and not targets)
    details = _check_text("details", details, workflow.DETAILS_MAX, needs_details)
    rec_id: int | None = None
    value_text: str | None = None
    if kind == "rectification":
        rec_id, value = _rectification_target(session, tenant, field_key or "", record_id, proposed_value, today)
        value_text = _value_text(field_key or "", value)
    received = received_on or today
    if received > today:
        raise Invalid("received_on", "future")
    same = _just_filed(session, tenant.id, kind, details, field_key if kind == "rectification" else None,
                       value_text, targets)
    if same is not None and not registering:
        return Done(same, [], duplicate=True)
    note = _check_text("identity_note", identity_note, 2000, registering and identity_verified)
    repeat = workflow.is_repeat(kind, received, earlier_requests(session, tenant.id))
    req = PrivacyRequest(
        ref=new_ref(session, today), tenant_id=tenant.id, kind=kind, status="received", details=details,
        field_key=field_key if kind == "rectification" else None, proposed_value=value_text,
        target_records=([f"record:{rec_id}"] if kind == "rectification" and rec_id is not None else None)
        if kind == "rectification" else (targets or None),
        channel=channel if registering else "portal", received_on=received, clock_start=received,
        due_on=deadlines.due_date(received), is_repeat=repeat,
        identity_verified=identity_verified if registering else True,
        identity_note=note or None, registered_by_id=actor.user_id if registering else None)
    session.add(req)
    session.flush()
    _event(session, req, actor, "register" if registering else "submit", None, "received",
           details if not registering else (note or None))
    if registering:
        _audit(session, actor, "register_request", req, detail={"channel": channel,
                                                                 "identity_verified": identity_verified})
    session.flush()
    return Done(req, [m for m in [_mail(session, req, "received", portal_url)] if m])


DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)


def _just_filed(session: Session, tenant_id: int, kind: str, details: str, field_key: str | None,
                proposed: str | None, targets: list[str]) -> PrivacyRequest | None:
    """The identical request this tenant filed minutes ago and that is still open, if any:
    a double click or a resent form is one request, not two (a later one is a repeat)."""
    since = utcnow() - DOUBLE_SUBMIT_WINDOW
    candidates = session.scalars(select(PrivacyRequest).where(
        PrivacyRequest.tenant_id == tenant_id, PrivacyRequest.kind == kind,
        PrivacyRequest.status == "received", PrivacyRequest.channel == "portal",
        PrivacyRequest.created_at >= since).order_by(PrivacyRequest.id.desc()))
    for req in candidates:
        if ((req.details or "") == details and req.field_key == field_key and req.proposed_value == proposed
                and (kind == "rectification" or list(req.target_records or []) == list(targets))):
            return req
    return None


def _value_text(field_key: str, value: Any) -> str:
    found = catalogue.find_field(field_key)
    if found is not None and found[2].type == "money" and isinstance(value, int):
        return f"{value / 100:.2f}"
    return workflow.stored_text(value)


def record_of(req: PrivacyRequest) -> int | None:
    """The record id a rectification names (kept in target_records as "record:<id>")."""
    for t in req.target_records or []:
        if isinstance(t, str) and t.startswith("record:") and t[7:].isdigit():
            return int(t[7:])
    return None


# --- Tenant steps -----------------------------------------------------------------------

def provide_info(session: Session, req: PrivacyRequest, actor: access.Actor, message: str | None,
                 today: date, version: Any = None, portal_url: str = "") -> Done:
    """The tenant answers a request for information: the clock restarts from today."""
    if actor.role != "tenant" or req.tenant_id != actor.tenant_id:
        raise Forbidden()
    _check_version(req, version)
    after = workflow.next_status("provide_info", req.status)
    text = _check_text("message", message, workflow.MESSAGE_MAX, True)
    before = req.status
    req.status = after if req.assigned_to_id else "received"
    req.clock_start = today
    req.due_on = deadlines.due_date(today, req.extended)
    _event(session, req, actor, "provide_info", before, req.status, text)
    session.flush()
    return Done(req, [m for m in [_mail(session, req, "info_received", portal_url)] if m])


def withdraw(session: Session, req: PrivacyRequest, actor: access.Actor, message: str | None,
             version: Any = None, portal_url: str = "") -> Done:
    if actor.role != "tenant" or req.tenant_id != actor.tenant_id:
        raise Forbidden()
    _check_version(req, version)
    after = workflow.next_status("withdraw", req.status)
    text = _check_text("message", message, workflow.MESSAGE_MAX, False)
    before = req.status
    req.status = after
    req.closed_at = utcnow()
    _event(session, req, actor, "withdraw", before, after, text)
    session.flush()
    return Done(req, [m for m in [_mail(session, req, "withdrawn", portal_url)] if m])


# --- Staff steps ----------------------------------------------------------------------

def act(session: Session, req: PrivacyRequest, actor: access.Actor, action: str, *,
        message: str | None, today: date, config: Mapping[str, Any], version: Any = None,
        refusal_reason: str | None = None, assignee_id: Any = None,
        targets: Iterable[str] | None = None, portal_url: str = "") -> Done:
    """One staff action of workflow.STAFF_ACTIONS on a request (see the module doc)."""
    if action not in workflow.STAFF_ACTIONS:
        raise Invalid("action", "action")
    if not may_process(session, actor, req):
        raise Forbidden()
    _check_version(req, version)
    after = workflow.next_status(action, req.status)
    text = _check_text("message", message, workflow.MESSAGE_MAX, action in workflow.MESSAGE_REQUIRED)
    reason = (refusal_reason or "").strip()
    if action in workflow.REASON_REQUIRED:
        if not reason:
            raise Invalid("refusal_reason", "required")
        if reason not in workflow.REFUSAL_REASONS:
            raise Invalid("refusal_reason", "unknown")
    before = req.status
    done = Done(req)
    categories = ["requests"]
    detail: dict[str, Any] = {"from": before, "to": after}
    lang = req.tenant.preferred_language if req.tenant.preferred_language in ("fr", "en") else "fr"

    if action == "assign":
        req.assigned_to_id = _assignee(session, actor, req, assignee_id)
        detail["assignee"] = req.assigned_to_id
    elif action == "extend":
        if not access.can(actor, "extend_deadline"):
            raise Forbidden()
        if req.extended:
            raise ExtensionRefused("already")
        if not deadlines.extension_allowed(req.clock_start, today):
            raise ExtensionRefused("too_late")
        req.extended = True
        req.extension_reason = text
        req.due_on = deadlines.due_date(req.clock_start, True)
    elif action in workflow.OUTCOME_OF:
        if action != "refuse":
            done.summary, cats = _apply(session, req, actor, action, targets, today, lang, config)
            categories += cats
        req.outcome = workflow.OUTCOME_OF[action]
        req.refusal_reason = reason if action in workflow.REASON_REQUIRED else None
        req.answer = "\n\n".join(x for x in (text, done.summary) if x) or None
        req.answered_at = utcnow()
        if req.assigned_to_id is None:
            req.assigned_to_id = actor.user_id
        detail.update(outcome=req.outcome, refusal_reason=req.refusal_reason)
    elif action == "close":
        req.closed_at = utcnow()
    if action in ("request_info",) and req.assigned_to_id is None:
        req.assigned_to_id = actor.user_id
    req.status = after
    _event(session, req, actor, action, before, after, "\n\n".join(x for x in (text, done.summary) if x))
    _audit(session, actor, action, req, categories, detail)
    session.flush()  # a concurrent change surfaces here as StaleDataError
    letter_kind = workflow.LETTER_OF.get(action)
    if letter_kind:
        issue_letter(session, req, letter_kind, actor, lang, config)
    mail = _mail(session, req, action, portal_url)
    done.mails = [mail] if mail else []
    return done


def issue_letter(session: Session, req: PrivacyRequest, kind: str, actor: access.Actor, lang: str,
                 config: Mapping[str, Any]) -> None:
    """THE call site of the response letters (services/letters.py, the documents issue)."""
    from portal.requests import letters

    letters.issue(session, req, kind, actor.user_id, lang, config)


def _assignee(session: Session, actor: access.Actor, req: PrivacyRequest, assignee_id: Any) -> int:
    if assignee_id in (None, "", "me"):
        return actor.user_id or 0
    if not str(assignee_id).isdigit() or len(str(assignee_id)) > 12:
        raise Invalid("assignee", "assignee")
    user = session.get(User, int(assignee_id))
    if user is None or not user.is_enabled or req.kind not in access.PROCESSABLE_KINDS.get(user.role, ()):
        raise Invalid("assignee", "assignee")
    if not access.in_scope(session, access.actor_for(session, user), req.tenant_id):
        raise Invalid("assignee", "assignee")
    return user.id


def assignees(session: Session, req: PrivacyRequest) -> list[User]:
    """Staff members who may process this request (for the assign form)."""
    users = session.scalars(select(User).where(User.role.in_(list(access.PROCESSABLE_KINDS)),
                                               User.is_enabled.is_(True)).order_by(User.display_name))
    return [u for u in users if req.kind in access.PROCESSABLE_KINDS.get(u.role, ())
            and access.in_scope(session, access.actor_for(session, u), req.tenant_id)]


def _apply(session: Session, req: PrivacyRequest, actor: access.Actor, action: str,
           targets: Iterable[str] | None, today: date, lang: str,
           config: Mapping[str, Any]) -> tuple[str, list[str]]:
    """What a (partly) granted request changes in the file: (summary, categories touched)."""
    tenant = req.tenant
    override = config.get("CATALOGUE_OVERRIDES")
    if req.kind == "rectification" and action == "grant":
        return _rectify(session, req, actor, tenant, today, lang, override)
    if req.kind in ("erasure", "restriction"):
        chosen = list(targets) if targets is not None and list(targets) else list(req.target_records or [])
        chosen = _check_targets(session, tenant, req.kind, chosen)
        if req.kind == "erasure":
            return _erase(session, req, tenant, chosen, lang, override)
        return _restrict(session, req, tenant, chosen, lang, override)
    return "", []


def _notices(session: Session, req: PrivacyRequest, categories: Iterable[str], lang: str,
             override: str | None) -> None:
    """Art. 19: one notice per named recipient of the categories concerned."""
    seen = set(session.scalars(select(RecipientNotice.recipient).where(RecipientNotice.request_id == req.id)))
    for cat in categories:
        for recipient in catalogue.art15(cat, lang, override).recipients:
            if recipient not in seen:
                seen.add(recipient)
                session.add(RecipientNotice(request_id=req.id, recipient=recipient[:200]))


def _rectify(session: Session, req: PrivacyRequest, actor: access.Actor, tenant: Tenant, today: date,
             lang: str, override: str | None) -> tuple[str, list[str]]:
    found = catalogue.find_field(req.field_key or "")
    if found is None or not found[2].rectifiable:
        raise Invalid("field", "field")
    cat, section, f = found
    if is_restricted(session, tenant.id, cat.key, f.key):
        raise Restricted(cat.key)
    obj = _record(session, tenant, section, record_of(req))
    if obj is None:
        raise Invalid("field", "record")
    try:
        value = workflow.parse_value(f.type, req.proposed_value, required=f.required,
                                     max_length=_limit(section, f), choices=f.choices, today=today)
    except BadValue as exc:
        raise Invalid("proposed_value", exc.code, **exc.params) from None
    old = getattr(obj, f.path)
    setattr(obj, f.path, value)
    session.add(FieldChange(tenant_id=tenant.id, field_key=req.field_key, record_id=obj.id,
                            old_value=_value_text(req.field_key or "", old) if old is not None else None,
                            new_value=_value_text(req.field_key or "", value), changed_by_id=actor.user_id,
                            request_id=req.id))
    _notices(session, req, [cat.key], lang, override)
    return "", [cat.key]


_ERASE_MODELS: dict[str, Any] = {"notes": Note, "correspondence": Correspondence,
                                 "household": HouseholdMember, "incidents": Incident}


def _erase(session: Session, req: PrivacyRequest, tenant: Tenant, targets: list[str], lang: str,
           override: str | None) -> tuple[str, list[str]]:
    """Remove or anonymise what the request names (everything erasable when it names
    nothing), keep what a legal retention period keeps, and say which."""
    wanted: dict[str, list[int] | None] = {}
    for t in targets or list(workflow.ERASURE_RULES):
        cat, ident = workflow.parse_target(t) or (None, None)
        if cat is None:
            continue
        if ident is None:
            wanted[cat] = None
        elif wanted.get(cat, []) is not None:
            wanted.setdefault(cat, []).append(ident)  # type: ignore[union-attr]
    removed: list[tuple[str, int]] = []
    kept: list[tuple[str, str]] = []
    for cat, ids in wanted.items():
        rule = workflow.ERASURE_RULES[cat]
        if rule == "keep":
            kept.append((cat, catalogue.art15(cat, lang, override).retention))
            continue
        model = _ERASE_MODELS[cat]
        cond = [model.tenant_id == tenant.id]
        if ids is not None:
            cond.append(model.id.in_(ids))
        count = session.scalar(select(func.count()).select_from(model).where(*cond)) or 0
        if rule == "delete":
            session.execute(delete(model).where(*cond).execution_options(synchronize_session=False))
        else:  # anonymise: the work order stays for the building, no longer about the tenant
            session.execute(update(model).where(*cond).values(tenant_id=None, description="", justification=None)
                            .execution_options(synchronize_session=False))
        removed.append((cat, count))
    _notices(session, req, [c for c, n in removed if n], lang, override)
    with force_locale(lang):
        parts = []
        if removed:
            parts.append(gettext("Removed or anonymised: %(list)s.", list="; ".join(
                f"{catalogue.get(c).title} ({n})" for c, n in removed)))
        if kept:
            parts.append(gettext("Kept because a legal retention period applies: %(list)s", list="; ".join(
                f"{catalogue.get(c).title} — {why}" for c, why in kept)))
    return "\n".join(parts), [c for c, _ in removed]


def _restrict(session: Session, req: PrivacyRequest, tenant: Tenant, targets: list[str], lang: str,
              override: str | None) -> tuple[str, list[str]]:
    cats = [t for t in targets if ":" not in t]
    if not cats:
        raise Invalid("targets", "restrict_none")
    for cat in cats:
        if not is_restricted(session, tenant.id, cat):
            session.add(Restriction(tenant_id=tenant.id, category_key=cat, request_id=req.id))
    _notices(session, req, cats, lang, override)
    with force_locale(lang):
        summary = gettext("Restricted until further notice: %(list)s.",
                          list="; ".join(str(catalogue.get(c).title) for c in cats))
    return summary, cats


def tick_recipient(session: Session, req: PrivacyRequest, actor: access.Actor, notice_id: Any) -> RecipientNotice:
    """Art. 19: staff record that they told a recipient."""
    if not may_process(session, actor, req):
        raise Forbidden()
    notice = session.get(RecipientNotice, int(notice_id)) if str(notice_id).isdigit() else None
    if notice is None or notice.request_id != req.id:
        raise Invalid("notice", "notice")
    if notice.notified_at is None:
        notice.notified_at = utcnow()
        notice.notified_by_id = actor.user_id
        _event(session, req, actor, "recipient_told", req.status, req.status, notice.recipient)
        _audit(session, actor, "recipient_told", req, detail={"recipient": notice.recipient})
        session.flush()
    return notice


def lift_restriction(session: Session, req: PrivacyRequest, actor: access.Actor, restriction_id: Any) -> Restriction:
    """Art. 18(3): lift a restriction (the tenant is told)."""
    if not may_process(session, actor, req) or not access.can(actor, "extend_deadline"):
        raise Forbidden()
    item = session.get(Restriction, int(restriction_id)) if str(restriction_id).isdigit() else None
    if item is None or item.tenant_id != req.tenant_id or not item.active:
        raise Invalid("restriction", "restriction")
    item.active = False
    item.lifted_at = utcnow()
    _event(session, req, actor, "lift_restriction", req.status, req.status, item.category_key)
    _audit(session, actor, "lift_restriction", req, [item.category_key], {"category": item.category_key})
    session.flush()
    return item


# --- E-mails to the tenant ------------------------------------------------------------

def _mail(session: Session, req: PrivacyRequest, step: str, portal_url: str) -> Mail | None:
    """The message telling the tenant of one step, in their language."""
    tenant = req.tenant
    to = tenant.email or session.scalar(select(User.email).where(User.tenant_id == tenant.id))
    if not to:
        return None
    lang = tenant.preferred_language if tenant.preferred_language in ("fr", "en") else "fr"
    with force_locale(lang):
        kind = str(catalogue.REQUEST_KIND_LABELS.get(req.kind, req.kind))
        due = formatting.fmt_date(req.due_on, lang)
        sentences = {
            "received": gettext("We have received your request (%(kind)s). We will answer by %(due)s at the latest.",
                                kind=kind, due=due),
            "assign": gettext("A member of our staff is now handling your request."),
            "request_info": gettext("We need more information from you to handle your request. The time we "
                                    "have to answer starts again when we receive it."),
            "info_received": gettext("We have received the information you sent. We will answer by %(due)s "
                                     "at the latest.", due=due),
            "extend": gettext("Your request needs more time: we will answer by %(due)s at the latest.", due=due),
            "grant": gettext("Your request is granted."),
            "partly_grant": gettext("Your request is partly granted."),
            "refuse": gettext("Your request is refused."),
            "close": gettext("Your request is closed."),
            "withdrawn": gettext("You have withdrawn your request. We will not process it further."),
        }
        lines = [gettext("Hello %(name)s,", name=tenant.full_name), "", sentences[step]]
        last = session.scalar(select(RequestEvent.message).where(RequestEvent.request_id == req.id)
                              .order_by(RequestEvent.id.desc()).limit(1)) if req.id else None
        if step in ("request_info", "extend", "grant", "partly_grant", "refuse") and last:
            lines += ["", gettext("Our message:"), last]
        if step in ("partly_grant", "refuse"):
            lines += ["", gettext("You may complain to the CNIL (www.cnil.fr, 3 place de Fontenoy, 75007 Paris) "
                                  "and go to court if you disagree with this answer.")]
        if step in workflow.LETTER_OF:
            lines += ["", gettext("Our letter is available on your request's page.")]
        lines += ["", gettext("Reference: %(ref)s", ref=req.ref)]
        if portal_url:
            lines += [gettext("Follow your request: %(url)s", url=f"{portal_url.rstrip('/')}/me/requests/{req.ref}")]
        subject = gettext("Your privacy request %(ref)s", ref=req.ref)
    return Mail(to, subject, "\n".join(lines))


def send_mails(mails: Iterable[Mail], config: Mapping[str, Any], instance_path: str | None) -> int:
    """Send after the commit; a mail server that is away loses no work (logged, counted)."""
    import logging

    from portal import mail as mail_service

    failed = 0
    for m in mails:
        try:
            mail_service.send(m.to, m.subject, m.body, config=config, instance_path=instance_path)
        except OSError as exc:  # smtplib errors are OSErrors
            failed += 1
            logging.getLogger(__name__).error("request mail not sent: %s", type(exc).__name__)
    return failed
