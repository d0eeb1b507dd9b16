"""The staff request queue: the requests an actor may process, sorted by due date,
filtered, counted. Overdue and due-soon follow portal.deadlines and the dashboard's rule
(services/stats.classify): while staff wait for information the clock does not run.
A fixed number of queries whatever the number of requests (tests/scale)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql.elements import True_
from sqlalchemy.orm import Session, aliased

from portal import access, deadlines, workflow
from portal.models import PrivacyRequest, Tenant, User

PAGE_SIZE = 50
RUNNING = ("received", "in_progress")  # open and the clock runs


@dataclass(frozen=True)
class Filters:
    status: str = "open"  # open | all | one of workflow.STATUSES
    kind: str = ""
    assignee: str = ""  # "" all | "me" | "none" | a user id
    overdue: bool = False
    due_soon: bool = False
    page: int = 1

    @classmethod
    def parse(cls, args: Any) -> "Filters":
        """From query arguments; anything unknown is ignored rather than refused."""
        status = args.get("status", "open")
        status = status if status in ("open", "all", *workflow.STATUSES) else "open"
        kind = args.get("kind", "")
        kind = kind if kind in workflow.KINDS else ""
        assignee = args.get("assignee", "")
        assignee = assignee if assignee in ("me", "none") or (assignee.isdigit() and len(assignee) < 12) else ""
        page = args.get("page", "1")
        return cls(status, kind, assignee, args.get("overdue") in ("1", "on", "true"),
                   args.get("due_soon") in ("1", "on", "true"),
                   min(int(page), 10**6) if page.isdigit() and int(page) > 0 else 1)


@dataclass(frozen=True)
class Row:
    ref: str
    kind: str
    status: str
    tenant_name: str
    tenant_number: str
    received_on: date
    due_on: date
    days_left: int
    overdue: bool
    due_soon: bool
    assignee: str | None
    is_repeat: bool
    identity_verified: bool
    extended: bool


@dataclass(frozen=True)
class Queue:
    rows: tuple[Row, ...]
    total: int  # rows matching the filters
    page: int
    pages: int
    open: int
    overdue: int
    due_soon: int
    by_status: dict[str, int]


def _scope(actor: access.Actor) -> Any:
    kinds = sorted(access.PROCESSABLE_KINDS.get(actor.role, frozenset()))
    tenants = access.scope_condition(actor)
    if not isinstance(tenants, True_):  # the DPO's scope is everyone: no need to look at tenants
        tenants = PrivacyRequest.tenant_id.in_(select(Tenant.id).where(tenants))
    return and_(tenants, PrivacyRequest.kind.in_(kinds))


def build(session: Session, actor: access.Actor, today: date, f: Filters, page_size: int = PAGE_SIZE) -> Queue:
    soon_until = today + timedelta(days=deadlines.DUE_SOON_DAYS)
    running = PrivacyRequest.status.in_(RUNNING)
    is_overdue = and_(running, PrivacyRequest.due_on < today)
    is_soon = and_(running, PrivacyRequest.due_on >= today, PrivacyRequest.due_on <= soon_until)
    # Counted over the requests alone: joining the tenants table for the counts made
    # PostgreSQL read all of it (300,000 rows) to count a thousand requests.
    base = select(PrivacyRequest).where(_scope(actor))

    counts = session.execute(
        base.with_only_columns(PrivacyRequest.status, func.count(),
                               func.sum(case((is_overdue, 1), else_=0)),
                               func.sum(case((is_soon, 1), else_=0)))
        .group_by(PrivacyRequest.status)).all()
    by_status = {s: 0 for s in workflow.STATUSES}
    overdue = soon = 0
    for status, n, late, near in counts:
        by_status[status] = n
        overdue += int(late or 0)
        soon += int(near or 0)

    stmt = base
    if f.status == "open":
        stmt = stmt.where(PrivacyRequest.status.in_(workflow.OPEN_STATUSES))
    elif f.status != "all":
        stmt = stmt.where(PrivacyRequest.status == f.status)
    if f.kind:
        stmt = stmt.where(PrivacyRequest.kind == f.kind)
    if f.assignee == "me":
        stmt = stmt.where(PrivacyRequest.assigned_to_id == actor.user_id)
    elif f.assignee == "none":
        stmt = stmt.where(PrivacyRequest.assigned_to_id.is_(None))
    elif f.assignee:
        stmt = stmt.where(PrivacyRequest.assigned_to_id == int(f.assignee))
    if f.overdue:
        stmt = stmt.where(is_overdue)
    if f.due_soon:
        stmt = stmt.where(is_soon)
    total = session.scalar(stmt.with_only_columns(func.count())) or 0
    pages = max(1, -(-total // page_size))
    page = min(f.page, pages)
    assignee = aliased(User)
    rows = session.execute(
        stmt.join(Tenant, Tenant.id == PrivacyRequest.tenant_id)
        .outerjoin(assignee, assignee.id == PrivacyRequest.assigned_to_id)
        .with_only_columns(PrivacyRequest.ref, PrivacyRequest.kind, PrivacyRequest.status, Tenant.first_name,
                           Tenant.last_name, Tenant.tenant_number, PrivacyRequest.received_on,
                           PrivacyRequest.due_on, assignee.display_name, PrivacyRequest.is_repeat,
                           PrivacyRequest.identity_verified, PrivacyRequest.extended)
        .order_by(PrivacyRequest.due_on, PrivacyRequest.id)
        .limit(page_size).offset((page - 1) * page_size)).all()
    out = []
    for (ref, kind, status, first, last, number, received, due, who, repeat, verified, extended) in rows:
        clock = status in RUNNING
        out.append(Row(ref, kind, status, f"{first} {last}", number, received, due,
                       deadlines.days_left(due, today), clock and deadlines.is_overdue(due, today),
                       clock and deadlines.is_due_soon(due, today), who, bool(repeat), bool(verified),
                       bool(extended)))
    return Queue(tuple(out), total, page, pages, sum(by_status[s] for s in workflow.OPEN_STATUSES),
                 overdue, soon, by_status)


def staff_choices(session: Session, actor: access.Actor) -> list[tuple[int, str]]:
    """Staff who process requests, for the assignee filter."""
    roles = sorted(access.PROCESSABLE_KINDS)
    return [(uid, name) for uid, name in session.execute(
        select(User.id, User.display_name).where(User.role.in_(roles)).order_by(User.display_name))]
