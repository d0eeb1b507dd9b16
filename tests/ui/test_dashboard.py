"""The staff dashboard: what needs attention, by kind and assignee, and a year of history."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal import access
from portal.models import PrivacyRequest, RequestEvent, Tenant, User
from portal.requests import stats
from tests.conftest import login

KINDS = {k: k for k in ("access", "rectification", "erasure", "restriction", "portability", "objection")}


def _actor(session, email):
    return access.actor_for(session, session.scalar(select(User).where(User.email == email)))


def _request(session, ref, kind, received, due, status="received", tenant_no="LOC-000101"):
    tenant = session.scalar(select(Tenant).where(Tenant.tenant_number == tenant_no))
    req = PrivacyRequest(ref=ref, tenant_id=tenant.id, kind=kind, status=status, received_on=received,
                         clock_start=received, due_on=due)
    session.add(req)
    session.flush()
    return req


def test_overdue_demo_request_is_counted_and_named(session, today):
    board = stats.build(session, _actor(session, "dpo@example.org"), today, KINDS, "-")
    assert board.totals.overdue >= 1
    assert "DPR-DEMO-0004" in [ref for ref, _due in board.overdue_refs]
    objection = next(b for b in board.by_kind if b.key == "objection")
    assert objection.counts.overdue >= 1


def test_due_within_seven_days_counts_today_to_day_seven(session, today):
    dpo = _actor(session, "dpo@example.org")
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
    board = stats.build(session, _actor(session, "gestion@example.org"), today, KINDS, "-")
    assert [b.key for b in board.by_kind] == ["rectification"]
    assert "DPR-DEMO-0004" not in [ref for ref, _ in board.overdue_refs]  # an objection


def test_unassigned_requests_come_first_by_assignee(session, today):
    board = stats.build(session, _actor(session, "dpo@example.org"), today, KINDS, "Nobody")
    assert board.by_assignee[0].label == "Nobody"


def test_twelve_months_end_with_this_month_and_count_receipts(session, today):
    dpo = _actor(session, "dpo@example.org")
    before = stats.build(session, dpo, today, KINDS, "-").months
    _request(session, "DPR-T-5", "access", today, today + timedelta(days=30))
    months = stats.build(session, dpo, today, KINDS, "-").months
    assert len(months) == 12
    assert months[-1].first_day == today.replace(day=1)
    assert months[0].first_day.month == (today.month % 12) + 1
    assert months[-1].received == before[-1].received + 1


def test_median_answer_time_uses_the_first_answer_in_the_history(session):
    today = date(2031, 3, 20)  # far from the demo data: only these requests count
    dpo = _actor(session, "dpo@example.org")
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
