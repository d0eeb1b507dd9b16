"""Passages about other people (GDPR Art. 15(4), recital 63): staff mark a passage of a
note, an incident or a letter as concerning someone else (the neighbour who reported, a
complainant); the tenant's page, PDF copy, JSON and CSV exports show a marker in its
place, the staff view keeps the text, and an access answer then counts as partly granted
and says what was withheld and why.

`withhold_text` and `withhold_dossier` are pure (no database); `spans_for` reads the
marks of one file; `mark`, `unmark`, `summary` are the service functions (they flush and
leave the commit to the caller). The guard's suggestion to mark a passage is
`suggest_passages` (rule-based, French and English)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal import access
from portal.audit import chain as audit
from portal.i18n import gettext, in_locale
from portal.models import Correspondence, DocumentCache, Incident, Note, WithheldPassage
from portal.models._base import utcnow
from portal.sensitive.units import split_sentences

# The marker that stands in for a withheld passage in the tenant's copies: stored-data
# wording in the file's language, like the DPO's redaction marker.
MARKERS = {"fr": "[information concernant un tiers retirée]", "en": "[information about another person withheld]"}
REASON_MAX_CHARS = 500

#: What may be marked: record kind -> (model, category, section, {stored field: catalogue field}).
TARGETS: dict[str, tuple[type, str, str, dict[str, str]]] = {
    "note": (Note, "notes", "notes", {"body": "body"}),
    "incident": (Incident, "incidents", "incidents", {"description": "description", "title": "title"}),
    "correspondence": (Correspondence, "correspondence", "correspondence", {"body": "body", "subject": "subject"}),
}

Spans = Mapping[tuple[str, str, int], list[tuple[int, int]]]  # (category, field key, row id) -> spans


class PassageError(ValueError):
    """A mark that cannot be made; `code` says why (not_found, no_passage, reason, forbidden)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --- Pure part ------------------------------------------------------------------------

def merge(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Spans clipped to the text and merged where they overlap or touch, in order."""
    out: list[list[int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def withhold_text(text: str | None, spans: Iterable[tuple[int, int]], marker: str) -> str | None:
    """The text with each marked passage replaced by the marker (offsets into ``text``)."""
    if not text:
        return text
    pieces, pos = [], 0
    for start, end in merge(spans, len(text)):
        pieces += [text[pos:start], marker]
        pos = end
    return "".join(pieces) + text[pos:] if pieces else text


def withhold_dossier(dossier, spans: Spans, lang: str):  # type: ignore[no-untyped-def]
    """The tenant's file snapshot with the marked passages replaced by the marker; the
    snapshot is frozen, so the changed rows, sections and categories are copies."""
    if not spans:
        return dossier
    marker = MARKERS.get(lang, MARKERS["fr"])
    categories = []
    for cat in dossier.categories:
        sections = []
        for section in cat.sections:
            rows = []
            for row in section.rows:
                values = row.values
                for key in [k for k in values if (cat.key, k, row.id) in spans]:
                    values = dict(values, **{key: withhold_text(values[key], spans[(cat.key, key, row.id)],
                                                                 marker)})
                rows.append(row if values is row.values else dataclasses.replace(row, values=values))
            sections.append(dataclasses.replace(section, rows=tuple(rows)))
        categories.append(dataclasses.replace(cat, sections=tuple(sections)))
    return dataclasses.replace(dossier, categories=tuple(categories))


# Hints that a passage names or quotes someone else: a neighbour, a caretaker, a
# reporter, hearsay. A suggestion for the writer, never a decision.
_SUGGEST = re.compile(
    r"\b(voisin(?:e|es|s)?|gardien(?:ne)?|signal(?:ement|é|ée|e|er)|plaignante?|témoin|"
    r"d['’]apr[eè]s|selon|rapporte|dénonc\w*|"
    r"neighbou?rs?|caretaker|reporter|reported by|complainant|witness|according to|"
    r"(?:mr|mrs|ms|mme|m)\.? [A-ZÉ][a-zé]+)", re.IGNORECASE)


def suggest_passages(text: str) -> list[tuple[int, int, str]]:
    """Sentences that seem to concern another person, as (start, end, the word that
    suggests it): the note form suggests marking them as about a third party."""
    out = []
    for start, end in split_sentences(text or ""):  # the guard's splitter: "M. Rey", "5.30" stay whole
        hit = _SUGGEST.search(text[start:end])
        if hit:
            out.append((start, end, hit.group(0)))
    return out


# --- Database part --------------------------------------------------------------------

def spans_for(session: Session, tenant_id: int) -> dict[tuple[str, str, int], list[tuple[int, int]]]:
    """The marked passages of one tenant's file, keyed for `withhold_dossier`."""
    out: dict[tuple[str, str, int], list[tuple[int, int]]] = {}
    rows = session.execute(select(WithheldPassage.record_kind, WithheldPassage.field, WithheldPassage.record_id,
                                  WithheldPassage.start, WithheldPassage.end)
                           .where(WithheldPassage.tenant_id == tenant_id)).all()
    for kind, field, record_id, start, end in rows:
        target = TARGETS.get(kind)
        if target is not None and field in target[3]:
            out.setdefault((target[1], target[3][field], record_id), []).append((start, end))
    return out


def for_reader(session: Session, actor: access.Actor, dossier):  # type: ignore[no-untyped-def]
    """THE call the file snapshot makes: the tenant reads the file with the passages about
    other people withheld; staff read it whole."""
    if actor.role != "tenant":
        return dossier
    return withhold_dossier(dossier, spans_for(session, dossier.tenant_id), dossier.language)


def count_for_tenant(session: Session, tenant_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(WithheldPassage)
                              .where(WithheldPassage.tenant_id == tenant_id)) or 0)


