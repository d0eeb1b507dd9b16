"""Helpers: the text of a PDF, and a catalogue value as the PDF displays it."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from portal import catalogue, formatting
from portal.i18n import in_locale


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def squash(text: str) -> str:
    """Whitespace-free text: line wrapping and tab alignment do not change the values."""
    return re.sub(r"\s+", "", text)


_PARIS = ZoneInfo("Europe/Paris")


def displayed(value: Any, f: catalogue.Field, lang: str) -> str:
    """A JSON export value → the text the PDF shows for it. Amounts and dates are written
    here the way a French or English reader writes them, not with portal.formatting (a
    test that formats its expectation with the code's own function proves nothing about
    that function). Compare after `squash`: spaces are not part of the check."""
    if value is None or value == "":
        return ""
    if f.type == "money":
        sign = "-" if str(value).startswith("-") else ""
        euros, _, cents = str(value).lstrip("-").partition(".")
        if lang == "fr":
            return f"{sign}{int(euros):,}".replace(",", " ") + f",{cents} €"
        return f"{sign}€{int(euros):,}.{cents}"
    if f.type == "datetime":
        moment = datetime.fromisoformat(str(value).rstrip("Z"))
        local = (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(_PARIS)
        return local.strftime("%d/%m/%Y %H:%M") if lang == "fr" else f"{local:%b} {local.day}, {local:%Y, %H:%M}"
    if f.type == "date":
        day = date.fromisoformat(value)
        return day.strftime("%d/%m/%Y") if lang == "fr" else f"{day:%b} {day.day}, {day.year}"
    with in_locale(lang):
        return formatting.format_value(value, f.type, lang, f.choices)


def pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)
