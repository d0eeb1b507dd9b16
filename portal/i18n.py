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
from flask import g
from flask_babel import force_locale, get_locale, gettext
from flask_babel.speaklater import LazyString


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


class _KeptLazyString(LazyString):
    """A lazy_gettext whose translation is kept per (message, locale): the catalogues do not
    change while the portal runs, and a file page reads the same labels hundreds of times
    (Flask-Babel would look up the locale and the catalogue again each time)."""

    def __str__(self) -> str:
        msgid = self._args[0]
        locale = current_locale()
        if locale is None:  # outside any app: the message as written
            return str(gettext(msgid, **self._kwargs))
        key = (msgid, locale.language, locale.territory)  # strings hash fast; a Locale does not
        text = _KEPT.get(key)
        if text is None:
            text = _KEPT[key] = str(gettext(msgid))
        return text % self._kwargs if self._kwargs else text


_KEPT: dict[tuple[str, str, str | None], str] = {}


def current_locale() -> Any:
    """Flask-Babel's get_locale, without its three lookups through `g` once the locale of
    the request is known (a file page asks hundreds of times). force_locale sets the same
    attribute, so a document rendered in another language is still translated right."""
    try:
        found = getattr(g._get_current_object().__dict__.get("_flask_babel"), "babel_locale", None)
    except RuntimeError:  # no application context
        found = None
    return found if found is not None else get_locale()


def in_locale(lang: str) -> AbstractContextManager:
    """force_locale(lang), or nothing when the request is already in that language: forcing
    swaps and reloads the translations, and a file page formats a score of sections, each
    in the page's own language."""
    try:
        locale = current_locale()
    except RuntimeError:
        locale = None
    if locale is not None and locale.language == lang and not locale.territory:
        return nullcontext()
    return force_locale(lang)


def lazy_gettext(msgid: str, **variables: Any) -> LazyString:
    return _KeptLazyString(gettext, msgid, **variables)
