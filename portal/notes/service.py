"""Staff notes and incidents under the sensitive-data guard (PRODUCT.md §7).

Free text written about a tenant is scanned before it is stored. Flagged wording is
not saved unless the writer justifies it; justified text waits in the DPO's review
queue, where the DPO keeps it (with a reason) or redacts it (the text is replaced by a
dated marker that the tenant sees). Every write is audited in the same transaction,
and the audit entry never holds the text itself.

Plain functions over a Session: they flush and leave the commit to the caller."""

from __future__ import annotations

from portal.numbers import parse_id

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import access, catalogue
from portal.formatting import local_dt
from portal.models import Dwelling, Incident, Lease, Note, Restriction, Tenant, User
from portal.models._base import utcnow
from portal.sensitive import Finding, model_version, scan
from portal.audit import chain as audit

NOTE_MAX_CHARS = 10_000
TITLE_MAX_CHARS = 200
JUSTIFICATION_MAX_CHARS = 2_000
REASON_MAX_CHARS = 1_000
INCIDENT_KINDS = ("technical", "neighbourhood")
QUEUE_LIMIT = 50

# The marker that replaces redacted text. Stored data, written in the tenant's language
# (the tenant reads it in their file, the PDF copy and the export), not UI strings.
MARKERS = {
    "fr": "[Texte supprimé le {date} par le DPO : {reason}]",
    "en": "[Text removed on {date} by the DPO: {reason}]",
}
TITLE_MARKERS = {"fr": "[Supprimé par le DPO]", "en": "[Removed by the DPO]"}
# Audit purposes: the tenant reads them in "who consulted my file", in their language.
PURPOSES = {
    "note_written": {"fr": "Note ajoutée au dossier", "en": "Note added to the file"},
    "incident_logged": {"fr": "Incident enregistré", "en": "Incident logged"},
    "kept": {"fr": "Relecture par le DPO : texte conservé", "en": "DPO review: text kept"},
    "redacted": {"fr": "Relecture par le DPO : texte supprimé", "en": "DPO review: text removed"},
    "dismissed": {"fr": "Relecture par le DPO : rien de sensible", "en": "DPO review: nothing sensitive"},
    "flagged": {"fr": "Audit des notes : texte signalé au DPO", "en": "Notes audit: text flagged to the DPO"},
}


def purpose(key: str, lang: str | None) -> str:
    texts = PURPOSES[key]
    return texts.get(lang or "fr", texts["fr"])


class NoteError(Exception):
    """A domain refusal the view turns into a message."""


class EmptyText(NoteError):
    pass


class TextTooLong(NoteError):
    def __init__(self, limit: int, length: int) -> None:
        super().__init__(f"{length} characters, at most {limit}")
        self.limit, self.length = limit, length


class CategoryRestricted(NoteError):
    """Art. 18: the tenant obtained a restriction on this category."""


class NotFound(NoteError):
    pass


class NotAllowed(NoteError):
    pass


class NoDwelling(NoteError):
    """An incident needs the tenant's dwelling and building."""


class AlreadyReviewed(NoteError):
    """Someone else decided on this item first (or it was never pending)."""


class GroundNeeded(NoteError):
    """Keeping wording of a special category (Art. 9) or about offences (Art. 10) needs the
    ground that allows it, chosen from `allowed`."""

    def __init__(self, allowed: tuple[str, ...]) -> None:
        super().__init__("ground needed")
        self.allowed = allowed


#: Scanner categories that are special categories of data (GDPR Art. 9(1)).
ART9_CATEGORIES = frozenset({"health", "origin", "religion", "politics_union", "sex_life"})
ART9_GROUNDS = tuple(k for k in catalogue.LEGAL_GROUNDS if k.startswith("9_"))
ART10_GROUNDS = ("10_lil_46",)


def grounds_for(categories: Iterable[str]) -> tuple[str, ...]:
    """The grounds that may allow keeping wording of these categories: Art. 9(2)(a)-(j)
    for special categories; for offences, Art. 10 read with art. 46 of the Loi
    Informatique et Libertés (a landlord may hold such data only to prepare, exercise or
    follow a legal action as victim or defendant). Empty: no ground needed (subjective
    wording or precarity is kept, or not, on the writer's justification and the DPO's review)."""
    cats = set(categories)
    return (ART9_GROUNDS if cats & ART9_CATEGORIES else ()) + (ART10_GROUNDS if "offence" in cats else ())


