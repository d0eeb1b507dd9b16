"""Both catalogues are complete: every user-facing string of the code and templates has
a French translation (English is the source language of the msgids)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from portal.i18n import merged_catalog

ROOT = Path(__file__).resolve().parents[1]
METHOD_MAP = [("portal/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _msgids() -> dict[str, str]:
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), METHOD_MAP, keywords=KEYWORDS, options_map={"templates/**.html": {}, "templates/**.txt": {}}):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, filename)
    return found


def test_every_string_has_a_french_translation():
    catalog = merged_catalog(ROOT / "translations" / "fr", "fr")
    missing = {m: f for m, f in _msgids().items() if not (catalog.get(m) and catalog.get(m).string)}
    assert not missing, "untranslated (msgid -> file):\n" + "\n".join(
        f"  {m!r}  ({f})" for m, f in sorted(missing.items()))


def test_french_translations_keep_their_placeholders():
    import re

    catalog = merged_catalog(ROOT / "translations" / "fr", "fr")
    for message in catalog:
        if not message.id or not message.string or isinstance(message.id, tuple):
            continue
        names = set(re.findall(r"%\((\w+)\)s", message.id))
        assert names == set(re.findall(r"%\((\w+)\)s", message.string)), message.id


def test_english_is_complete_because_it_is_the_source_language(app, client):
    # The English interface shows the msgids themselves: no French leaks into it.
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert "Log in" in page and "Se connecter" not in page
    page = client.get("/login?lang=fr").get_data(as_text=True)
    assert "Se connecter" in page
