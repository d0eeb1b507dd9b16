"""English dates use one format, with or without the time (issue 23)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from portal.formatting import fmt_date, fmt_datetime


def test_english_date_and_date_time_read_the_same_way():
    assert fmt_date(date(2026, 12, 5), "en") == "Dec 5, 2026"
    assert fmt_datetime(datetime(2026, 12, 5, 14, 21, tzinfo=timezone.utc), "en").startswith("Dec 5, 2026, ")
    assert fmt_datetime(datetime(2026, 12, 5, 14, 21, tzinfo=timezone.utc), "fr").startswith("05/12/2026 ")
