"""The summary at the top of a tenant's home page: what we hold at a glance (count and
latest change per category), their requests with due dates, and the latest reads of
their file by staff. Read-only, driven by the catalogue; no Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import access, deadlines
from portal.models import FieldChange, PrivacyRequest, Tenant
from portal.services import access_log
from portal.services.dossier import Dossier, as_date

OPEN_STATUSES = ("received", "in_progress", "waiting_info")


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


def corrections_by_category(session: Session, tenant_id: int) -> dict[str, date]:
    """The date of the newest correction (FieldChange) of each category, in one query."""
    rows = session.execute(select(FieldChange.field_key, func.max(FieldChange.changed_at))
                           .where(FieldChange.tenant_id == tenant_id).group_by(FieldChange.field_key))
    newest: dict[str, date] = {}
    for key, at in rows:
        day, cat = as_date(at), key.split(".", 1)[0]
        if day is not None and (cat not in newest or day > newest[cat]):
            newest[cat] = day
    return newest


def summarise(session: Session, tenant: Tenant, actor: access.Actor, snapshot: Dossier,
              reads_limit: int = 5, today: date | None = None) -> HomeSummary:
    """The home summary of a tenant's own file (counts come from the snapshot shown below it,
    so the summary and the detail cannot disagree)."""
    from portal.formatting import PARIS

    today = today or datetime.now(PARIS).date()

    corrected = corrections_by_category(session, tenant.id)
    cats = tuple(
        CategorySummary(c.key, c.title, c.count,
                        max((d for d in (c.latest, corrected.get(c.key)) if d is not None), default=None))
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
