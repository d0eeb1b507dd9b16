"""Translations: message catalogues in translations/<lang>/*.po, one file per area of the
portal (so parallel work never edits the same file), merged and compiled into
translations/<lang>/LC_MESSAGES/messages.mo.

The .mo files are build products, not committed: create_app compiles them when a .po
is newer (a few milliseconds), so a fresh clone runs without an extra step.
English is the source language of the msgids; the English catalogue exists so that
Babel has a catalogue for every offered language, and a test checks both are complete.
"""

from __future__ import annotations

import os
import uuid
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
# lazy_gettext (`_l`, import-time strings) is Flask-Babel's own, re-exported.
from flask_babel import force_locale, get_locale, lazy_gettext  # noqa: F401


def merged_catalog(lang_dir: Path, locale: str) -> Catalog:
    """All .po files of one language merged into one catalogue."""
    merged = Catalog(locale=locale)
    for po in sorted(lang_dir.glob("*.po")):
        with po.open("rb") as fh:
            part = read_po(fh, locale=locale)
        for message in part:
            if message.id and message.string:
                merged[message.id] = message
    return merged


def compile_all(translations_dir: Path, force: bool = False) -> list[Path]:
    """(Re)build every stale messages.mo; returns the files written."""
    written = []
    for lang_dir in sorted(p for p in translations_dir.iterdir() if p.is_dir()):
        sources = list(lang_dir.glob("*.po"))
        target = lang_dir / "LC_MESSAGES" / "messages.mo"
        newest = max((p.stat().st_mtime for p in sources), default=0)
        if not force and target.exists() and target.stat().st_mtime >= newest:
            continue
        target.parent.mkdir(exist_ok=True)
        catalog = merged_catalog(lang_dir, lang_dir.name)
        tmp = target.with_suffix(f".{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")  # one per process
        with tmp.open("wb") as fh:
            write_mo(fh, catalog)
        tmp.replace(target)  # atomic: parallel test workers never read half a file
        written.append(target)
    return written


def current_locale() -> Any:
    """The locale pages and documents are rendered in (Flask-Babel's get_locale; None
    outside an application)."""
    try:
        return get_locale()
    except RuntimeError:  # no application context
        return None


def in_locale(lang: str) -> AbstractContextManager:
    """force_locale(lang), or nothing when the request is already in that language (forcing
    swaps the translations back and forth for nothing)."""
    locale = current_locale()
    if locale is not None and locale.language == lang and not locale.territory:
        return nullcontext()
    return force_locale(lang)
