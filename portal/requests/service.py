"""Privacy requests: find, file and register them, and the tenant's own steps (PRODUCT.md §4).

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
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import access, catalogue, deadlines
from portal.audit import access_log
from portal.audit import chain as audit
from portal.formatting import PARIS
from portal.models import PrivacyRequest, RequestEvent, Restriction, Tenant
from portal.models._base import utcnow
from portal.requests import workflow
from portal.requests.mails import step_mails
from portal.requests.targets import check_targets, rectification_target, value_as_text
# What a request names lives in requests/targets.py; the views reach these through here.
from portal.requests.targets import find_record, record_of, target_choices  # noqa: F401
from portal.requests.types import Done, Forbidden, Invalid, Stale

RECEIVED_AT_MOST_AGO = timedelta(days=366)  # a request registered later than this is a mistyped date
REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


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


def record_event(session: Session, req: PrivacyRequest, actor: access.Actor, action: str,
           before: str | None, after: str, message: str | None) -> RequestEvent:
    ev = RequestEvent(request_id=req.id, actor_id=actor.user_id, actor_role=actor.role, action=action,
                      from_status=before, to_status=after, message=message or None, at=utcnow())
    session.add(ev)
    return ev


def audit_step(session: Session, actor: access.Actor, action: str, req: PrivacyRequest,
           categories: Iterable[str] = ("requests",), detail: dict | None = None) -> None:
    """The audit entry of a staff step on a request: its purpose is stored as a key (with
    the request's reference as parameter, in `request_ref`), as for a read of the file
    (audit/access_log.request_purpose), so each reader sees it in their own language; the
    text, in the tenant's language, is only for whoever reads the raw log."""
    purpose = access_log.request_purpose(req.ref, req.tenant.preferred_language if req.tenant else None)
    audit.record(session, actor.user_id, actor.role, action, tenant_id=req.tenant_id,
                 categories=list(dict.fromkeys(categories)), request_ref=req.ref,
                 purpose=purpose.text, detail={**(detail or {}), "purpose_key": purpose.key})


def _clean(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def check_text(name: str, text: str | None, limit: int, required: bool) -> str:
    text = _clean(text)
    if required and not text:
        raise Invalid(name, "required")
    if len(text) > limit:
        raise Invalid(name, "too_long", max=limit, length=len(text))
    return text


def check_version(req: PrivacyRequest, version: Any) -> None:
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

@dataclass(frozen=True)
class Representative:
    """Who made the request on the tenant's behalf (Civil Code art. 440 ff.: guardian,
    curator, UDAF; art. 1984: a mandate), and the proof received."""

    kind: str
    name: str
    address: str = ""
    email: str = ""
    proof: str = ""
    copy_tenant: bool = True


def _check_representative(rep: Representative) -> Representative:
    """The representative's details, tidied, or Invalid: name, address and the proof are
    required (letters go to the representative; staff must be able to show the mandate)."""
    if rep.kind not in catalogue.REPRESENTATIVE_KINDS:
        raise Invalid("representative_kind", "choice")
    name = check_text("representative_name", rep.name, 200, True)
    if "\n" in name:
        raise Invalid("representative_name", "one_line")
    address = " ".join(check_text("representative_address", rep.address, 300, True).split())
    email = (rep.email or "").strip()
    if email and (len(email) > 254 or not workflow.EMAIL_RE.fullmatch(email)):
        raise Invalid("representative_email", "email")
    proof = check_text("representative_proof", rep.proof, 2000, True)
    return Representative(rep.kind, name, address, email, proof, bool(rep.copy_tenant))


def create(session: Session, tenant: Tenant, actor: access.Actor, *, kind: str, details: str | None,
           today: date, field_key: str | None = None, proposed_value: str | None = None,
           record_id: Any = None, targets: Iterable[str] = (), channel: str = "portal",
           received_on: date | None = None, identity_verified: bool = True,
           identity_note: str | None = None, portal_url: str = "",
           representative: Representative | None = None) -> Done:
    """File a request (the tenant, from the portal) or register one received by post or
    e-mail (staff, with the date of receipt, the identity check and, for a request made
    on the tenant's behalf, the representative and the proof received)."""
    registering = actor.is_staff
    if registering:
        if not access.can(actor, "register_request") or not access.in_scope(session, actor, tenant.id):
            raise Forbidden()
    elif actor.tenant_id != tenant.id:
        raise Forbidden()
    if kind not in workflow.KINDS:
        raise Invalid("kind", "kind")
    rep = _check_representative(representative) if registering and representative is not None else None
    targets = check_targets(session, tenant, kind, targets) if kind in workflow.TARGETED_KINDS else []
    details = check_text("details", details, workflow.DETAILS_MAX, _needs_details(kind, targets))
    rec_id: int | None = None
    value_text: str | None = None
    if kind == "rectification":
        rec_id, value = rectification_target(session, tenant, field_key or "", record_id, proposed_value, today)
        value_text = value_as_text(field_key or "", value)
    received = received_on or today
    if received > today:
        raise Invalid("received_on", "future")
    if received < today - RECEIVED_AT_MOST_AGO:  # a typo (01/01/1900) would read as years overdue
        raise Invalid("received_on", "too_old")
    same = _just_filed(session, tenant.id, kind, details, field_key if kind == "rectification" else None,
                       value_text, targets)
    if same is not None and not registering:
        return Done(same, [], duplicate=True)
    note = check_text("identity_note", identity_note, 2000, registering and identity_verified)
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
    if rep is not None:
        req.representative_kind, req.representative_name = rep.kind, rep.name
        req.representative_address, req.representative_email = rep.address, rep.email or None
        req.representative_proof, req.representative_copy_tenant = rep.proof, rep.copy_tenant
    session.add(req)
    session.flush()
    record_event(session, req, actor, "register" if registering else "submit", None, "received",
           details if not registering else (note or None))
    if registering:
        audit_step(session, actor, "register_request", req, detail={
            "channel": channel, "identity_verified": identity_verified,
            "representative": rep.kind if rep is not None else None})
    session.flush()
    return Done(req, step_mails(session, req, "received", portal_url))


def _needs_details(kind: str, targets: list[str]) -> bool:
    """An objection says why (Art. 21(1)); an erasure or restriction that names nothing says what."""
    return kind == "objection" or (kind in ("erasure", "restriction") and not targets)


def check_new(session: Session, tenant: Tenant, actor: access.Actor, *, kind: str, details: str | None,
              today: date, field_key: str | None = None, proposed_value: str | None = None,
              record_id: Any = None, targets: Iterable[str] = ()) -> None:
    """The checks `create` makes on a tenant's new request, without filing it (the
    "check your answers" page comes before the request is sent); Invalid on a problem."""
    if actor.tenant_id != tenant.id:
        raise Forbidden()
    if kind not in workflow.KINDS:
        raise Invalid("kind", "kind")
    named = check_targets(session, tenant, kind, targets) if kind in workflow.TARGETED_KINDS else []
    check_text("details", details, workflow.DETAILS_MAX, _needs_details(kind, named))
    if kind == "rectification":
        rectification_target(session, tenant, field_key or "", record_id, proposed_value, today)


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


# --- Tenant steps -----------------------------------------------------------------------

def info_arrived(req: PrivacyRequest, day: date) -> None:
    """The information asked for arrived on ``day``. About identity, the period runs in
    full from that day (the clock was stopped); a clarification changes no date
    (EDPB Guidelines 01/2022)."""
    if workflow.clock_stopped(req.status, req.info_kind):
        req.clock_start = day
        req.due_on = deadlines.due_date(day, req.extended)


def provide_info(session: Session, req: PrivacyRequest, actor: access.Actor, message: str | None,
                 today: date, version: Any = None, portal_url: str = "") -> Done:
    """The tenant answers a request for information (about identity: the clock restarts from today)."""
    if actor.role != "tenant" or req.tenant_id != actor.tenant_id:
        raise Forbidden()
    check_version(req, version)
    after = workflow.next_status("provide_info", req.status)
    text = check_text("message", message, workflow.MESSAGE_MAX, True)
    before = req.status
    info_arrived(req, today)
    req.status = after if req.assigned_to_id else "received"
    record_event(session, req, actor, "provide_info", before, req.status, text)
    session.flush()
    return Done(req, step_mails(session, req, "info_received", portal_url))


def withdraw(session: Session, req: PrivacyRequest, actor: access.Actor, message: str | None,
             version: Any = None, portal_url: str = "") -> Done:
    if actor.role != "tenant" or req.tenant_id != actor.tenant_id:
        raise Forbidden()
    check_version(req, version)
    after = workflow.next_status("withdraw", req.status)
    text = check_text("message", message, workflow.MESSAGE_MAX, False)
    before = req.status
    req.status = after
    req.closed_at = utcnow()
    record_event(session, req, actor, "withdraw", before, after, text)
    session.flush()
    return Done(req, step_mails(session, req, "withdrawn", portal_url))



def withdrawn_on(req: PrivacyRequest) -> date | None:
    """The day the request was withdrawn (Paris time), or None if it is not withdrawn."""
    if req.status != "withdrawn" or req.closed_at is None:
        return None
    at = req.closed_at if req.closed_at.tzinfo else req.closed_at.replace(tzinfo=timezone.utc)
    return at.astimezone(PARIS).date()


def undo_withdraw(session: Session, req: PrivacyRequest, actor: access.Actor, today: date,
                  version: Any = None) -> Done:
    """The tenant takes back a withdrawal within workflow.UNDO_WITHDRAW_DAYS: the request is
    open again in the status it had, with the same deadline (the month of Art. 12(3) runs
    from receipt; the withdrawal never stopped it)."""
    if actor.role != "tenant" or req.tenant_id != actor.tenant_id:
        raise Forbidden()
    check_version(req, version)
    if not workflow.may_undo_withdraw(req.status, withdrawn_on(req), today):
        raise workflow.NotAllowed("undo_withdraw", req.status)
    after = workflow.next_status("undo_withdraw", req.status)
    last = session.scalar(select(RequestEvent.from_status).where(
        RequestEvent.request_id == req.id, RequestEvent.action == "withdraw").order_by(RequestEvent.id.desc()))
    if last in workflow.OPEN_STATUSES:
        after = last
    req.status = after
    req.closed_at = None
    record_event(session, req, actor, "undo_withdraw", "withdrawn", after, None)
    session.flush()
    return Done(req, [])