@dataclass(frozen=True)
class Withheld:
    kind: str
    record_id: int
    field: str
    reason: str
    marked_at: datetime


def listing(session: Session, tenant_id: int) -> list[Withheld]:
    """Every marked passage of a file (what and why; never the text), oldest first."""
    rows = session.scalars(select(WithheldPassage).where(WithheldPassage.tenant_id == tenant_id)
                           .order_by(WithheldPassage.marked_at, WithheldPassage.id)).all()
    return [Withheld(r.record_kind, r.record_id, r.field, r.reason, r.marked_at) for r in rows]


def _record(session: Session, kind: str, record_id: int):  # type: ignore[no-untyped-def]
    target = TARGETS.get(kind)
    record = session.get(target[0], record_id) if target else None
    if record is None or record.tenant_id is None:
        raise PassageError("not_found")
    return record


def mark(session: Session, actor: access.Actor, kind: str, record_id: int, field: str, passage: str,
         reason: str | None, now: datetime | None = None, tenant_id: int | None = None) -> WithheldPassage:
    """Mark every occurrence of ``passage`` in the record's field as about another person.
    Only staff who may write notes for this tenant mark (the DPO, the rental manager);
    with ``tenant_id``, the record must belong to that tenant's file."""
    if not access.can(actor, "write_note"):
        raise PassageError("forbidden")
    record = _record(session, kind, record_id)
    if (tenant_id is not None and record.tenant_id != tenant_id) or not access.in_scope(
            session, actor, record.tenant_id):
        raise PassageError("not_found")
    if field not in TARGETS[kind][3]:
        raise PassageError("no_passage")
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > REASON_MAX_CHARS:
        raise PassageError("reason")
    text, passage = getattr(record, field) or "", (passage or "").replace("\r\n", "\n").strip()
    starts = [m.start() for m in re.finditer(re.escape(passage), text)] if passage else []
    if not starts:
        raise PassageError("no_passage")
    now = now or utcnow()
    marks = [WithheldPassage(tenant_id=record.tenant_id, record_kind=kind, record_id=record.id, field=field,
                             start=s, end=s + len(passage), reason=reason, marked_by_id=actor.user_id,
                             marked_at=now) for s in starts]
    session.add_all(marks)
    # A PDF copy rendered before still shows the passage: drop it.
    session.execute(delete(DocumentCache).where(DocumentCache.tenant_id == record.tenant_id))
    audit.record(session, actor.user_id, actor.role, "change", tenant_id=record.tenant_id,
                 categories=(TARGETS[kind][1],), purpose="Art. 15(4) : passage concernant un tiers",
                 detail={f"{kind}_id": record.id, "field": field, "passages": len(marks), "reason": reason})
    session.flush()
    return marks[0]


