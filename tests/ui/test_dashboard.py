"""The staff dashboard: what needs attention, by kind and assignee, and a year of history."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from portal import access, request_kinds
from portal.models import RequestEvent
from portal.requests import stats
from tests import builders

KINDS = {k: k for k in request_kinds.KEYS}


def _actor(session, role="dpo", **values):
    return access.actor_for(session, builders.account(session, role, **values))


def _request(session, ref, kind, received, due, status="received", tenant=None, **values):
    return builders.request(session, tenant or builders.tenant(session), kind, status, received, ref=ref, due_on=due,
                            **values)


def _objections_overdue(board):
    return next((b.counts.overdue for b in board.by_kind if b.key == "objection"), 0)


def test_an_overdue_request_is_counted_and_named(session, today):
    dpo = _actor(session)
    before = stats.build(session, dpo, today, KINDS, "-")
    _request(session, "DPR-T-LATE", "objection", today - timedelta(days=40), today - timedelta(days=2))
    board = stats.build(session, dpo, today, KINDS, "-")
    assert board.totals.overdue == before.totals.overdue + 1
    assert "DPR-T-LATE" in [ref for ref, _due in board.overdue_refs]
    assert _objections_overdue(board) == _objections_overdue(before) + 1


def test_due_within_seven_days_counts_today_to_day_seven(session, today):
    dpo = _actor(session)
    before = stats.build(session, dpo, today, KINDS, "-").totals
    _request(session, "DPR-T-1", "access", today - timedelta(days=25), today + timedelta(days=7))
    _request(session, "DPR-T-2", "access", today - timedelta(days=25), today + timedelta(days=8))
    _request(session, "DPR-T-3", "access", today - timedelta(days=40), today - timedelta(days=1))
    after = stats.build(session, dpo, today, KINDS, "-").totals
    assert (after.open - before.open, after.due_soon - before.due_soon, after.overdue - before.overdue) == (3, 1, 1)


def test_waiting_for_the_tenant_is_never_overdue(session, today):
    req = _request(session, "DPR-T-4", "access", today - timedelta(days=60), today - timedelta(days=29),
                   status="waiting_info")
    assert stats.classify(req, today) == (False, False)


def test_manager_sees_only_rectifications_of_their_portfolio(session, today):
    people = builders.estate(session)
    outsider = builders.tenant(session, builders.building(session, portfolio_id=builders.portfolio(session).id))
    late_received, late_due = today - timedelta(days=40), today - timedelta(days=2)
    _request(session, "DPR-T-MINE", "rectification", late_received, late_due, tenant=people.tenant)
    _request(session, "DPR-T-OBJ", "objection", late_received, late_due, tenant=people.neighbour)
    _request(session, "DPR-T-OUT", "rectification", late_received, late_due, tenant=outsider)
    board = stats.build(session, access.actor_for(session, people.manager), today, KINDS, "-")
    assert [b.key for b in board.by_kind] == ["rectification"]
    assert [ref for ref, _ in board.overdue_refs] == ["DPR-T-MINE"]  # not the objection, not another portfolio's
    assert board.totals.open == 1


def test_unassigned_requests_come_first_by_assignee(session, today):
    dpo = _actor(session)
    _request(session, "DPR-T-NONE", "access", today, today + timedelta(days=30))
    _request(session, "DPR-T-TAKEN", "access", today, today + timedelta(days=30), status="in_progress",
             assigned_to_id=dpo.user_id)
    board = stats.build(session, dpo, today, KINDS, "Nobody")
    assert board.by_assignee[0].label == "Nobody"


def test_twelve_months_end_with_this_month_and_count_receipts(session, today):
    dpo = _actor(session)
    before = stats.build(session, dpo, today, KINDS, "-").months
    _request(session, "DPR-T-5", "access", today, today + timedelta(days=30))
    months = stats.build(session, dpo, today, KINDS, "-").months
    assert len(months) == 12
    assert months[-1].first_day == today.replace(day=1)
    assert months[0].first_day.month == (today.month % 12) + 1
    assert months[-1].received == before[-1].received + 1


def test_median_answer_time_uses_the_first_answer_in_the_history(session):
    today = date(2031, 3, 20)  # far from any other data: only these requests count
    dpo = _actor(session)
    for i, days in enumerate((2, 10, 30)):
        answered = datetime(2031, 3, 15, 10, 0)
        req = _request(session, f"DPR-T-M{i}", "access", answered.date() - timedelta(days=days),
                       answered.date() + timedelta(days=20), status="answered")
        session.add(RequestEvent(request_id=req.id, at=answered, actor_role="dpo", action="grant",
                                 from_status="in_progress", to_status="answered"))
    session.flush()
    board = stats.build(session, dpo, today, KINDS, "-")
    assert board.median_days == 10 and board.answered == 3
    assert board.months[-1].median_days == 10


def test_month_starts_cross_the_new_year():
    assert stats.month_starts(date(2026, 2, 10), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
