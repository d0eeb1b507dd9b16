"""Display formatting of catalogue values for a language (Babel). Used by the pages and
the documents so that a date or an amount reads the same everywhere."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from flask_babel import force_locale, gettext

PARIS = ZoneInfo("Europe/Paris")


def local_dt(value: datetime) -> datetime:
    """Stored timestamps are naive UTC; people read Paris time."""
    return value.replace(tzinfo=ZoneInfo("UTC")).astimezone(PARIS)


def money(cents: int | None, lang: str) -> str:
    if cents is None:
        return ""
    return format_currency(cents / 100, "EUR", locale=lang)


def fmt_date(value: date | None, lang: str) -> str:
    return "" if value is None else format_date(value, "medium" if lang == "en" else "dd/MM/yyyy", locale=lang)


def fmt_datetime(value: datetime | None, lang: str) -> str:
    if value is None:
        return ""
    return format_datetime(local_dt(value), "dd/MM/yyyy HH:mm" if lang == "fr" else "d MMM yyyy, HH:mm",
                           locale=lang)


def format_value(value: Any, ftype: str, lang: str, choices: Any = None) -> str:
    """A catalogue value as a person reads it in this language."""
    if value is None or value == "":
        return ""
    if ftype == "money":
        return money(value, lang)
    if ftype == "datetime" and isinstance(value, datetime):
        return fmt_datetime(value, lang)
    if ftype == "date" and isinstance(value, date):
        return fmt_date(value, lang)
    if ftype == "bool":
        with force_locale(lang):
            return gettext("Yes") if value else gettext("No")
    if ftype == "float":
        return format_decimal(value, locale=lang)
    if choices and isinstance(value, str) and value in choices:
        with force_locale(lang):
            return str(choices[value])
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
