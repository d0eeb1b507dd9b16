"""Helpers: the text of a PDF, and a catalogue value as the PDF displays it."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any

from pypdf import PdfReader

from portal import catalogue, formatting
from portal.i18n import in_locale


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def squash(text: str) -> str:
    """Whitespace-free text: line wrapping and tab alignment do not change the values."""
    return re.sub(r"\s+", "", text)


def displayed(value: Any, f: catalogue.Field, lang: str) -> str:
    """A JSON export value → the text the PDF shows for it."""
    if value is None or value == "":
        return ""
    if f.type == "money":
        euros, _, cents = str(value).lstrip("-").partition(".")
        amount = int(euros) * 100 + int(cents)
        return formatting.money(-amount if str(value).startswith("-") else amount, lang)
    if f.type == "datetime":
        return formatting.fmt_datetime(datetime.fromisoformat(str(value).rstrip("Z")), lang)
    if f.type == "date":
        return formatting.fmt_date(date.fromisoformat(value), lang)
    with in_locale(lang):
        return formatting.format_value(value, f.type, lang, f.choices)


def pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)
