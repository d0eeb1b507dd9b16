"""Legal deadlines for privacy requests: pure date arithmetic, no Flask, no database.

GDPR Art. 12(3) gives the controller "one month of receipt of the request", which
may be extended by two further months (three months in all). Periods in EU law are
counted under Regulation (EEC, Euratom) No 1182/71, Art. 3:

* the day of receipt is not counted, and a period expressed in months ends on the
  same date in the last month; where that date does not exist (31 January + one
  month), on the last day of that month (Art. 3(1) and 3(2)(c));
* where the last day is a Saturday, a Sunday or a public holiday, the period ends on
  the next working day (Art. 3(4)). Public holidays are those of metropolitan France,
  taken from the maintained ``holidays`` package rather than a hand-kept list (Easter,
  Ascension and Pentecost Monday move every year).

We count calendar months, never "30 days": a request received on 2 February 2026 is
due on 2 March 2026, whereas "+30 days" would give 4 March, two days late.

An extension adds "two further months" (Art. 12(3)) counted from the end of the first
month, before any move to a working day: received 31 January, the first month ends on
28 February and the extended period on 28 April (not 30 April, which "+3 months" gives).

Identification: only reasonable doubt about the requester's identity stops the clock
(EDPB Guidelines 01/2022 on the right of access, §§ 159-160): the period then runs from
the day the identifying information arrives, so callers compute
``due_date(info_arrived_on, extended)``. Asking the tenant to clarify a request does not
stop it: the due date stays.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import holidays

__all__ = [
    "FIRST_PERIOD_MONTHS",
    "FURTHER_PERIOD_MONTHS",
    "EXTENDED_PERIOD_MONTHS",
    "DUE_SOON_DAYS",
    "add_months",
    "due_date",
    "is_working_day",
    "is_public_holiday",
    "next_working_day",
    "days_left",
    "is_overdue",
    "is_due_soon",
    "deadline_status",
    "extension_allowed",
]

#: Art. 12(3): one month, extendable "by two further months" (three in all).
FIRST_PERIOD_MONTHS = 1
FURTHER_PERIOD_MONTHS = 2
EXTENDED_PERIOD_MONTHS = FIRST_PERIOD_MONTHS + FURTHER_PERIOD_MONTHS
#: Default warning window for the back office's "due soon" list.
DUE_SOON_DAYS = 7

DeadlineStatus = Literal["overdue", "due_today", "due_soon", "on_time"]


@lru_cache(maxsize=64)
def _french_holidays(year: int) -> frozenset[date]:
    """Public holidays of metropolitan France for one year.

    Built once per year and frozen: a ``holidays.HolidayBase`` fills itself lazily on
    lookup, which is not something to share between the threads of a web server.
    No subdivision is given, so Alsace-Moselle's extra days (Good Friday, 26 December)
    are not included: the landlord's tenants live in Paris.
    """
    return frozenset(holidays.country_holidays("FR", years=year).keys())


def is_public_holiday(d: date) -> bool:
    """True when ``d`` is a French (metropolitan) public holiday."""
    return d in _french_holidays(d.year)


def is_working_day(d: date) -> bool:
    """True for Monday to Friday when not a French public holiday."""
    return d.weekday() < 5 and not is_public_holiday(d)


def next_working_day(d: date) -> date:
    """``d`` itself when it is a working day, else the first working day after it.

    Repeats because a holiday can follow a weekend (Easter Monday, Pentecost Monday)
    or two holidays can sit side by side with a weekend (1 and 8 May on Fridays).
    """
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def add_months(d: date, months: int) -> date:
    """The same date ``months`` later; the last day of that month when the date does
    not exist there (31 January + 1 month = 28 or 29 February)."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def due_date(received: date, extended: bool = False) -> date:
    """The last day to answer a request received on ``received``.

    One month after the day of receipt; when extended, two further months counted
    from the end of that first month (its unmoved last day: 31 Jan -> 28 Feb -> 28 Apr).
    The result moves to the next working day when it lands on a weekend or a French
    public holiday. After a request for identification information, pass the day the
    information arrived as ``received``.
    """
    end = add_months(received, FIRST_PERIOD_MONTHS)
    if extended:
        end = add_months(end, FURTHER_PERIOD_MONTHS)
    return next_working_day(end)


def days_left(due: date, today: date) -> int:
    """Calendar days from ``today`` to ``due``: 0 on the due day, negative when late."""
    return (due - today).days


def is_overdue(due: date, today: date) -> bool:
    """True once the due day has passed without an answer (the due day itself is in time)."""
    return today > due


def is_due_soon(due: date, today: date, within_days: int = DUE_SOON_DAYS) -> bool:
    """True when the due day is today or within the next ``within_days`` days.

    Overdue requests are not "due soon": they have their own, louder, list.
    """
    return 0 <= days_left(due, today) <= within_days


def deadline_status(due: date, today: date, within_days: int = DUE_SOON_DAYS) -> DeadlineStatus:
    """One word for the back office badge: ``overdue``, ``due_today``, ``due_soon`` or ``on_time``."""
    left = days_left(due, today)
    if left < 0:
        return "overdue"
    if left == 0:
        return "due_today"
    if left <= within_days:
        return "due_soon"
    return "on_time"


def extension_allowed(received: date, today: date) -> bool:
    """True while the first month runs (up to and including its last day).

    Art. 12(3) requires the tenant to be told of an extension "within one month of
    receipt", so once the first period has ended the portal refuses to extend.
    """
    return today <= due_date(received)
