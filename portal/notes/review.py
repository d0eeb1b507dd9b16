"""The DPO's review of flagged notes and incidents (PRODUCT.md §7): the queue, keeping
wording on the ground that allows it (Art. 9(2), Art. 10), redacting it, or dismissing a
flag as not sensitive. Each decision is audited (never with the text) and becomes one of
the guard's learning examples (portal/notes/learning.py)."""


from __future__ import annotations


from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from portal import access, catalogue
from portal.formatting import local_dt
from portal.i18n import in_locale
from portal.models import DocumentCache, Incident, Note, Tenant, User
from portal.models._base import utcnow
from portal.sensitive import scan
from portal.audit import access_log, chain as audit
from portal.notes import third_party

from portal.notes import learning
from portal.notes.service import AlreadyReviewed, EmptyText, MARKERS, NotAllowed, NotFound, QUEUE_LIMIT, REASON_MAX_CHARS, Segment, TITLE_MARKERS, TextTooLong, check_ground, clean_text, grounds_for, highlight, purpose

# --- The DPO's review queue ---------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    kind: str  # note | incident
    id: int
    tenant_id: int
    tenant_number: str
    tenant_name: str
    author: str
    written_at: datetime | date
    title: list[Segment]  # incidents only
    text: list[Segment]
    categories: tuple[str, ...]
    terms: tuple[str, ...]
    justification: str | None
    legal_ground: str | None = None  # the writer's choice (Art. 9(2) / Art. 10)

    @property
    def grounds(self) -> tuple[str, ...]:
        """The grounds the DPO may keep this text on (empty: none needed)."""
        return grounds_for(self.categories)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"


def _queue_item(kind: str, id_: int, tenant: Tenant, author: str | None, written: datetime | date,
                title: str, text: str, justification: str | None, ground: str | None = None) -> QueueItem:
    # Findings are computed now, from the text as stored: imported or seeded items
    # carry none, and the vocabulary may have grown since the text was written.
    in_title, in_text = scan(title) if title else [], scan(text)
    found = [*in_title, *in_text]
    return QueueItem(kind, id_, tenant.id, tenant.tenant_number, tenant.full_name, author or "—", written,
                     highlight(title, in_title) if title else [], highlight(text, in_text),
                     tuple(sorted({f.category for f in found})),
                     tuple(dict.fromkeys(" ".join(f.term.split()) for f in found)), justification, ground)


def pending_count(session: Session) -> int:
    notes = session.scalar(select(func.count()).select_from(Note).where(Note.review_status == "pending"))
    incidents = session.scalar(select(func.count()).select_from(Incident)
                               .where(Incident.review_status == "pending"))
    return int(notes or 0) + int(incidents or 0)


def review_queue(session: Session, actor: access.Actor, limit: int = QUEUE_LIMIT) -> list[QueueItem]:
    """The oldest pending notes and incidents (up to `limit` of each), oldest first.
    Showing them is a read of those tenants' files: it is audited."""
    if not access.can(actor, "review_notes"):
        raise NotAllowed("review_notes")
    items: list[QueueItem] = []
    notes = session.execute(
        select(Note, Tenant, User.display_name).join(Tenant, Tenant.id == Note.tenant_id)
        .outerjoin(User, User.id == Note.author_id)
        .where(Note.review_status == "pending").order_by(Note.created_at, Note.id).limit(limit)).all()
    for note, tenant, user_name in notes:
        items.append(_queue_item("note", note.id, tenant, note.author_name or user_name, note.created_at,
                                 "", note.body, note.justification, note.legal_ground))
    incidents = session.execute(
        select(Incident, Tenant, User.display_name).join(Tenant, Tenant.id == Incident.tenant_id)
        .outerjoin(User, User.id == Incident.created_by_id)
        .where(Incident.review_status == "pending").order_by(Incident.reported_on, Incident.id).limit(limit)).all()
    for incident, tenant, user_name in incidents:
        items.append(_queue_item("incident", incident.id, tenant, user_name, incident.reported_on,
                                 incident.title, incident.description, incident.justification,
                                 incident.legal_ground))
    # One consultation per tenant shown, as any read of a file ("Data-protection check").
    read: dict[int, set[str]] = {}
    tenants = {tenant.id: tenant for _, tenant, _ in (*notes, *incidents)}
    for item in items:
        read.setdefault(item.tenant_id, set()).add("notes" if item.kind == "note" else "incidents")
    for tenant_id, categories in read.items():
        tenant = tenants[tenant_id]
        access_log.record_read(session, actor, tenant, sorted(categories),
                               access_log.make_purpose("compliance", None, tenant.preferred_language))
    return items


def redaction_marker(lang: str, reason: str, when: datetime) -> str:
    lang = lang if lang in MARKERS else "fr"
    day = format_date(local_dt(when).date(), "dd/MM/yyyy", locale=lang)
    return MARKERS[lang].format(date=day, reason=" ".join(reason.split()))


def _review_reason(reason: str | None) -> str:
    reason = clean_text(reason)
    if not reason:
        raise EmptyText()
    if len(reason) > REASON_MAX_CHARS:
        raise TextTooLong(REASON_MAX_CHARS, len(reason))
    return reason


