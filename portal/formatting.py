"""Display formatting of catalogue values for a language (Babel). Used by the pages and
the documents so that a date or an amount reads the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Callable
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from flask import has_app_context
from flask_babel import gettext
from markupsafe import Markup, escape

from portal.i18n import in_locale

PARIS = ZoneInfo("Europe/Paris")


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
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


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
        if ftype == "bool":
            return yes_no[bool(value)]
        return format_value(value, ftype, lang)

    if has_app_context():  # outside an app there are no translations to keep
        _FORMATTERS[(id(field), lang)] = (field, fmt)
    return fmt


# Formatted and escaped values, per field and language: the same rents, days and choices
# come back row after row. Bounded; values that cannot be keys (lists) are not kept.
_ESCAPED: dict[tuple[int, str], tuple[Any, Callable[[Any], str]]] = {}
_ESCAPED_MAX = 4096


def escaped_formatter(field: Any, lang: str) -> Callable[[Any], str]:
    """`field_formatter`, HTML-escaped, its results kept per value."""
    hit = _ESCAPED.get((id(field), lang))
    if hit is not None and hit[0] is field:
        return hit[1]
    fmt = field_formatter(field, lang)
    seen: dict[Any, str] = {}

    def escaped(value: Any) -> str:
        try:
            return seen[value]
        except KeyError:
            out = seen[value] = str(escape(fmt(value)))
            if len(seen) > _ESCAPED_MAX:
                seen.clear()
            return out
        except TypeError:  # unhashable (a list)
            return str(escape(fmt(value)))

    if has_app_context():  # as field_formatter: outside an app there are no translations to keep
        _ESCAPED[(id(field), lang)] = (field, escaped)
    return escaped


@dataclass(frozen=True)
class Table:
    labels: list[Markup]  # column headers, translated and escaped once
    body: Markup  # the rows, as <tr> elements


NUMERIC = ' class="num"'


# The translated labels and the cell openings of a section's columns, per set of fields
# and language: the same few dozen on every file page. Bounded.
_COLUMNS: dict[tuple[tuple[int, ...], str], tuple[Any, list[Markup], list[tuple[str, Any, str]]]] = {}


def _columns(fields: Any, lang: str) -> tuple[list[Markup], list[tuple[str, Any, str]]]:
    key = (tuple(map(id, fields)), lang)
    hit = _COLUMNS.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], fields)):
        return hit[1], hit[2]
    with in_locale(lang):
        labels = [escape(str(f.label)) for f in fields]
    columns = [(f.key, escaped_formatter(f, lang),
                f'<td data-label="{label}"{NUMERIC if f.type == "money" else ""}>')
               for f, label in zip(fields, labels)]
    if has_app_context():  # as field_formatter: outside an app there are no translations to keep
        if len(_COLUMNS) > 1024:
            _COLUMNS.clear()
        _COLUMNS[key] = (tuple(fields), labels, columns)
    return labels, columns


def section_table(fields: Any, rows: Any, lang: str, correct: tuple[str, Any] | None = None) -> Table:
    """The header labels and the rows of a listed section. Each value goes through its
    column's formatter and is escaped here, once; the rows are joined into one piece of
    markup, so the template does per section what it would otherwise do per cell (a file
    page holds hundreds of cells: this halves its rendering time). `correct` is (the
    rectification form's URL for the section's correctable field, the link's text): each
    row then ends with a link to correct that record."""
    labels, columns = _columns(fields, lang)
    link, end = "", "</tr>\n"
    if correct is not None:  # the row's id goes between the two
        link = f'<td><a class="correct-link" href="{escape(correct[0])}&amp;record='
        end = f'">{escape(correct[1])}</a></td></tr>\n'
    return Table(labels, Markup("".join(
        "<tr>" + "".join([f"{td}{fmt(row.values[key])}</td>" for key, fmt, td in columns])
        + (f"{link}{row.id}{end}" if link else end)
        for row in rows)))


def record_list(fields: Any, row: Any, lang: str, correct: Callable[[str], str | None] | None = None,
                correct_label: Any = None) -> Markup:
    """A single record as the rows of a definition list ("—" for an empty value).
    `correct(field_key)` gives the rectification URL of a correctable field."""
    out = []
    label_text = "" if correct_label is None else str(escape(correct_label))
    with in_locale(lang):  # labels and translations are markup, as in the templates
        labels = [str(escape(f.label)) for f in fields]
    for f, label in zip(fields, labels):
        value = escaped_formatter(f, lang)(row.values[f.key]) or "—"
        link = ""
        if correct is not None and f.rectifiable:
            url = correct(f.key)
            if url:
                link = (f' <a class="correct-link" href="{escape(url)}">{label_text}'
                        f'<span class="visually-hidden"> : {label}</span></a>')
        out.append(f'<div class="record-row"><dt>{label}</dt><dd>{value}{link}</dd></div>\n')
    return Markup("".join(out))


def section_html(cat_key: str, section: Any, lang: str, _: Callable[..., str], *,
                 level: int = 3, correct_url: Callable[..., str | None] | None = None,
                 page_url: Callable[[str, int], str] | None = None) -> Markup:
    """One catalogue section of a file, as the tenant's and the staff's views show it: a
    definition list for a single record, a table for many, with its pager.

    `_(msgid, **variables)` is the page's `_()` (markup, variables escaped; named so that
    the strings are extracted for translation);
    `correct_url(category, field[, record])` links each correctable value to the
    rectification form (None: no links); `page_url(argument, page)` is the page's own
    address with that page argument (page.<category>.<section>). Written here rather than as a template macro: a file
    page holds a score of sections, and the macro's own work was half their cost."""
    title = escape(section.title)
    if section.single:
        if not section.rows:
            nothing = _("We hold nothing in this section.")
            return Markup(f'<p class="empty">{nothing}</p>\n')
        row = section.rows[0]
        correct = None
        if correct_url is not None:
            def correct(field_key: str) -> str | None:
                return correct_url(cat_key, field_key, row.id)
        body = record_list(section.fields, row, lang, correct, _("Correct this"))
        return Markup(f'<dl class="record">\n{body}</dl>\n')
    out = [f'<h{level} class="section-title">{title} <span class="count">({escape(decimal(section.total, lang))})'
           f'</span></h{level}>\n']
    if not section.rows:
        nothing = _("Nothing recorded.")
        out.append(f'<p class="empty">{nothing}</p>\n')
        return Markup("".join(out))
    rf = section.correctable
    link = correct_url(cat_key, rf.key) if correct_url is not None and rf is not None else None
    table = section_table(section.fields, section.rows, lang, None if not link else (link, _("Correct this")))
    out.append(f'<div class="table-wrap" tabindex="0" role="region" aria-label="{title}">\n<table class="data">\n'
               '<thead><tr>')
    out.extend(f'<th scope="col">{label}</th>' for label in table.labels)
    if link:
        actions = _("Actions")
        out.append(f'<th scope="col"><span class="visually-hidden">{actions}</span></th>')
    out.append(f'</tr></thead>\n<tbody>\n{table.body}</tbody>\n</table>\n</div>\n')
    if section.page_size and section.total > section.page_size and page_url is not None:
        last = (section.total - 1) // section.page_size + 1
        key = f"page.{cat_key}.{section.key}"
        label = _("Pages of %(title)s", title=section.title)
        out.append(f'<nav class="pager" aria-label="{label}">\n')
        if section.page > 1:
            previous = _("Previous")
            out.append(f'<a href="{escape(page_url(key, section.page - 1))}#{escape(cat_key)}">{previous}</a>\n')
        position = _("Page %(page)s of %(last)s", page=section.page, last=last)
        out.append(f'<span>{position}</span>\n')
        if section.page < last:
            following = _("Next")
            out.append(f'<a href="{escape(page_url(key, section.page + 1))}#{escape(cat_key)}">{following}</a>\n')
        out.append("</nav>\n")
    return Markup("".join(out))
