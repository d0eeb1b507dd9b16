"""Display formatting of catalogue values for a language (babel.dates, babel.numbers;
words through portal.i18n). Used by the pages and the documents so that a date or an
amount reads the same everywhere."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any, Callable
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from markupsafe import escape

from portal.i18n import gettext, in_locale

PARIS = ZoneInfo("Europe/Paris")


def landlord_today() -> date:
    """Today on the landlord's calendar (Paris), whatever the server's time zone: legal
    deadlines (Art. 12(3) GDPR) and retention periods run on French calendar days, so
    between 23:00 and midnight UTC it is already tomorrow."""
    return datetime.now(PARIS).date()


def local_dt(value: datetime) -> datetime:
    """Stored timestamps are naive UTC; people read Paris time."""
    return value.replace(tzinfo=ZoneInfo("UTC")).astimezone(PARIS)


# A tenant's file repeats the same amounts and days (the rent, month after month), and Babel
# formats a value in tens of microseconds: the formatted strings are kept (a few thousand,
# bounded), which halves the cost of rendering a long file.
_CACHE = 8192


@lru_cache(maxsize=_CACHE)
def money(cents: int | None, lang: str) -> str:
    if cents is None:
        return ""
    return format_currency(cents / 100, "EUR", locale=lang)


@lru_cache(maxsize=_CACHE)
def decimal(value: float | int, lang: str) -> str:
    return format_decimal(value, locale=lang)


@lru_cache(maxsize=_CACHE)
def fmt_date(value: date | None, lang: str) -> str:
    return "" if value is None else format_date(value, "medium" if lang == "en" else "dd/MM/yyyy", locale=lang)


@lru_cache(maxsize=_CACHE)
def fmt_datetime(value: datetime | None, lang: str) -> str:
    if value is None:
        return ""
    return format_datetime(local_dt(value), "dd/MM/yyyy HH:mm" if lang == "fr" else "MMM d, yyyy, HH:mm",
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
        with in_locale(lang):
            return gettext("Yes") if value else gettext("No")
    if ftype == "float":
        return decimal(value, lang)
    if choices and isinstance(value, str) and value in choices:
        with in_locale(lang):
            return str(choices[value])
    if choices and isinstance(value, str) and _several(value, choices):
        with in_locale(lang):
            return ", ".join(str(choices[part]) for part in value.split(","))
    if isinstance(value, list):
        if choices and all(isinstance(v, str) and v in choices for v in value):
            with in_locale(lang):
                return ", ".join(str(choices[v]) for v in value)
        return ", ".join(str(v) for v in value)
    return str(value)


def _several(value: str, choices: Any) -> bool:
    """A comma-separated list of choice keys (an audit entry's "identity,contact")."""
    return "," in value and all(part in choices for part in value.split(","))


# One formatter per catalogue field and language, built once: the choice labels and yes/no
# are translated when it is built, not per value (a long table repeats them on every row).
_FORMATTERS: dict[tuple[int, str], tuple[Any, Callable[[Any], str]]] = {}


def field_formatter(field: Any, lang: str) -> Callable[[Any], str]:
    """A function that formats the values of this catalogue field as `format_value` does."""
    hit = _FORMATTERS.get((id(field), lang))
    if hit is not None and hit[0] is field:
        return hit[1]
    ftype = field.type
    with in_locale(lang):
        labels = {k: str(v) for k, v in (field.choices or {}).items()}
        yes_no = (gettext("No"), gettext("Yes"))

    def fmt(value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str) and value in labels:
            return labels[value]
        if isinstance(value, str) and _several(value, labels):
            return ", ".join(labels[part] for part in value.split(","))
        if labels and isinstance(value, list) and all(isinstance(v, str) and v in labels for v in value):
            return ", ".join(labels[v] for v in value)
        if ftype == "bool":
            return yes_no[bool(value)]
        return format_value(value, ftype, lang)

    _FORMATTERS[(id(field), lang)] = (field, fmt)
    return fmt


# The columns of a file's sections per set of catalogue fields and language: a file page
# shows a score of sections, each of whose labels would otherwise be looked up in the
# translations on every page. The catalogue's fields live as long as the process, and so
# do the translations (bounded all the same).
_COLUMNS: dict[tuple[tuple[int, ...], str], tuple[tuple[Any, ...], list[tuple[Any, str, Callable[[Any], str]]]]] = {}


def filled(columns: list[tuple[Any, str, Callable[[Any], str]]], rows: Any) -> list[tuple[Any, str, Callable[[Any], str]]]:
    """The columns (as `columns` gives them) that hold a value in at least one of these
    rows (each with a `values` mapping): a column empty on the whole page is not shown
    (no header over blank cells on a computer, no empty label on a phone). Zero and
    False are values."""
    rows = list(rows)
    return [c for c in columns if any(r.values.get(c[0].key) not in (None, "") for r in rows)]


def columns(fields: Any, lang: str) -> list[tuple[Any, str, Callable[[Any], str]]]:
    """(field, its translated label (escaped), its formatter) for each of these catalogue fields."""
    fields = tuple(fields)
    key = (tuple(map(id, fields)), lang)
    hit = _COLUMNS.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], fields)):
        return hit[1]
    with in_locale(lang):
        found = [(f, escape(str(f.label)), field_formatter(f, lang)) for f in fields]
    if len(_COLUMNS) > 1024:
        _COLUMNS.clear()
    _COLUMNS[key] = (fields, found)
    return found
