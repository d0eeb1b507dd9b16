"""CSV cells that a spreadsheet will not run (CSV / formula injection, OWASP): a text
that starts with =, +, -, @, a tab or a carriage return is a live formula in Excel and
LibreOffice (`=HYPERLINK(...)`, `@SUM(...)`, DDE). Every CSV the portal writes passes
its cells through `neutralise`, which puts a single quote in front (shown by
spreadsheets as plain text), and `portal import` reads them back with `restore`, so a
note saying "-- to check" survives an export and an import exactly.

Plain numbers ("-12.50", "+33") are left as they are: they are no formula, and the
amounts of a payment export must stay numbers. A text that already starts with quotes
followed by a dangerous character gets one more quote, so `restore` is exact.
(defusedcsv does the writing side only and cannot be read back exactly: not used.)"""

from __future__ import annotations

import re

DANGEROUS = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[+-]?[0-9]+([.,][0-9]+)?")


def _needs_quote(text: str) -> bool:
    if text[:1] == "'":
        return _needs_quote(text.lstrip("'"))
    return text[:1] in DANGEROUS and not _NUMBER.fullmatch(text)


def neutralise(text: str) -> str:
    """The cell to write: `text`, with a leading quote when a spreadsheet would run it."""
    return "'" + text if text and _needs_quote(text) else text


def restore(cell: str) -> str:
    """The text a cell written by `neutralise` stands for (other cells unchanged)."""
    return cell[1:] if cell[:1] == "'" and _needs_quote(cell[1:]) else cell


def row(cells: list[str]) -> list[str]:
    """neutralise for a whole row."""
    return [neutralise(c) for c in cells]
