"""What a privacy request names (PRODUCT.md §4): the categories and records an erasure,
restriction or objection targets, the field and record a rectification changes, and the
tenant's records offered on the forms. Every named record is checked to be the tenant's
own (a request never reaches into another file)."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import catalogue
from portal.file.dossier import section_query
from portal.i18n import gettext
from portal.models import HouseholdMember, Incident, Note, PrivacyRequest, Tenant
from portal.models.records import Correspondence
from portal.numbers import parse_id
from portal.requests import workflow
from portal.requests.types import Invalid
from portal.requests.workflow import BadValue


def rectification_target(session: Session, tenant: Tenant, field_key: str, record_id: Any,
                          raw_value: str | None, today: date) -> tuple[int, Any]:
    """(record id, stored value) for a rectification, or Invalid."""
    found = catalogue.find_field(field_key or "")
    if found is None or not found[2].rectifiable:
        raise Invalid("field", "field")
    _, section, f = found
    obj = find_record(session, tenant, section, record_id)
    if obj is None:
        raise Invalid("field", "record")
    try:
        value = workflow.parse_value(f.type, raw_value, required=f.required, max_length=length_limit(section, f),
                                     choices=f.choices, today=today)
    except BadValue as exc:
        raise Invalid("proposed_value", exc.code, **exc.params) from None
    if getattr(obj, f.path) == value:
        raise Invalid("proposed_value", "same")
    return obj.id, value


def length_limit(section: catalogue.Section, f: catalogue.Field) -> int | None:
    """The catalogue's limit, or the column's own length (PostgreSQL refuses longer text)."""
    column = getattr(section.model, f.path).property.columns[0]
    length = getattr(column.type, "length", None)
    limits = [n for n in (f.max_length, length) if n]
    return min(limits) if limits else None


def find_record(session: Session, tenant: Tenant, section: catalogue.Section, record_id: Any) -> Any:
    """The row of this tenant's file that a rectification names (None when it is not theirs)."""
    stmt = section_query(session, section, tenant, None)
    if section.single:
        return session.scalars(stmt).first()
    if parse_id(record_id) is None:
        return None
    return session.scalars(stmt.where(section.model.id == parse_id(record_id))).first()


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


def check_targets(session: Session, tenant: Tenant, kind: str, targets: Iterable[str]) -> list[str]:
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


def value_as_text(field_key: str, value: Any) -> str:
    found = catalogue.find_field(field_key)
    if found is not None and found[2].type == "money" and isinstance(value, int):
        return f"{value / 100:.2f}"
    return workflow.stored_text(value)


def record_of(req: PrivacyRequest) -> int | None:
    """The record id a rectification names (kept in target_records as "record:<id>")."""
    for t in req.target_records or []:
        if isinstance(t, str) and t.startswith("record:") and parse_id(t[7:]) is not None:
            return parse_id(t[7:])
    return None
