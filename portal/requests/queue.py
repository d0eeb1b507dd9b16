"""The staff request queue: the requests an actor may process, sorted by due date,
filtered, counted. Overdue and due-soon follow portal.deadlines and the dashboard's rule
(services/stats.classify): while staff wait for information the clock does not run.
A fixed number of queries whatever the number of requests (tests/scale)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Date, Integer, and_, bindparam, or_, func, select, union_all
from sqlalchemy.sql.elements import True_
from sqlalchemy.orm import Session, aliased

from portal import access, deadlines
from portal.numbers import parse_id, parse_int
from portal.requests import workflow
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
        assignee = assignee if assignee in ("me", "none") or parse_id(assignee) is not None else ""
        page = parse_int(args.get("page"), minimum=1, maximum=10**6) or 1
        return cls(status, kind, assignee, args.get("overdue") in ("1", "on", "true"),
                   args.get("due_soon") in ("1", "on", "true"),
                   page)


class Row(NamedTuple):
    """One request of the queue (a tuple: fifty are built per page, and a frozen dataclass
    cost five times as much to build)."""
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
    # False while staff wait for the information that identifies the tenant (EDPB 01/2022):
    # then no days left are shown (GDPR Art. 12(3)).
    clock_runs: bool = True


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
    if set(kinds) == set(workflow.KINDS):  # every kind (the DPO): no condition to check per row
        return tenants
    return and_(tenants, PrivacyRequest.kind.in_(kinds))


# The queue's statements are built once per (actor, filters) with the dates, the chosen
# assignee and the page as bound parameters.
_TODAY, _SOON_UNTIL = bindparam("q_today", type_=Date), bindparam("q_soon_until", type_=Date)
_ASSIGNEE = bindparam("q_assignee", type_=Integer)
_LIMIT, _OFFSET = bindparam("q_limit", type_=Integer), bindparam("q_offset", type_=Integer)


@lru_cache(maxsize=256)
def _statements(actor: access.Actor, status: str, kind: str, assignee: str, overdue: bool,
                due_soon: bool) -> tuple[Any, Any, Any, Any]:
    """(counts by status, overdue and due-soon counts, number of matching requests, a page of them)."""
    # The clock runs while the request is open, except while staff wait for information
    # about the requester's identity (a clarification does not stop it: EDPB 01/2022).
    populations = (PrivacyRequest.status.in_(RUNNING),
                   and_(PrivacyRequest.status == "waiting_info", PrivacyRequest.info_kind == "clarification"))
    running = or_(*populations)
    is_overdue = and_(running, PrivacyRequest.due_on < _TODAY)
    is_soon = and_(running, PrivacyRequest.due_on >= _TODAY, PrivacyRequest.due_on <= _SOON_UNTIL)
    # Counted over the requests alone (joining the tenants table made PostgreSQL read all
    # 300,000 of them to count a thousand requests), by status from the (status, kind,
    # due_on) index alone. The late and near ones are counted as ranges of an index, the
    # two populations whose clock runs apart (an OR of both made SQLite fetch every
    # matching row from the table): the running statuses from the (status, kind, due_on)
    # index, the requests waiting for a clarification from the (status, info_kind, kind,
    # due_on) one, naming every kind so that due_on bounds each range.
    base = select(PrivacyRequest).where(_scope(actor))
    counts = base.with_only_columns(PrivacyRequest.status, func.count()).group_by(PrivacyRequest.status)

    def running_count(condition: Any) -> Any:
        runs, clarifying = (base.where(population, PrivacyRequest.kind.in_(workflow.KINDS), condition)
                            .with_only_columns(func.count()).scalar_subquery() for population in populations)
        return runs + clarifying

    late = select(running_count(PrivacyRequest.due_on < _TODAY),
                  running_count(and_(PrivacyRequest.due_on >= _TODAY, PrivacyRequest.due_on <= _SOON_UNTIL)))
    stmt = base
    if status == "open":
        stmt = stmt.where(PrivacyRequest.status.in_(workflow.OPEN_STATUSES))
    elif status != "all":
        stmt = stmt.where(PrivacyRequest.status == status)
    if kind:
        stmt = stmt.where(PrivacyRequest.kind == kind)
    if assignee == "me":
        stmt = stmt.where(PrivacyRequest.assigned_to_id == actor.user_id)
    elif assignee == "none":
        stmt = stmt.where(PrivacyRequest.assigned_to_id.is_(None))
    elif assignee:
        stmt = stmt.where(PrivacyRequest.assigned_to_id == _ASSIGNEE)
    if overdue:
        stmt = stmt.where(is_overdue)
    if due_soon:
        stmt = stmt.where(is_soon)
    total = stmt.with_only_columns(func.count())
    who = aliased(User)
    rows = (stmt.join(Tenant, Tenant.id == PrivacyRequest.tenant_id)
            .outerjoin(who, who.id == PrivacyRequest.assigned_to_id)
            .with_only_columns(PrivacyRequest.ref, PrivacyRequest.kind, PrivacyRequest.status, Tenant.first_name,
                               Tenant.last_name, Tenant.tenant_number, PrivacyRequest.received_on,
                               PrivacyRequest.due_on, who.display_name, PrivacyRequest.is_repeat,
                               PrivacyRequest.identity_verified, PrivacyRequest.extended,
                               PrivacyRequest.info_kind)
            .order_by(PrivacyRequest.due_on, PrivacyRequest.id)
            .limit(_LIMIT).offset(_OFFSET))
    return counts, late, total, rows


def build(session: Session, actor: access.Actor, today: date, f: Filters, page_size: int = PAGE_SIZE) -> Queue:
    counts_stmt, late_stmt, total_stmt, rows_stmt = _statements(
        actor, f.status, f.kind, "id" if parse_id(f.assignee) is not None else f.assignee, f.overdue, f.due_soon)
    params = {"q_today": today, "q_soon_until": today + timedelta(days=deadlines.DUE_SOON_DAYS),
              "q_assignee": parse_id(f.assignee),
              "q_limit": page_size, "q_offset": (f.page - 1) * page_size}
    # The number of matching requests is read from the counts when the filters are a
    # status (or all open, or all) and at most one deadline filter over all open or all
    # requests (only requests whose clock runs can be late or near); otherwise it has its
    # own statement.
    deadline = f.overdue or f.due_soon
    counted = (not f.kind and not f.assignee and not (f.overdue and f.due_soon)
               and (not deadline or f.status in ("open", "all")))
    by_status = {s: 0 for s in workflow.STATUSES}
    by_status.update({status: n for status, n in session.execute(counts_stmt, params)})
    late, near = session.execute(late_stmt, params).one()
    overdue, soon = int(late or 0), int(near or 0)
    rows = session.execute(rows_stmt, params).all()
    if not counted:
        total = session.scalar(total_stmt, params) or 0
    elif deadline:
        total = overdue if f.overdue else soon
    else:
        shown = (workflow.OPEN_STATUSES if f.status == "open" else workflow.STATUSES if f.status == "all"
                 else (f.status,))
        total = sum(by_status[s] for s in shown)
    pages = max(1, -(-total // page_size))
    page = min(f.page, pages)
    if page != f.page:  # past the end: the last page
        rows = session.execute(rows_stmt, dict(params, q_offset=(page - 1) * page_size)).all()
    out = []
    for (ref, kind, status, first, last, number, received, due, who, repeat, verified, extended, info) in rows:
        clock = workflow.clock_runs(status, info)
        out.append(Row(ref, kind, status, f"{first} {last}", number, received, due,
                       deadlines.days_left(due, today), clock and deadlines.is_overdue(due, today),
                       clock and deadlines.is_due_soon(due, today), who, bool(repeat), bool(verified),
                       bool(extended), clock))
    return Queue(tuple(out), total, page, pages, sum(by_status[s] for s in workflow.OPEN_STATUSES),
                 overdue, soon, by_status)


# One branch per role, each read in name order from the (role, display_name) index and
# merged: a single IN over the roles had the database sort the names (253 at a large
# landlord) on every page.
_STAFF = union_all(*(select(User.id, User.display_name).where(User.role == role)
                     for role in sorted(access.PROCESSABLE_KINDS))).order_by("display_name")


def staff_choices(session: Session, actor: access.Actor) -> list[tuple[int, str]]:
    """Staff who process requests, for the assignee filter."""
    return [(uid, name) for uid, name in session.execute(_STAFF)]


_STAFF_MARK = select(func.count(), func.max(User.id), func.sum(func.length(User.display_name))).where(
    User.role.in_(sorted(access.PROCESSABLE_KINDS)))


def staff_mark(session: Session) -> str:
    """A cheap mark of that list (how many, the newest id, the length of the names), read
    from the (role, display_name, id) index alone: it changes as soon as someone joins or
    leaves the roles that process requests or (nearly always) is renamed, so that a kept
    copy of the list is redone at once."""
    count, newest, letters = session.execute(_STAFF_MARK).one()
    return f"{count}-{newest}-{letters}"
