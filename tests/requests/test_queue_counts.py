"""The queue's numbers: "Requests shown: N", the tiles (open, overdue, due within 7 days)
and the per-status counts of the filter agree with the rows listed, for every filter a
DPO or a rental manager can set. The totals are partly read from the counts by status
(services/request_queue.build): this checks each way against the rows themselves."""

from __future__ import annotations

import itertools
from datetime import timedelta

from portal import access, deadlines
from portal.requests import workflow
from portal.models import PrivacyRequest
from portal.requests import queue as request_queue
from tests import builders

STATUSES = ("open", "all", *workflow.STATUSES)


def _requests(session, today):
    """Requests of two kinds in every status, due from three weeks ago to three weeks ahead,
    of the tenant of an estate (tests/builders.estate), a third assigned to its manager.
    Returns the estate (its DPO and manager read the queue)."""
    people = builders.estate(session)
    tenant, manager = people.tenant, people.manager
    for n, (status, kind, ago) in enumerate(itertools.product(
            workflow.STATUSES, ("access", "rectification"), (60, 35, 28, 20))):
        received = today - timedelta(days=ago)
        session.add(PrivacyRequest(
            ref=f"DPR-TEST-C{n:03d}", tenant_id=tenant.id, kind=kind, status=status, received_on=received,
            clock_start=received, due_on=deadlines.due_date(received),
            assigned_to_id=manager.id if n % 3 == 0 else None))
    session.commit()
    return people


def test_totals_and_tiles_match_the_rows_for_every_filter(app, session, today):
    people = _requests(session, today)
    for user in (people.dpo, people.manager):
        actor = access.actor_for(session, user)
        every = request_queue.build(session, actor, today, request_queue.Filters(status="all"), page_size=10_000)
        assert every.total == len(every.rows) > 0
        assert every.overdue == sum(r.overdue for r in every.rows) > 0
        assert every.due_soon == sum(r.due_soon for r in every.rows)
        assert every.open == sum(r.status in workflow.OPEN_STATUSES for r in every.rows)
        assert every.by_status == {s: sum(r.status == s for r in every.rows) for s in workflow.STATUSES}
        for status, overdue, soon, kind, assignee in itertools.product(
                STATUSES, (False, True), (False, True), ("", "rectification"), ("", "me", "none")):
            f = request_queue.Filters(status=status, kind=kind, assignee=assignee, overdue=overdue, due_soon=soon)
            queue = request_queue.build(session, actor, today, f, page_size=10_000)
            assert queue.total == len(queue.rows), f
            wanted = {r.ref for r in every.rows
                      if (status == "all" or r.status == status
                          or (status == "open" and r.status in workflow.OPEN_STATUSES))
                      and (not overdue or r.overdue) and (not soon or r.due_soon)
                      and (not kind or r.kind == kind)
                      and (assignee != "none" or r.assignee is None)
                      and (assignee != "me" or r.assignee == user.display_name)}
            assert {r.ref for r in queue.rows} == wanted, f
            # The counts of the tiles do not depend on the filters.
            assert (queue.open, queue.overdue, queue.due_soon, queue.by_status) == (
                every.open, every.overdue, every.due_soon, every.by_status), f
