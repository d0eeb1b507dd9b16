"""Documents and mail bodies rendered from templates/ without Flask: letters and the PDF
copy (HTML, autoescaped) and e-mail bodies (templates/mail/*.txt, plain text).

A plain Jinja environment with the i18n extension bound to portal.i18n, so a document is
written in the language it is rendered for (the tenant's), whatever the language of the
page or command that asked for it. Templates rendered here get their values passed in:
no url_for, request or session (there may be none: a background job renders copies).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from jinja2 import Environment, FileSystemLoader, select_autoescape

from portal import formatting, i18n

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _filters(env: Environment) -> None:
    """The web app's value filters (portal.web.app), in the language being rendered."""
    env.filters["money"] = lambda cents: formatting.money(cents, i18n.current_language())
    env.filters["date"] = lambda value: formatting.format_value(
        value, "datetime" if isinstance(value, datetime) else "date", i18n.current_language())
    env.filters["fmt"] = lambda value, field=None, ftype=None: (
        formatting.field_formatter(field, i18n.current_language())(value) if field is not None and ftype is None
        else formatting.format_value(value, ftype or "text", i18n.current_language()))


def _environment(**options: Any) -> Environment:
    # HTML (and XML) templates escape every value; plain-text ones (mail/*.txt) have nothing to escape.
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), extensions=["jinja2.ext.i18n"],
                      autoescape=select_autoescape(["html", "xml"]), **options)
    # newstyle: _("… %(name)s", name=value) fills (and, in HTML, escapes) the value, as in the web app.
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    _filters(env)
    return env


@lru_cache(maxsize=1)
def documents() -> Environment:
    """HTML documents (letters, the PDF copy): every value escaped."""
    return _environment()


@lru_cache(maxsize=1)
def texts() -> Environment:
    """Plain-text mail bodies: block tags take their line with them."""
    return _environment(trim_blocks=True, lstrip_blocks=True)


def render_document(names: str | Iterable[str], lang: str, /, **values: Any) -> str:
    """The first of `names` that exists, rendered in `lang` (an HTML document)."""
    with i18n.in_locale(lang):
        template = documents().select_template([names] if isinstance(names, str) else list(names))
        return template.render(lang=lang, current_lang=lang, **values)


def render_text(name: str, lang: str, /, **values: Any) -> str:
    """A plain-text template (a mail body) rendered in `lang`, without a line break at the
    end (a template's last {% endif %} would leave one or not, depending on the branch)."""
    with i18n.in_locale(lang):
        return texts().get_template(name).render(lang=lang, **values).rstrip("\n")
