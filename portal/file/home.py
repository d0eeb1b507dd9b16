"""A tenant's home page: their file and, above it, the summary: what we hold at a glance
(count and latest change per category), their requests with due dates, and the latest
reads of their file by staff (`home_page`). Read-only, driven by the catalogue; no
Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from portal import access, deadlines
from portal.requests import workflow
from portal.models import FieldChange, PrivacyRequest
from portal.audit import access_log
from portal.file import dossier as dossier_service
from portal.file.snapshot import Dossier, FileOwner, as_date


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


_CORRECTIONS = (select(FieldChange.field_key, func.max(FieldChange.changed_at))
                .where(FieldChange.tenant_id == bindparam("tenant_id")).group_by(FieldChange.field_key))
_REQUESTS = (select(PrivacyRequest.ref, PrivacyRequest.kind, PrivacyRequest.status,
                    PrivacyRequest.received_on, PrivacyRequest.due_on)
             .where(PrivacyRequest.tenant_id == bindparam("tenant_id"))
             .order_by(PrivacyRequest.received_on.desc(), PrivacyRequest.id.desc()))


def _newest_corrections(rows: list[Any]) -> dict[str, date]:
    """The date of the newest correction (FieldChange) of each category."""
    newest: dict[str, date] = {}
    for key, at in rows:
        day, cat = as_date(at), key.split(".", 1)[0]
        if day is not None and (cat not in newest or day > newest[cat]):
            newest[cat] = day
    return newest


@dataclass(frozen=True)
class HomePage:
    tenant: FileOwner
    dossier: Dossier
    summary: HomeSummary


def home_page(session: Session, tenant_id: int, actor: access.Actor, lang: str,
              pages: dict[str, int] | None = None, page_size: int | None = None,
              override_path: str | None = None, reads_limit: int = 5,
              today: date | None = None) -> HomePage | None:
    """A tenant's home: who they are, their file and its summary. None when there is no
    such tenant."""
    found = dossier_service.collect_by_id(session, tenant_id, actor, lang, pages, page_size, override_path)
    if found is None:
        return None
    owner, snapshot = found
    return HomePage(owner, snapshot, summary_of(session, snapshot, actor, reads_limit, today))


def summary_of(session: Session, snapshot: Dossier, actor: access.Actor, reads_limit: int = 5,
               today: date | None = None) -> HomeSummary:
    """The summary above a file: counts and latest change per category, the requests
    (open ones first, by due date) and the latest staff reads. The requests and the newest
    corrections come from the file itself when it holds them whole (a tenant has a
    handful), else they are read."""
    from portal.formatting import landlord_today

    today = today or landlord_today()
    tenant_id = snapshot.tenant_id
    reads: tuple[access_log.Consultation, ...] = ()
    total = 0
    if access.may_read(actor, "access_log", tenant_id=tenant_id):
        latest = access_log.reads_of(session, tenant_id, page_size=reads_limit)
        reads, total = latest.items, latest.total or 0
    params = {"tenant_id": tenant_id}
    changes = snapshot.values("requests", "changes", "field_key", "changed_at")
    if changes is None:
        changes = [tuple(r) for r in session.execute(_CORRECTIONS, params)]
    held = snapshot.values("requests", "requests", "ref", "kind", "status", "received_on", "due_on")
    if held is None:
        held = [tuple(r) for r in session.execute(_REQUESTS, params)]
    corrected = _newest_corrections(changes)
    cats = tuple(
        CategorySummary(c.key, c.title, c.count,
                        max((d for d in (c.latest, corrected.get(c.key)) if d is not None), default=None))
        for c in snapshot.categories)
    requests = tuple(sorted(
        (RequestSummary(ref, kind, status, received_on, due_on,
                        status in workflow.OPEN_STATUSES, deadlines.days_left(due_on, today))
         for ref, kind, status, received_on, due_on in held),
        key=lambda r: (not r.open, r.due_on if r.open else date.min)))
    return HomeSummary(cats, requests, reads, total)
