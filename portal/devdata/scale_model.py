"""The shape of the synthetic landlord: sizes, the result of a load, small date helpers."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache


from portal import deadlines


DWELLINGS_PER_BUILDING = 40
BUILDINGS_PER_PORTFOLIO = 25
BUILDINGS_PER_CARETAKER = 4
MONTHS = 36  # three years of rent calls and payments
HEAVY_MONTHS = 360  # a heavy tenant: thirty years
HEAVY_EVERY = 50_000  # one heavy lease in so many (plus the first one)
CHUNK_LEASES = 4_000  # leases generated between two writes
BIG_TABLES = ("rent_calls", "payments", "notes", "incidents", "correspondence", "household_members",
              "resource_declarations", "users", "tenants", "leases", "dwellings")


class AlreadySeeded(Exception):
    """This seed number was already loaded into the database."""


@dataclass
class Result:
    tenants: int
    rows: dict[str, int] = field(default_factory=dict)
    heavy_emails: list[str] = field(default_factory=list)
    sample_emails: list[str] = field(default_factory=list)


def slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_.lower() if c.isalnum())


def months_back(today: date, n: int) -> list[date]:
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        out.append(date(y, m, 1))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out[::-1]


@lru_cache(maxsize=1024)
def due(received: date, extended: bool) -> date:
    return deadlines.due_date(received, extended)
