"""Numbers and dates from the request, all through portal.numbers.parse_int: page
numbers, ids in query strings, and a URL converter that replaces Flask's `int` so that
every `<int:…>` id in a path is ASCII digits within the database's range (else 404:
no such page) — never a 500 from "²" or a twenty-digit id."""

from __future__ import annotations

from datetime import date

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from portal.numbers import DB_INT_MAX, parse_id, parse_int

# Dates a person may type in a filter: wide enough for any tenancy, narrow enough that
# adding a day or converting to a time zone never overflows.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in every route: 0 to the database's largest INTEGER, ASCII digits."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=0, max=DB_INT_MAX, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=False)


def init_app(app: Flask) -> None:
    """Install the converter: before any blueprint is registered (rules compile with it)."""
    app.url_map.converters["int"] = BoundedIntConverter


def page(name: str = "page", limit: int = 10**6) -> int:
    """?page=n (1 to limit); anything else is page 1 (a stale or mangled link still shows a page)."""
    return parse_int(request.args.get(name), minimum=1, maximum=limit) or 1


def id_arg(name: str, source: str = "args") -> int | None:
    """An id from the query string (or the form, source="form"); None when absent or not an id."""
    values = request.form if source == "form" else request.args
    return parse_id(values.get(name))


def bounded_date(raw: str | None) -> date | None:
    """An ISO date between MIN_DATE and MAX_DATE, else None."""
    try:
        value = date.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    return value if MIN_DATE <= value <= MAX_DATE else None