def check_ground(categories: Iterable[str], ground: str | None) -> str | None:
    allowed = grounds_for(categories)
    if not allowed:
        return None
    if (ground or "").strip() not in allowed:
        raise GroundNeeded(allowed)
    return (ground or "").strip()


@dataclass(frozen=True)
class Flagged:
    """Not saved: the wording needs a rewrite or a justification."""

    findings: tuple[Finding, ...]
    title_findings: tuple[Finding, ...] = ()
    text: str = ""  # the text as scanned (offsets point into it)
    title: str = ""

    @property
    def categories(self) -> list[str]:
        return sorted({f.category for f in (*self.findings, *self.title_findings)})


@dataclass(frozen=True)
class Saved:
    record_id: int
    flagged: bool  # True: saved with a justification, now awaiting the DPO


@dataclass(frozen=True)
class Segment:
    """A piece of text, and the categories found in it (empty: plain text)."""

    text: str
    categories: tuple[str, ...] = ()


def highlight(text: str, findings: Iterable[Finding]) -> list[Segment]:
    """Cut the text into plain and flagged pieces (overlapping findings are merged), so a
    template can wrap the flagged ones in <mark> while escaping every piece."""
    spans = sorted((f.start, f.end, f.category) for f in findings if 0 <= f.start < f.end <= len(text))
    merged: list[list] = []
    for start, end, category in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].add(category)
        else:
            merged.append([start, end, {category}])
    out: list[Segment] = []
    pos = 0
    for start, end, categories in merged:
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], tuple(sorted(categories))))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def flag(text: str, title: str = "") -> Flagged:
    """What the guard finds in a text (and an incident's title), as the form shows it."""
    return Flagged(tuple(scan(text)), tuple(scan(title)) if title else (), text=text, title=title)


def flag_detail(found: Iterable[Finding]) -> dict:
    """What the audit entry of a scanned text says about the guard's verdict: the
    categories and, when something was flagged, which guard flagged it (the model's
    version, and the categories only the learned model found), so a flag can be traced
    back to the model that raised it (accountability, GDPR Art. 5(2))."""
    found = list(found)
    detail: dict = {"categories": sorted({f.category for f in found})}
    if found:
        detail["model"] = model_version()
        detail["model_categories"] = sorted({f.category for f in found if f.source == "model"})
    return detail


def findings_json(findings: Iterable[Finding], field: str | None = None) -> list[dict]:
    rows = []
    for f in findings:
        row = {"category": f.category, "start": f.start, "end": f.end, "term": f.term}
        if field:
            row["field"] = field
        rows.append(row)
    return rows


def clean_text(text: str | None) -> str:
    """Browsers send CRLF; strip the edges so blank text counts as empty."""
    return (text or "").replace("\r\n", "\n").strip()


def check_text(text: str, limit: int) -> str:
    text = clean_text(text)
    if not text:
        raise EmptyText()
    if len(text) > limit:
        raise TextTooLong(limit, len(text))
    return text


def is_restricted(session: Session, tenant_id: int, category_key: str) -> bool:
    return session.scalar(select(Restriction.id).where(
        Restriction.tenant_id == tenant_id, Restriction.category_key == category_key,
        Restriction.active.is_(True)).limit(1)) is not None


def _tenant(session: Session, actor: access.Actor, tenant_id: int, action: str) -> Tenant:
    if not access.can(actor, action):
        raise NotAllowed(action)
    tenant = session.get(Tenant, tenant_id)
    if tenant is None or not access.in_scope(session, actor, tenant_id):
        raise NotFound()
    return tenant


def _justification(text: str | None) -> str | None:
    text = clean_text(text)
    if len(text) > JUSTIFICATION_MAX_CHARS:
        raise TextTooLong(JUSTIFICATION_MAX_CHARS, len(text))
    return text or None


def _author_name(session: Session, actor: access.Actor) -> str | None:
    return session.scalar(select(User.display_name).where(User.id == actor.user_id)) if actor.user_id else None


