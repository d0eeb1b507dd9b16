"""Legal deadlines (GDPR Art. 12(3), counted per Regulation 1182/71): calendar months,
month ends, weekends and French public holidays, extensions, and the helpers the
back office uses to show days left."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from portal.deadlines import (
    add_months,
    days_left,
    deadline_status,
    due_date,
    extension_allowed,
    is_due_soon,
    is_overdue,
    is_public_holiday,
    is_working_day,
    next_working_day,
)


# --- one month: the same date next month -------------------------------------------

def test_one_month_is_the_same_date_next_month_on_a_working_day() -> None:
    assert due_date(date(2026, 3, 10)) == date(2026, 4, 10)  # Friday


def test_thirty_days_would_be_two_days_late_for_early_february() -> None:
    received = date(2026, 2, 2)
    assert due_date(received) == date(2026, 3, 2)  # Monday
    assert received + timedelta(days=30) == date(2026, 3, 4)
    assert (received + timedelta(days=30) - due_date(received)).days == 2


def test_due_date_is_a_date_and_extended_defaults_to_false() -> None:
    assert due_date(date(2026, 3, 10)) == due_date(date(2026, 3, 10), extended=False)
    assert type(due_date(date(2026, 3, 10))) is date


# --- month ends --------------------------------------------------------------------

def test_31_january_ends_on_28_february_in_a_common_year_moved_off_the_weekend() -> None:
    # 28 February 2026 is a Saturday: the period ends on Monday 2 March.
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert due_date(date(2026, 1, 31)) == date(2026, 3, 2)


def test_31_january_ends_on_29_february_in_a_leap_year() -> None:
    assert due_date(date(2028, 1, 31)) == date(2028, 2, 29)  # Tuesday


def test_31_january_2027_ends_on_sunday_28_february_so_monday() -> None:
    assert due_date(date(2027, 1, 31)) == date(2027, 3, 1)


def test_29_and_30_january_also_end_on_the_last_day_of_february() -> None:
    assert add_months(date(2027, 1, 29), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 1, 30), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 30), 1) == date(2028, 2, 29)


def test_31_march_ends_on_30_april() -> None:
    assert due_date(date(2026, 3, 31)) == date(2026, 4, 30)  # Thursday


def test_30_april_ends_on_30_may_moved_to_monday() -> None:
    # 30 May 2026 is a Saturday.
    assert due_date(date(2026, 4, 30)) == date(2026, 6, 1)


def test_30_november_ends_on_30_december_not_the_31st() -> None:
    assert due_date(date(2026, 11, 30)) == date(2026, 12, 30)  # Wednesday


def test_28_february_ends_on_28_march_not_the_end_of_march() -> None:
    # Day 28 exists in March: "same date", not "last day".
    assert add_months(date(2027, 2, 28), 1) == date(2027, 3, 28)
    # 28 March 2027 is Easter Sunday and 29 March Easter Monday: Tuesday 30 March.
    assert due_date(date(2027, 2, 28)) == date(2027, 3, 30)


def test_december_rolls_over_into_the_next_year() -> None:
    assert due_date(date(2026, 12, 25)) == date(2027, 1, 25)  # Monday
    assert add_months(date(2026, 12, 31), 1) == date(2027, 1, 31)


# --- weekends and French public holidays -------------------------------------------

def test_ascension_thursday_moves_to_friday() -> None:
    assert is_public_holiday(date(2026, 5, 14))
    assert due_date(date(2026, 4, 14)) == date(2026, 5, 15)


def test_bastille_day_moves_to_the_next_day() -> None:
    assert due_date(date(2026, 6, 14)) == date(2026, 7, 15)


def test_armistice_day_moves_to_the_next_day() -> None:
    assert due_date(date(2026, 10, 11)) == date(2026, 11, 12)


def test_christmas_on_a_friday_moves_past_the_weekend() -> None:
    assert due_date(date(2026, 11, 25)) == date(2026, 12, 28)


def test_new_year_on_a_friday_moves_past_the_weekend() -> None:
    assert due_date(date(2026, 12, 1)) == date(2027, 1, 4)


def test_christmas_2027_on_a_saturday_moves_to_monday() -> None:
    assert due_date(date(2027, 11, 25)) == date(2027, 12, 27)


def test_easter_monday_after_a_weekend_moves_to_tuesday() -> None:
    # 4 April 2026 is a Saturday, 6 April Easter Monday.
    assert due_date(date(2026, 3, 4)) == date(2026, 4, 7)


def test_pentecost_monday_is_a_holiday() -> None:
    assert due_date(date(2026, 4, 25)) == date(2026, 5, 26)


def test_1_and_8_may_on_fridays_each_move_to_monday() -> None:
    assert due_date(date(2026, 4, 1)) == date(2026, 5, 4)
    assert due_date(date(2026, 4, 8)) == date(2026, 5, 11)


def test_alsace_moselle_holidays_do_not_apply() -> None:
    # Good Friday and St Stephen's day are holidays only in Alsace-Moselle.
    assert is_working_day(date(2026, 4, 3))
    assert is_working_day(date(2026, 12, 28))
    assert due_date(date(2026, 3, 3)) == date(2026, 4, 3)


def test_working_days() -> None:
    assert is_working_day(date(2026, 11, 27))  # Friday
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 11, 29))  # Sunday
    assert not is_working_day(date(2026, 12, 25))  # Christmas
    assert next_working_day(date(2026, 11, 28)) == date(2026, 11, 30)
    assert next_working_day(date(2026, 11, 30)) == date(2026, 11, 30)


# --- extension: two further months from the end of the first month ----------------

def test_extension_gives_two_further_months_after_the_first() -> None:
    assert due_date(date(2026, 3, 10), extended=True) == date(2026, 6, 10)  # Wednesday


def test_extension_from_30_november_ends_on_the_last_day_of_february_moved_to_monday() -> None:
    # 30 Dec 2026 + 2 months = 28 February 2027, a Sunday.
    assert due_date(date(2026, 11, 30), extended=True) == date(2027, 3, 1)


def test_31_january_first_month_ends_28_february_and_the_extension_28_april() -> None:
    # Art. 12(3) "two further months" run from the end of the first month, before the
    # move to a working day: 31 Jan -> 28 Feb (Saturday, unmoved) -> 28 April (Tuesday).
    # "+3 months from receipt" would give 30 April, two days late.
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert due_date(date(2026, 1, 31)) == date(2026, 3, 2)
    assert due_date(date(2026, 1, 31), extended=True) == date(2026, 4, 28)
    assert add_months(date(2026, 1, 31), 3) == date(2026, 4, 30)


def test_extension_in_a_leap_year_runs_from_29_february() -> None:
    # 31 Jan 2028 -> 29 Feb 2028 -> 29 April 2028, a Saturday: Tuesday 2 May (1 May is a holiday).
    assert due_date(date(2028, 1, 31)) == date(2028, 2, 29)
    assert due_date(date(2028, 1, 31), extended=True) == date(2028, 5, 2)


def test_extension_ending_on_a_holiday_moves_to_the_next_working_day() -> None:
    # 14 Jan 2026 -> 14 Feb -> 14 April 2026: a Tuesday, a working day.
    assert due_date(date(2026, 1, 14), extended=True) == date(2026, 4, 14)
    # 25 Sep 2026 -> 25 Oct -> 25 December 2026 (Christmas, Friday) -> Monday 28 December.
    assert due_date(date(2026, 9, 25), extended=True) == date(2026, 12, 28)
    # 14 Apr 2026 -> 14 May (Ascension, Thursday: the first answer is due on Friday 15 May)
    # -> 14 July 2026 (Bastille Day, Tuesday) -> Wednesday 15 July.
    assert due_date(date(2026, 4, 14)) == date(2026, 5, 15)
    assert due_date(date(2026, 4, 14), extended=True) == date(2026, 7, 15)


def test_the_working_day_move_of_the_first_month_does_not_shift_the_extension() -> None:
    # 28 Feb 2026 is a Saturday: the first answer is due Monday 2 March, but the two
    # further months count from 28 February, not from 2 March.
    assert due_date(date(2026, 1, 28)) == date(2026, 3, 2)
    assert due_date(date(2026, 1, 28), extended=True) == date(2026, 4, 28)


def test_extension_allowed_on_the_last_day_of_the_first_month_not_the_day_after() -> None:
    received = date(2026, 3, 10)
    assert extension_allowed(received, date(2026, 3, 11))
    assert extension_allowed(received, date(2026, 4, 10))
    assert not extension_allowed(received, date(2026, 4, 11))


def test_extension_allowed_until_the_moved_last_day() -> None:
    # The first period ends on Monday 2 March 2026 (28 February is a Saturday).
    received = date(2026, 1, 31)
    assert extension_allowed(received, date(2026, 3, 2))
    assert not extension_allowed(received, date(2026, 3, 3))


def test_identification_restarts_the_period_from_the_day_the_information_arrives() -> None:
    received, info_arrived = date(2026, 3, 10), date(2026, 3, 20)
    assert due_date(info_arrived) == date(2026, 4, 20)
    assert due_date(info_arrived) > due_date(received)


# --- days left, due soon, overdue --------------------------------------------------

def test_days_left_counts_calendar_days_and_goes_negative_when_late() -> None:
    due = date(2026, 12, 10)
    assert days_left(due, date(2026, 11, 28)) == 12
    assert days_left(due, due) == 0
    assert days_left(due, date(2026, 12, 13)) == -3


def test_overdue_only_after_the_due_day() -> None:
    due = date(2026, 12, 10)
    assert not is_overdue(due, date(2026, 12, 9))
    assert not is_overdue(due, due)
    assert is_overdue(due, date(2026, 12, 11))


def test_due_soon_within_the_window_but_not_when_overdue() -> None:
    due = date(2026, 12, 10)
    assert not is_due_soon(due, date(2026, 12, 2))
    assert is_due_soon(due, date(2026, 12, 3))
    assert is_due_soon(due, due)
    assert not is_due_soon(due, date(2026, 12, 11))
    assert is_due_soon(due, date(2026, 11, 28), within_days=12)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 11, 28), "on_time"),
        (date(2026, 12, 5), "due_soon"),
        (date(2026, 12, 10), "due_today"),
        (date(2026, 12, 11), "overdue"),
    ],
)
def test_deadline_status(today: date, status: str) -> None:
    assert deadline_status(date(2026, 12, 10), today) == status


# --- properties --------------------------------------------------------------------

received_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@given(received=received_dates, extended=st.booleans())
def test_due_date_is_always_a_working_day_after_receipt(received: date, extended: bool) -> None:
    due = due_date(received, extended)
    assert is_working_day(due)
    assert due > received


@given(received=received_dates, extended=st.booleans())
def test_due_date_is_at_most_a_few_days_after_the_calendar_date(received: date, extended: bool) -> None:
    first = add_months(received, 1)
    calendar_date = add_months(first, 2) if extended else first
    due = due_date(received, extended)
    # Runs of non-working days in France are short: a weekend plus a holiday on the
    # Friday or the Monday (Easter, Pentecost) is three days, so four is a safe bound.
    assert calendar_date <= due <= calendar_date + timedelta(days=4)
    # Every day skipped is a non-working day.
    skipped = calendar_date
    while skipped < due:
        assert not is_working_day(skipped)
        skipped += timedelta(days=1)


@given(received=received_dates)
def test_calendar_month_date_keeps_the_day_or_clamps_to_the_month_end(received: date) -> None:
    target = add_months(received, 1)
    assert (target.year * 12 + target.month) - (received.year * 12 + received.month) == 1
    if target.day != received.day:
        assert target.day < received.day
        assert (target + timedelta(days=1)).day == 1  # clamped to the last day


@given(received=received_dates)
def test_extended_due_date_is_never_before_the_first_one(received: date) -> None:
    assert due_date(received, extended=True) > due_date(received)


@given(received=received_dates, offset=st.integers(min_value=0, max_value=200))
def test_extension_allowed_exactly_until_the_first_due_date(received: date, offset: int) -> None:
    today = received + timedelta(days=offset)
    assert extension_allowed(received, today) == (today <= due_date(received))
