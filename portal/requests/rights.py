"""Carrying out a granted right in the file: rectification (Art. 16), erasure (Art. 17),
restriction (Art. 18), objection (Art. 21), and the Art. 19 recipients to tell.

Each right returns what it did as `Effect` lines (also stored as RightEffect rows): the
letter states exactly those, and answering.act turns a grant into a partial grant (or a
refusal) when some of what was asked could not be done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from portal import access, catalogue
from portal.catalogue import processings
from portal.i18n import gettext, in_locale
from portal.requests import workflow
from portal.requests.workflow import BadValue
from portal.models import (DocumentCache, FieldChange, HouseholdMember, Incident, Letter, Note, Objection,
                           PrivacyRequest, RecipientNotice, Restriction, RightEffect, Tenant)
from portal.models._base import utcnow
from portal.models.records import Correspondence
from portal.requests.service import is_restricted
from portal.requests.targets import find_record, length_limit, record_of, value_as_text
from portal.requests.types import Invalid, Restricted

#: Why an erasure keeps a category (Art. 17(3)): a refusal-reason key of workflow.REFUSAL_REASONS.
#: Household and resources are held under the Building and Housing Code, payments under
#: public accounting, requests and the log under Art. 5(2) and 32 (legal obligation,
#: 17(3)(b)); identity, contact, lease and the account are kept for claims arising from
#: the lease, time-barred after three years (law of 6 July 1989 art. 7-1; 17(3)(e)).
ERASURE_EXCEPTIONS: dict[str, str] = {
    "household": "legal_obligation", "resources": "legal_obligation", "payments": "legal_obligation",
    "requests": "legal_obligation", "access_log": "legal_obligation",
    "identity": "legal_claims", "contact": "legal_claims", "lease": "legal_claims", "account": "legal_claims",
}

_ERASE_MODELS: dict[str, Any] = {"notes": Note, "correspondence": Correspondence,
                                 "household": HouseholdMember, "incidents": Incident}


@dataclass(frozen=True)
class Effect:
    """One line of what a right did: removed (count), kept (exception), stopped,
    not_stopped (the processing's basis allows no objection)."""

    effect: str
    key: str
    count: int = 0
    exception: str | None = None

    @property
    def done(self) -> bool:
        return self.effect in ("removed", "stopped")


def record_effects(session: Session, req: PrivacyRequest, effects: Iterable[Effect]) -> None:
    """Keep what the answer did, for its letter (replaces an earlier answer's lines)."""
    session.execute(delete(RightEffect).where(RightEffect.request_id == req.id))
    for e in effects:
        session.add(RightEffect(request_id=req.id, effect=e.effect, key=e.key, count=e.count, exception=e.exception))


def _notices(session: Session, req: PrivacyRequest, categories: Iterable[str], lang: str,
             override: str | None) -> None:
    """Art. 19: one notice per named recipient of the categories concerned."""
    seen = set(session.scalars(select(RecipientNotice.recipient).where(RecipientNotice.request_id == req.id)))
    for cat in categories:
        for recipient in catalogue.art15(cat, lang, override).art19:
            if recipient not in seen:
                seen.add(recipient)
                session.add(RecipientNotice(request_id=req.id, recipient=recipient[:200]))


def rectify(session: Session, req: PrivacyRequest, actor: access.Actor, tenant: Tenant, today: date,
            lang: str, override: str | None) -> tuple[str, list[str]]:
    """Art. 16: change the value, keep the old one in the history, list the recipients."""
    found = catalogue.find_field(req.field_key or "")
    if found is None or not found[2].rectifiable:
        raise Invalid("field", "field")
    cat, section, f = found
    if is_restricted(session, tenant.id, cat.key, f.key):
        raise Restricted(cat.key)
    obj = find_record(session, tenant, section, record_of(req))
    if obj is None:
        raise Invalid("field", "record")
    try:
        value = workflow.parse_value(f.type, req.proposed_value, required=f.required,
                                     max_length=length_limit(section, f), choices=f.choices, today=today)
    except BadValue as exc:
        raise Invalid("proposed_value", exc.code, **exc.params) from None
    old = getattr(obj, f.path)
    setattr(obj, f.path, value)
    session.add(FieldChange(tenant_id=tenant.id, field_key=req.field_key, record_id=obj.id,
                            old_value=value_as_text(req.field_key or "", old) if old is not None else None,
                            new_value=value_as_text(req.field_key or "", value), changed_by_id=actor.user_id,
                            request_id=req.id))
    _notices(session, req, [cat.key], lang, override)
    return "", [cat.key]


# --- Erasure (Art. 17) -----------------------------------------------------------------

def _wanted(targets: list[str]) -> dict[str, list[int] | None]:
    """Category -> record ids named (None: the whole category); nothing named: everything."""
    wanted: dict[str, list[int] | None] = {}
    for t in targets or list(workflow.ERASURE_RULES):
        cat, ident = workflow.parse_target(t) or (None, None)
        if cat is None:
            continue
        if ident is None:
            wanted[cat] = None
        elif wanted.get(cat, []) is not None:
            wanted.setdefault(cat, []).append(ident)  # type: ignore[union-attr]
    return wanted


def erase(session: Session, req: PrivacyRequest, tenant: Tenant, targets: list[str], lang: str,
          override: str | None) -> tuple[str, list[str], list[Effect]]:
    """Remove or anonymise what the request names (everything erasable when it names
    nothing) from every place the portal keeps it: the tables, the cached renderings of the
    file, and the archived letters that embed the file (their reference, date and hash stay
    as proof). What an Art. 17(3) exception keeps is named with its exception."""
    effects: list[Effect] = []
    for cat, ids in _wanted(targets).items():
        rule = workflow.ERASURE_RULES[cat]
        if rule == "keep":
            effects.append(Effect("kept", cat, exception=ERASURE_EXCEPTIONS.get(cat, "legal_obligation")))
            continue
        model = _ERASE_MODELS[cat]
        cond = [model.tenant_id == tenant.id]
        if ids is not None:
            cond.append(model.id.in_(ids))
        count = session.scalar(select(func.count()).select_from(model).where(*cond)) or 0
        if rule == "delete":
            session.execute(delete(model).where(*cond).execution_options(synchronize_session=False))
        else:  # anonymise: the work order stays for the building, no longer about the tenant
            session.execute(update(model).where(*cond).values(tenant_id=None, description="", justification=None,
                                                              review_reason=None)
                            .execution_options(synchronize_session=False))
        effects.append(Effect("removed", cat, count))
    if any(e.done for e in effects):
        forget_copies(session, tenant.id)
    _notices(session, req, [e.key for e in effects if e.effect == "removed" and e.count], lang, override)
    return _erasure_summary(effects, lang, override), [e.key for e in effects if e.done], effects


def forget_copies(session: Session, tenant_id: int) -> int:
    """Drop every rendered copy of the file (cached PDFs) and the file embedded in archived
    access letters: the letter's reference, date and SHA-256 stay as proof it was sent
    (Art. 5(2)), the erased data does not. Returns how many copies went."""
    gone = session.execute(delete(DocumentCache).where(DocumentCache.tenant_id == tenant_id)
                           .execution_options(synchronize_session=False)).rowcount or 0
    access_ids = select(PrivacyRequest.id).where(PrivacyRequest.tenant_id == tenant_id,
                                                 PrivacyRequest.kind == "access")
    gone += session.execute(update(Letter).where(Letter.request_id.in_(access_ids), Letter.pdf.is_not(None))
                            .values(pdf=None, content_removed_at=utcnow())
                            .execution_options(synchronize_session=False)).rowcount or 0
    return gone


def _erasure_summary(effects: list[Effect], lang: str, override: str | None) -> str:
    removed = [e for e in effects if e.effect == "removed"]
    kept = [e for e in effects if e.effect == "kept"]
    with in_locale(lang):
        parts = []
        if removed:
            parts.append(gettext("Removed or anonymised: %(list)s.", list="; ".join(
                f"{catalogue.get(e.key).title} ({e.count})" for e in removed)))
        if kept:
            parts.append(gettext("Kept because a legal retention period applies: %(list)s", list="; ".join(
                f"{catalogue.get(e.key).title} — {catalogue.art15(e.key, lang, override).retention}" for e in kept)))
    return "\n".join(parts)


# --- Restriction (Art. 18) ---------------------------------------------------------------

def restrict(session: Session, req: PrivacyRequest, tenant: Tenant, targets: list[str], lang: str,
             override: str | None) -> tuple[str, list[str]]:
    """Mark the named categories restricted (staff no longer see or change them)."""
    cats = [t for t in targets if ":" not in t]
    if not cats:
        raise Invalid("targets", "restrict_none")
    for cat in cats:
        if not is_restricted(session, tenant.id, cat):
            session.add(Restriction(tenant_id=tenant.id, category_key=cat, request_id=req.id))
    _notices(session, req, cats, lang, override)
    with in_locale(lang):
        summary = gettext("Restricted until further notice: %(list)s.",
                          list="; ".join(str(catalogue.get(c).title) for c in cats))
    return summary, cats


def apply_due_lifts(session: Session, today: date) -> int:
    """Art. 18(3): restrictions whose announced lifting date has come are lifted now (the
    tenant was told beforehand). Run by the periodic purge; returns how many."""
    due = session.scalars(select(Restriction).where(Restriction.active.is_(True), Restriction.lift_on.is_not(None),
                                                    Restriction.lift_on <= today)).all()
    for item in due:
        item.active = False
        item.lifted_at = utcnow()
    session.flush()
    return len(due)


# --- Objection (Art. 21) ---------------------------------------------------------------------

def objection_targets(targets: list[str]) -> list[str]:
    """Processing keys named (catalogue.processings); nothing named: every objectable one."""
    keys = [t.strip() for t in targets if t and t.strip()]
    for key in keys:
        if key not in processings.BY_KEY:
            raise Invalid("targets", "target")
    return list(dict.fromkeys(keys)) or [p.key for p in processings.objectable()]


def object_to(session: Session, req: PrivacyRequest, tenant: Tenant, targets: list[str],
              lang: str) -> tuple[str, list[str], list[Effect]]:
    """Stop each named processing whose basis allows objection (recorded in Objection,
    which the processing's code consults); say, with the basis, which cannot stop."""
    effects: list[Effect] = []
    for key in objection_targets(targets):
        proc = processings.get(key)
        if not proc.objectable:
            effects.append(Effect("not_stopped", key, exception=proc.basis))
            continue
        if not objected(session, tenant.id, key):
            session.add(Objection(tenant_id=tenant.id, processing_key=key, request_id=req.id))
        effects.append(Effect("stopped", key))
    with in_locale(lang):
        parts = []
        stopped = [processings.get(e.key) for e in effects if e.effect == "stopped"]
        if stopped:
            parts.append(gettext("Stopped: %(list)s.", list="; ".join(str(p.title) for p in stopped)))
        for e in effects:
            if e.effect == "not_stopped":
                parts.append(gettext("Not stopped: %(processing)s, which rests on %(basis)s.",
                                     processing=processings.get(e.key).title,
                                     basis=processings.BASIS_LABELS[e.exception or ""]))
    return "\n".join(parts), [], effects


def objected(session: Session, tenant_id: int, processing_key: str) -> bool:
    """Is an objection to this processing in force for this tenant?"""
    return session.scalar(select(Objection.id).where(
        Objection.tenant_id == tenant_id, Objection.processing_key == processing_key,
        Objection.active.is_(True)).limit(1)) is not None


def objections_in_force(session: Session, tenant_id: int) -> list[processings.Processing]:
    """The processings stopped for this tenant (the staff banner on the file)."""
    keys = session.scalars(select(Objection.processing_key).where(
        Objection.tenant_id == tenant_id, Objection.active.is_(True)).order_by(Objection.id)).all()
    return [processings.get(k) for k in dict.fromkeys(keys) if k in processings.BY_KEY]
