"""The summary at the top of a tenant's home page: what we hold at a glance (count and
latest change per category), their requests with due dates, and the latest reads of
their file by staff. Read-only, driven by the catalogue; no Flask here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import access, catalogue, deadlines
from portal.models import FieldChange, PrivacyRequest, Tenant
from portal.services import access_log
from portal.services.dossier import Dossier, section_query

OPEN_STATUSES = ("received", "in_progress", "waiting_info")
# When a record was written, in order of preference. `updated_at` is left out on rows that
# several categories share (the tenant row holds identity and contact): a new phone
# number is not a change of identity. Corrections are counted through FieldChange.
_WHEN = ("changed_at", "at", "issued_at", "created_at", "updated_at", "sent_on", "paid_on",
         "issued_on", "reported_on", "agreed_on", "received_on", "start_date")


@dataclass(frozen=True)
class CategorySummary:
    key: str
    title: Any
    count: int
    latest: date | None


@dataclass(frozen=True)
class RequestSummary:
    ref: str
    kind: str
    status: str
    received_on: date
    due_on: date
    open: bool
    days_left: int  # calendar days until the answer is due; negative when overdue

    @property
    def overdue(self) -> bool:
        return self.open and self.status != "waiting_info" and self.days_left < 0

    @property
    def due_soon(self) -> bool:
        return self.open and 0 <= self.days_left <= deadlines.DUE_SOON_DAYS


@dataclass(frozen=True)
class HomeSummary:
    categories: tuple[CategorySummary, ...]
    requests: tuple[RequestSummary, ...]
    reads: tuple[access_log.Consultation, ...]  # the latest staff reads, newest first
    reads_total: int


def _shared_models() -> set[type]:
    seen: Counter[type] = Counter()
    for cat in catalogue.CATEGORIES:
        for model in {s.model for s in cat.sections}:
            seen[model] += 1
    return {m for m, n in seen.items() if n > 1}


def _when_column(model: type, shared: bool) -> Any:
    for name in _WHEN:
        if name == "updated_at" and shared:
            continue
        if name in model.__table__.columns:
            return getattr(model, name)
    return None


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def latest_change(session: Session, cat: catalogue.Category, tenant: Tenant,
                  account_id: int | None) -> date | None:
    """The newest record or correction of this category in the tenant's file."""
    shared = _shared_models()
    found: list[date] = []
    for section in cat.sections:
        col = _when_column(section.model, section.model in shared)
        if col is None:
            continue
        stmt = section_query(session, section, tenant, account_id).with_only_columns(func.max(col))
        value = _as_date(session.scalar(stmt))
        if value is not None:
            found.append(value)
    corrected = _as_date(session.scalar(select(func.max(FieldChange.changed_at)).where(
        FieldChange.tenant_id == tenant.id, FieldChange.field_key.like(f"{cat.key}.%"))))
    if corrected is not None:
        found.append(corrected)
    return max(found, default=None)


def summarise(session: Session, tenant: Tenant, actor: access.Actor, snapshot: Dossier,
              reads_limit: int = 5, today: date | None = None) -> HomeSummary:
    """The home summary of a tenant's own file (counts come from the snapshot shown below it,
    so the summary and the detail cannot disagree)."""
    from portal.formatting import PARIS
    from portal.models import User

    today = today or datetime.now(PARIS).date()

    account_id = session.scalar(select(User.id).where(User.tenant_id == tenant.id))
    cats = tuple(
        CategorySummary(c.key, c.title, c.count,
                        latest_change(session, catalogue.get(c.key), tenant, account_id))
        for c in snapshot.categories)
    reqs = session.scalars(select(PrivacyRequest).where(PrivacyRequest.tenant_id == tenant.id)
                           .order_by(PrivacyRequest.received_on.desc(), PrivacyRequest.id.desc())).all()
    requests = tuple(sorted(
        (RequestSummary(r.ref, r.kind, r.status, r.received_on, r.due_on,
                        r.status in OPEN_STATUSES, deadlines.days_left(r.due_on, today))
         for r in reqs), key=lambda r: (not r.open, r.due_on if r.open else date.min)))
    reads: tuple[access_log.Consultation, ...] = ()
    total = 0
    if access.may_read(actor, "access_log", tenant_id=tenant.id):
        latest = access_log.reads_of(session, tenant.id, page_size=reads_limit)
        reads, total = latest.items, latest.total or 0
    return HomeSummary(cats, requests, reads, total)
