"""The one parser of numbers that come from outside (URLs, query strings, form fields,
CSV cells naming a record): ASCII digits only, within the database's integer range.

str.isdigit() is not a check: it accepts "²" and "٣", which int() then refuses or reads,
and a twenty-digit id overflows the database's INTEGER (a 500 either way). Plain Python:
services and the web layer (portal/web/params.py) use the same function."""

from __future__ import annotations

import re
from typing import Any

DB_INT_MAX = 2**31 - 1  # PostgreSQL INTEGER (SQLite's is wider: the smaller bound for both)
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_int(raw: Any, *, minimum: int = 0, maximum: int = DB_INT_MAX) -> int | None:
    """The whole number `raw` spells (ASCII digits, surrounding spaces allowed), or None
    when it is anything else or outside [minimum, maximum]."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _DIGITS.fullmatch(raw.strip()):
        value = int(raw.strip())
    else:
        return None
    return value if minimum <= value <= maximum else None


def parse_id(raw: Any) -> int | None:
    """A database id (1 and up), or None."""
    return parse_int(raw, minimum=1)