@dataclass(frozen=True)
class Passage:
    """A piece of a record's text, for the staff page: `withheld` pieces are marked."""

    text: str
    withheld: bool = False


@dataclass(frozen=True)
class Markable:
    """One text of the file that staff may mark, as the marking page shows it."""

    kind: str
    record_id: int
    field: str
    when: object
    title: str
    pieces: tuple[Passage, ...]
    suggestions: tuple[tuple[str, str], ...]  # (sentence, the word that suggests it)


def _pieces(text: str, spans: list[tuple[int, int]]) -> tuple[Passage, ...]:
    out, pos = [], 0
    for start, end in merge(spans, len(text)):
        if start > pos:
            out.append(Passage(text[pos:start]))
        out.append(Passage(text[start:end], True))
        pos = end
    if pos < len(text):
        out.append(Passage(text[pos:]))
    return tuple(out)


def check_marker(session: Session, actor: access.Actor, tenant_id: int) -> None:
    """Only staff who may write notes mark passages, and only in files within their remit."""
    if not access.can(actor, "write_note"):
        raise PassageError("forbidden")
    if not access.in_scope(session, actor, tenant_id):
        raise PassageError("not_found")


def markable(session: Session, actor: access.Actor, tenant_id: int) -> list[Markable]:
    """The notes, incident descriptions and letters of a tenant's file, newest first, with
    their marked passages and the guard's suggestions (staff who may write notes only)."""
    check_marker(session, actor, tenant_id)
    marks: dict[tuple[str, int, str], list[tuple[int, int]]] = {}
    for kind, rid, field, start, end in session.execute(
            select(WithheldPassage.record_kind, WithheldPassage.record_id, WithheldPassage.field,
                   WithheldPassage.start, WithheldPassage.end).where(WithheldPassage.tenant_id == tenant_id)):
        marks.setdefault((kind, rid, field), []).append((start, end))
    items: list[Markable] = []
    sources = (("note", Note, Note.created_at, lambda r: "", "body"),
               ("incident", Incident, Incident.reported_on, lambda r: r.title, "description"),
               ("correspondence", Correspondence, Correspondence.sent_on, lambda r: r.subject, "body"))
    for kind, model, when, title, field in sources:
        for r in session.scalars(select(model).where(model.tenant_id == tenant_id).order_by(when.desc()).limit(200)):
            text = getattr(r, field) or ""
            items.append(Markable(kind, r.id, field, getattr(r, when.key), title(r),
                                  _pieces(text, marks.get((kind, r.id, field), [])),
                                  tuple((text[a:b], word) for a, b, word in suggest_passages(text))))
    return items


def forget_record(session: Session, kind: str, record_id: int) -> None:
    """The record's text was replaced (a DPO redaction): its marks no longer point anywhere."""
    session.execute(delete(WithheldPassage).where(WithheldPassage.record_kind == kind,
                                                  WithheldPassage.record_id == record_id))


def summary(session: Session, tenant_id: int, lang: str) -> str:
    """What an access answer says about withheld passages: which records, and why."""
    items = listing(session, tenant_id)
    if not items:
        return ""
    with in_locale(lang if lang in ("fr", "en") else "fr"):
        names = {"note": gettext("Note"), "incident": gettext("Incident"), "correspondence": gettext("Letter")}
        lines = [gettext("Passages withheld from the copy because they concern other people (GDPR Art. 15(4)):")]
        unique = dict(((w.kind, w.record_id, w.reason), w) for w in items).values()
        lines += [gettext("- %(what)s no. %(num)s: %(reason)s", what=names.get(w.kind, w.kind), num=w.record_id,
                          reason=w.reason) for w in unique]
    return "\n".join(lines)