def write_note(session: Session, actor: access.Actor, tenant_id: int, body: str,
               justification: str | None = None, legal_ground: str | None = None) -> Flagged | Saved:
    """Scan and save a note. Flagged wording without a justification is not saved, nor
    Art. 9 or Art. 10 wording without the ground that allows it (GroundNeeded)."""
    tenant = _tenant(session, actor, tenant_id, "write_note")
    body = check_text(body, NOTE_MAX_CHARS)
    reason = _justification(justification)
    if is_restricted(session, tenant.id, "notes"):
        raise CategoryRestricted("notes")
    found = scan(body)
    if found and not reason:
        return Flagged(tuple(found), text=body)
    ground = check_ground((f.category for f in found), legal_ground) if found else None
    note = Note(tenant_id=tenant.id, author_id=actor.user_id, author_name=_author_name(session, actor),
                created_at=utcnow(), body=body, findings=findings_json(found) or None,
                justification=reason if found else None, legal_ground=ground,
                review_status="pending" if found else "none")
    session.add(note)
    session.flush()
    audit.record(session, actor.user_id, actor.role, "change", tenant_id=tenant.id, categories=("notes",),
                 purpose=purpose("note_written", tenant.preferred_language),
                 detail={"note_id": note.id, "flagged": bool(found), **flag_detail(found)})
    return Saved(note.id, bool(found))


def incident_kinds(actor: access.Actor) -> tuple[str, ...]:
    """Caretakers log technical incidents only: disputes are not theirs to read."""
    return INCIDENT_KINDS if access.can(actor, "log_dispute") else ("technical",)


def log_incident(session: Session, actor: access.Actor, tenant_id: int, kind: str, title: str,
                 description: str, justification: str | None = None,
                 today: date | None = None, legal_ground: str | None = None) -> Flagged | Saved:
    """Scan and save an incident for the tenant's dwelling, under the same guard as notes."""
    tenant = _tenant(session, actor, tenant_id, "log_incident")
    if kind not in incident_kinds(actor):
        raise NotAllowed(kind)
    title = check_text(title, TITLE_MAX_CHARS)
    description = check_text(description, NOTE_MAX_CHARS)
    reason = _justification(justification)
    if is_restricted(session, tenant.id, "incidents"):
        raise CategoryRestricted("incidents")
    place = session.execute(select(Dwelling.id, Dwelling.building_id).join(Lease, Lease.dwelling_id == Dwelling.id)
                            .where(Lease.id == tenant.lease_id)).first() if tenant.lease_id else None
    if place is None:
        raise NoDwelling()
    in_title, in_text = scan(title), scan(description)
    found = [*in_title, *in_text]
    if found and not reason:
        return Flagged(tuple(in_text), tuple(in_title), text=description, title=title)
    ground = check_ground((f.category for f in found), legal_ground) if found else None
    incident = Incident(building_id=place.building_id, dwelling_id=place.id, tenant_id=tenant.id, kind=kind,
                        reported_on=today or local_dt(utcnow()).date(), title=title, description=description,
                        status="open", created_by_id=actor.user_id,
                        findings=(findings_json(in_title, "title") + findings_json(in_text, "description")) or None,
                        justification=reason if found else None, legal_ground=ground,
                        review_status="pending" if found else "none")
    session.add(incident)
    session.flush()
    audit.record(session, actor.user_id, actor.role, "change", tenant_id=tenant.id, categories=("incidents",),
                 purpose=purpose("incident_logged", tenant.preferred_language),
                 detail={"incident_id": incident.id, "kind": kind, "flagged": bool(found), **flag_detail(found)})
    return Saved(incident.id, bool(found))


# --- Audit of what is already stored (portal scan-notes) ----------------------------

def flag_for_review(session: Session, keys: Sequence[str]) -> int:
    """Put the given stored items ("note-12", "incident-3") that were never flagged into
    the DPO's queue, with their findings; returns how many were newly flagged."""
    flagged = 0
    for key in keys:
        kind, _, raw = key.partition("-")
        model = {"note": Note, "incident": Incident}.get(kind)
        item_id = parse_id(raw)
        if model is None or item_id is None:
            continue
        item = session.get(model, item_id)
        if item is None or item.review_status != "none" or item.tenant_id is None:
            continue
        if kind == "note":
            scanned = scan(item.body)
            found = findings_json(scanned)
        else:
            in_title, in_text = scan(item.title), scan(item.description)
            scanned = [*in_title, *in_text]
            found = findings_json(in_title, "title") + findings_json(in_text, "description")
        if not found:
            continue
        item.findings = found
        item.review_status = "pending"
        session.flush()
        lang = session.scalar(select(Tenant.preferred_language).where(Tenant.id == item.tenant_id))
        audit.record(session, None, "system", "change", tenant_id=item.tenant_id,
                     categories=("notes" if kind == "note" else "incidents",), purpose=purpose("flagged", lang),
                     detail={f"{kind}_id": item.id, **flag_detail(scanned)})
        flagged += 1
    return flagged

