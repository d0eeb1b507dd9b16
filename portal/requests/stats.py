"""Figures for the staff dashboard: open, due-soon and overdue privacy requests by kind
and by assignee; requests received per month and the median answer time over the last
twelve months. Plain data, scoped to what the actor may process; no Flask here.

"Due this week" is a rolling window (portal.deadlines.is_due_soon: today and the next
seven days) rather than the calendar week, so that on a Friday the deadlines of the next
Monday and Tuesday are already visible."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import access, deadlines
from portal.requests import workflow
from portal.formatting import local_dt
from portal.models import PrivacyRequest, RequestEvent, Tenant, User


@dataclass(frozen=True)
class Counts:
    open: int = 0
    due_soon: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class Breakdown:
    key: str | None  # a request kind, or an assignee's user id as text; None: unassigned
    label: str
    counts: Counts


@dataclass(frozen=True)
class Month:
    first_day: date
    received: int
    answered: int
    median_days: float | None  # median answer time of the requests answered that month


@dataclass(frozen=True)
class Dashboard:
    today: date
    totals: Counts
    by_kind: tuple[Breakdown, ...]
    by_assignee: tuple[Breakdown, ...]
    months: tuple[Month, ...]  # oldest first, the current month last
    median_days: float | None  # over every request answered in those months
    answered: int
    overdue_refs: tuple[tuple[str, date], ...]  # the overdue requests, oldest deadline first


def _parse(value: object) -> date:
    """SQLite returns coalesce() of timestamps as text."""
    return local_dt(datetime.fromisoformat(str(value))).date()


def month_starts(today: date, n: int = 12) -> list[date]:
    """The first days of the n months ending with today's month, oldest first."""
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def _scope(actor: access.Actor):
    """Requests this actor may process: tenants in scope, kinds of their role."""
    kinds = access.PROCESSABLE_KINDS.get(actor.role, frozenset())
    return (select(PrivacyRequest)
            .join(Tenant, Tenant.id == PrivacyRequest.tenant_id)
            .where(access.scope_condition(actor), PrivacyRequest.kind.in_(sorted(kinds))))


def classify(req: PrivacyRequest, today: date) -> tuple[bool, bool]:
    """(due soon, overdue) for an open request, by the deadline rules the queue uses. While
    staff wait for the information that identifies the tenant the clock does not run, so
    such a request is never overdue."""
    if workflow.clock_stopped(req.status, req.info_kind):
        return False, False
    return deadlines.is_due_soon(req.due_on, today), deadlines.is_overdue(req.due_on, today)


def _add(c: Counts, soon: bool, late: bool) -> Counts:
    return Counts(c.open + 1, c.due_soon + soon, c.overdue + late)


def build(session: Session, actor: access.Actor, today: date,
          kind_labels: dict[str, str], unassigned_label: str) -> Dashboard:
    """Every figure of the dashboard for this actor, as of today."""
    open_reqs = session.scalars(_scope(actor).where(PrivacyRequest.status.in_(workflow.OPEN_STATUSES))
                                .order_by(PrivacyRequest.due_on, PrivacyRequest.id)).all()
    totals = Counts()
    kinds: dict[str, Counts] = {k: Counts() for k in kind_labels
                                if k in access.PROCESSABLE_KINDS.get(actor.role, ())}
    assignees: dict[int | None, Counts] = {}
    overdue: list[tuple[str, date]] = []
    for req in open_reqs:
        soon, late = classify(req, today)
        totals = _add(totals, soon, late)
        kinds[req.kind] = _add(kinds.get(req.kind, Counts()), soon, late)
        assignees[req.assigned_to_id] = _add(assignees.get(req.assigned_to_id, Counts()), soon, late)
        if late:
            overdue.append((req.ref, req.due_on))
    names = dict(session.execute(select(User.id, User.display_name).where(
        User.id.in_([i for i in assignees if i is not None]))).all())
    by_assignee = sorted(
        (Breakdown(None if uid is None else str(uid),
                   unassigned_label if uid is None else names.get(uid, "?"), c)
         for uid, c in assignees.items()),
        key=lambda b: (b.key is not None, -b.counts.overdue, -b.counts.open, b.label))
    by_kind = tuple(Breakdown(k, kind_labels.get(k, k), c) for k, c in kinds.items())
    months, median, answered = _history(session, actor, today)
    return Dashboard(today, totals, by_kind, tuple(by_assignee), months, median, answered,
                     tuple(overdue))


def _history(session: Session, actor: access.Actor,
             today: date) -> tuple[tuple[Month, ...], float | None, int]:
    starts = month_starts(today)
    since = starts[0]
    received: dict[date, int] = {s: 0 for s in starts}
    for (day,) in session.execute(_scope(actor).with_only_columns(PrivacyRequest.received_on)
                                  .where(PrivacyRequest.received_on >= since,
                                         PrivacyRequest.received_on <= today)):
        received[day.replace(day=1)] += 1
    durations: dict[date, list[int]] = {s: [] for s in starts}
    # The answer is the first move to "answered" in the history (answered_at when set).
    first_answer = (select(RequestEvent.request_id, func.min(RequestEvent.at).label("at"))
                    .where(RequestEvent.to_status == "answered")
                    .group_by(RequestEvent.request_id).subquery())
    answered_at = func.coalesce(PrivacyRequest.answered_at, first_answer.c.at)
    rows = session.execute(_scope(actor).with_only_columns(PrivacyRequest.received_on, answered_at)
                           .outerjoin(first_answer, first_answer.c.request_id == PrivacyRequest.id)
                           .where(answered_at.is_not(None)))
    for rec, ans in rows:
        day = local_dt(ans).date() if isinstance(ans, datetime) else _parse(ans)
        if day < since or day > today:
            continue
        durations[day.replace(day=1)].append(max(0, (day - rec).days))
    months = tuple(Month(s, received[s], len(durations[s]),
                         statistics.median(durations[s]) if durations[s] else None)
                   for s in starts)
    every = [d for s in starts for d in durations[s]]
    return months, (statistics.median(every) if every else None), len(every)