def _pending(session: Session, kind: str, item_id: int) -> Note | Incident:
    model = {"note": Note, "incident": Incident}.get(kind)
    item = session.get(model, item_id) if model else None
    if item is None or item.tenant_id is None:
        raise NotFound()
    if item.review_status != "pending":
        raise AlreadyReviewed()
    return item


def _decide(session: Session, item: Note | Incident, status: str, values: dict) -> None:
    """Compare-and-set on the pending status: of two reviewers acting at once, the
    second finds nothing to update and is told so; nothing is overwritten."""
    model = type(item)
    done = session.execute(update(model).where(model.id == item.id, model.review_status == "pending")
                           .values(review_status=status, **values)
                           .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise AlreadyReviewed()
    session.refresh(item)


def keep(session: Session, actor: access.Actor, kind: str, item_id: int, reason: str | None,
         legal_ground: str | None = None) -> None:
    """The DPO keeps the wording on the ground that allows it (Art. 9(2) or Art. 10, from
    the list: GroundNeeded otherwise); the reason is then optional (the ground says it),
    and required for wording that needs no ground. Text with no ground is to be redacted."""
    if not access.can(actor, "review_notes"):
        raise NotAllowed("review_notes")
    item = _pending(session, kind, item_id)
    texts = [item.body] if kind == "note" else [item.title, item.description]
    categories = {f.category for t in texts if t for f in scan(t)}
    ground = check_ground(categories, legal_ground)
    if ground is not None and not clean_text(reason):
        with in_locale(session.scalar(select(Tenant.preferred_language).where(Tenant.id == item.tenant_id))
                          or "fr"):
            reason = str(catalogue.LEGAL_GROUNDS[ground])
    reason = _review_reason(reason)
    _decide(session, item, "kept", {"review_reason": reason, "reviewed_by_id": actor.user_id,
                                    "reviewed_at": utcnow(), "legal_ground": ground})
    learning.record_decision(session, item, "kept", "\n".join(t for t in texts if t), sorted(categories),
                             actor.user_id)
    lang = session.scalar(select(Tenant.preferred_language).where(Tenant.id == item.tenant_id))
    _audit_review(session, actor, kind, item, "kept", reason, lang)


def redact(session: Session, actor: access.Actor, kind: str, item_id: int, reason: str | None,
           now: datetime | None = None) -> str:
    """The DPO removes the text: a dated marker with the reason replaces it (in the
    tenant's language); the findings and the justification, which quote it, go too.
    Returns the marker."""
    if not access.can(actor, "review_notes"):
        raise NotAllowed("review_notes")
    reason = _review_reason(reason)
    item = _pending(session, kind, item_id)
    seen = "\n".join(t for t in ([item.body] if kind == "note" else [item.title, item.description]) if t)
    now = now or utcnow()
    lang = session.scalar(select(Tenant.preferred_language).where(Tenant.id == item.tenant_id)) or "fr"
    marker = redaction_marker(lang, reason, now)
    # The justification argued for keeping the wording and often repeats it: it goes too.
    values: dict = {"review_reason": reason, "reviewed_by_id": actor.user_id, "reviewed_at": now,
                    "findings": None, "justification": None}
    if kind == "note":
        values["body"] = marker
    else:
        values["description"] = marker
        if scan(item.title):
            values["title"] = TITLE_MARKERS.get(lang, TITLE_MARKERS["fr"])
    _decide(session, item, "redacted", values)
    learning.record_decision(session, item, "redacted", seen, sorted({f.category for f in scan(seen)}),
                             actor.user_id)
    third_party.forget_record(session, kind, item.id)  # the marked passages went with the text
    # A rendered PDF copy made before the redaction still holds the text: drop it.
    session.execute(delete(DocumentCache).where(DocumentCache.tenant_id == item.tenant_id))
    _audit_review(session, actor, kind, item, "redacted", reason, lang)
    return marker


def dismiss(session: Session, actor: access.Actor, kind: str, item_id: int, reason: str | None) -> None:
    """The DPO finds nothing sensitive in a flagged text: it stays as written, the flag is
    closed ("dismissed"), and the guard learns from it (a negative example)."""
    if not access.can(actor, "review_notes"):
        raise NotAllowed("review_notes")
    reason = _review_reason(reason)
    item = _pending(session, kind, item_id)
    seen = "\n".join(t for t in ([item.body] if kind == "note" else [item.title, item.description]) if t)
    _decide(session, item, "dismissed", {"review_reason": reason, "reviewed_by_id": actor.user_id,
                                         "reviewed_at": utcnow()})
    learning.record_decision(session, item, "dismissed", seen, [], actor.user_id)
    lang = session.scalar(select(Tenant.preferred_language).where(Tenant.id == item.tenant_id))
    _audit_review(session, actor, kind, item, "dismissed", reason, lang)


def _audit_review(session: Session, actor: access.Actor, kind: str, item: Note | Incident, decision: str,
                  reason: str, lang: str | None) -> None:
    # The fact and the reason, never the text: a redaction must not survive in the log.
    audit.record(session, actor.user_id, actor.role, "change", tenant_id=item.tenant_id,
                 categories=("notes" if kind == "note" else "incidents",),
                 purpose=purpose(decision, lang),
                 detail={f"{kind}_id": item.id, "decision": decision, "reason": reason})
