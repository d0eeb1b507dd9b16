"""Translations: message catalogues in translations/<lang>/*.po, one file per area of the
portal (so parallel work never edits the same file), merged and compiled into
translations/<lang>/LC_MESSAGES/messages.mo.

The .mo files are build products, not committed: create_app compiles them when a .po
is newer (a few milliseconds), so a fresh clone runs without an extra step.
English is the source language of the msgids; the English catalogue exists so that
Babel has a catalogue for every offered language, and a test checks both are complete.

This module is the services' gettext and knows nothing of Flask: the current language is
a context variable (`in_locale(lang)` sets it for a block; the web app sets it for each
request from Flask-Babel's locale, the commands from their --lang), `gettext`/`ngettext`
translate in it, and `lazy_gettext` (`_l`, import-time strings) translates each time the
string is used, so a catalogue label follows whatever language it is shown in.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"  # the users are in France (config.Defaults.BABEL_DEFAULT_LOCALE)

# The language text is produced in, for this thread / task (a ContextVar: parallel
# requests and jobs never see each other's language).
_language: ContextVar[str] = ContextVar("portal_language", default=DEFAULT_LANGUAGE)


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


@lru_cache(maxsize=None)
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of one language (compiled first if stale), loaded once."""
    compile_all(TRANSLATIONS)
    return Translations.load(str(TRANSLATIONS), [lang], "messages")


def language_of(value: Any) -> str:
    """An offered language code from a code or a Babel Locale ("en_GB" → "en"); French
    for anything else."""
    code = str(value or "").replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    """The language text is being produced in ("fr" unless set)."""
    return _language.get()


def set_language(lang: Any) -> Any:
    """Make `lang` the current language until the token returned is given to
    `reset_language` (the web app's per-request hook)."""
    return _language.set(language_of(lang))


def reset_language(token: Any) -> None:
    """Back to the language current before `set_language` returned `token`."""
    _language.reset(token)


@contextmanager
def in_locale(lang: Any) -> Iterator[None]:
    """Produce text in `lang` inside the block (None: keep the current language)."""
    if lang is None:
        yield
        return
    token = set_language(lang)
    try:
        yield
    finally:
        _language.reset(token)


def gettext(msgid: str, **params: Any) -> str:
    """`msgid` in the current language, with its %(name)s placeholders filled."""
    text = translations(current_language()).gettext(msgid)
    return text % params if params else text


def ngettext(singular: str, plural: str, num: int, **params: Any) -> str:
    """The singular or plural form for `num` in the current language (%(num)s is filled
    too)."""
    params.setdefault("num", num)
    return translations(current_language()).ngettext(singular, plural, num) % params


class Translated(str):
    """A translation of one of our own msgids, without placeholders: trusted text in a
    template, as Jinja's own `_()` treats it (values filled into a message are escaped)."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


def _lazy_value(msgid: str, **params: Any) -> str:
    return gettext(msgid, **params) if params else Translated(gettext(msgid))


def lazy_gettext(msgid: str, **params: Any) -> LazyProxy:
    """A string translated each time it is used, in the language current then (not cached:
    the same catalogue label is shown in French and in English)."""
    return LazyProxy(_lazy_value, msgid, enable_cache=False, **params)
