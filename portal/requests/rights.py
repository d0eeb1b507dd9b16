"""Carrying out a granted right in the file: rectification (Art. 16), erasure (Art. 17),
restriction (Art. 18), and the Art. 19 recipients to tell."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from flask_babel import force_locale, gettext
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from portal import access, catalogue
from portal.requests import workflow
from portal.requests.workflow import BadValue
from portal.models import (FieldChange, HouseholdMember, Incident, Note, PrivacyRequest,
                           RecipientNotice, Restriction, Tenant)
from portal.models.records import Correspondence

REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone

from portal.requests.service import find_record, is_restricted, length_limit, record_of, value_as_text
from portal.requests.types import Invalid, Restricted


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


_ERASE_MODELS: dict[str, Any] = {"notes": Note, "correspondence": Correspondence,
                                 "household": HouseholdMember, "incidents": Incident}


def erase(session: Session, req: PrivacyRequest, tenant: Tenant, targets: list[str], lang: str,
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


def restrict(session: Session, req: PrivacyRequest, tenant: Tenant, targets: list[str], lang: str,
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
