"""Retention periods of the catalogue's categories, machine-readable (Art. 5(1)(e)).

Each category has a period in months and the date it runs from (its anchor); `portal
purge` (portal/retention) applies them, and the Art. 15 retention texts (texts.toml,
placeholder `{period}`) are filled from the same values, so what the tenant reads is what
the code does. Sources: /work/shared/catalogue.md (law of 6 July 1989 art. 7-1: three
years after the lease; public accounting: ten years; CNIL logging recommendation: six
months to one year; proof of GDPR answers: five years).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

#: What a period runs from.
ANCHORS = (
    "lease_end",    # the end date of the tenant's lease
    "survey_year",  # 31 December of the survey's year (resources.survey_year)
    "record_date",  # the record's own date (per section: see Rule.dates)
    "closed_on",    # the incident's closure
    "answered_at",  # the answer to the privacy request
    "at",           # the moment it was written (logins, audit entries)
)


@dataclass(frozen=True)
class Rule:
    months: int
    anchor: str
    # Section key -> the date column the period runs from, when anchor is record_date.
    dates: Mapping[str, str] | None = None


RULES: dict[str, Rule] = {
    "identity": Rule(36, "lease_end"),
    "contact": Rule(36, "lease_end"),
    "household": Rule(36, "lease_end"),
    "lease": Rule(36, "lease_end"),
    "resources": Rule(36, "survey_year"),
    "payments": Rule(120, "record_date", {"rent_calls": "period", "payments": "paid_on", "plans": "agreed_on"}),
    "incidents": Rule(36, "closed_on"),
    "notes": Rule(0, "lease_end"),
    "correspondence": Rule(36, "lease_end"),
    "account": Rule(12, "at"),  # login history and closed accounts: CNIL, 6 months to 1 year
    "requests": Rule(60, "answered_at"),
    "access_log": Rule(12, "at"),
}

# Cached renderings of a file are copies, not records: they go after this many days.
DOCUMENT_CACHE_DAYS = 30

_UNITS = {"fr": (("an", "ans"), ("mois", "mois")), "en": (("year", "years"), ("month", "months"))}


def period_text(months: int, lang: str) -> str:
    """"3 ans", "1 year", "6 months": a period as the Art. 15 texts say it."""
    (year, years), (month, months_word) = _UNITS.get(lang, _UNITS["fr"])
    if months and months % 12 == 0:
        n = months // 12
        return f"{n} {year if n == 1 else years}"
    return f"{months} {month if months == 1 else months_word}"


def rule(category_key: str) -> Rule:
    """The retention rule of a category (KeyError when unknown)."""
    return RULES[category_key]
