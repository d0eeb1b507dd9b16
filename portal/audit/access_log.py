"""Recording and reading the consultations of tenant files.

Every staff read of a file is an audit entry ("read") with the categories shown and the
purpose, written in the same transaction as the page that shows them. An attempt to open
or find a file outside one's scope is an audit entry too ("denied"). The tenant reads
the reads of their own file (`reads_of`), the DPO the whole log (`search_log`).
No Flask here: plain functions over a Session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from portal.i18n import lazy_gettext as _l
from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.orm import Session

from portal import access
from portal.formatting import PARIS
from portal.models import AuditEntry, Tenant, User
from portal.audit import chain as audit

# Purposes staff choose from. Stored as a key (in `detail`) and as text in the tenant's
# language (in `purpose`), so the tenant reads it in their language on screen and in
# their PDF copy, and the text stays readable even without the key.
PURPOSES: dict[str, Any] = {
    "rental_management": _l("Rental management"),
    "technical": _l("Technical intervention"),
    "privacy_request": _l("Answering a privacy request"),
    "complaint": _l("Handling a complaint or a dispute"),
    "compliance": _l("Data-protection check"),
    # Art. 18(2): restricted data may still be used for legal claims; this purpose shows it.
    "legal_claims": _l("Establishing, exercising or defending legal claims (shows restricted data)"),
}
PURPOSE_TEXTS: dict[str, dict[str, str]] = {
    "rental_management": {"fr": "Gestion locative", "en": "Rental management"},
    "technical": {"fr": "Intervention technique", "en": "Technical intervention"},
    "privacy_request": {"fr": "Réponse à une demande RGPD", "en": "Answering a privacy request"},
    "complaint": {"fr": "Traitement d'une réclamation ou d'un litige",
                  "en": "Handling a complaint or a dispute"},
    "compliance": {"fr": "Contrôle de protection des données", "en": "Data-protection check"},
    "legal_claims": {"fr": "Constatation, exercice ou défense de droits en justice",
                     "en": "Establishing, exercising or defending legal claims"},
}
#: Reading a tenant's file to handle one of their requests: a purpose with a parameter,
#: the request's reference (kept in the entry's `request_ref` column). Translated when
#: shown, in the reader's language; the stored text is only for whoever reads the raw log.
REQUEST_PURPOSE = "request_processing"
REQUEST_PURPOSE_TEXTS: dict[str, str] = {"fr": "Traitement de la demande {ref}", "en": "Handling of request {ref}"}
# Opening a file in scope is the usual work of caretakers and managers: their purpose
# goes without saying. The DPO reaches every file, so states a purpose each time.
DEFAULT_PURPOSE: dict[str, str] = {"caretaker": "technical", "manager": "rental_management"}
OTHER_PURPOSE_MAX = 300
_UTC = ZoneInfo("UTC")

ROLE_LABELS: dict[str, Any] = {
    "caretaker": _l("Building caretaker"), "manager": _l("Rental manager"),
    "dpo": _l("Data-protection officer"), "admin": _l("IT administrator"),
    "system": _l("Automatic processing"), "tenant": _l("You"),
}
ACTION_LABELS: dict[str, Any] = {
    "read": _l("Read"), "change": _l("Change"), "denied": _l("Refused (outside scope)"),
    "search": _l("Search of files"), "staff_change": _l("Staff account change"),
}


@dataclass(frozen=True)
class Purpose:
    key: str | None  # a PURPOSES key, or None for a purpose written by the staff member
    text: str  # as stored in the log, in the tenant's language


def purpose_text(key: str, lang: str | None) -> str:
    texts = PURPOSE_TEXTS[key]
    return texts.get(lang or "fr", texts["fr"])


def request_purpose(ref: str, lang: str | None) -> Purpose:
    """The purpose of reading a file to handle the request `ref` (record it with
    `request_ref=ref`: the reference is the key's parameter)."""
    template = REQUEST_PURPOSE_TEXTS.get(lang or "fr", REQUEST_PURPOSE_TEXTS["fr"])
    return Purpose(REQUEST_PURPOSE, template.format(ref=ref))


def purpose_label(key: str | None, text: str | None, request_ref: str | None) -> Any:
    """What an entry's purpose reads as, in the reader's language: the label of its key
    (with the request's reference as parameter), else the text as written.

    Entries written before the key was stored for request handling (the French text
    "Traitement de la demande <ref>", no key) are the only ones with a request
    reference and no key: the audit log is append-only and hash-chained (signed by
    purge checkpoints), so they are read as they are rather than rewritten."""
    if key is None and request_ref:
        key = REQUEST_PURPOSE
    if key == REQUEST_PURPOSE:
        return _l("Handling of your request %(ref)s", ref=request_ref)
    if key in PURPOSES:
        return PURPOSES[key]
    return text or _l("not stated")


def default_purpose(actor: access.Actor) -> str | None:
    """The purpose that goes without saying for this role (None: it must be stated)."""
    return DEFAULT_PURPOSE.get(actor.role)


def make_purpose(key: str | None, other: str | None, lang: str | None) -> Purpose:
    """A purpose from a choice in PURPOSES or a text of the staff member's own."""
    if key in PURPOSE_TEXTS:
        return Purpose(key, purpose_text(key, lang))
    text = " ".join((other or "").split())[:OTHER_PURPOSE_MAX]
    if not text:
        raise ValueError("a purpose is needed")
    return Purpose(None, text)


def record_read(session: Session, actor: access.Actor, tenant: Tenant, categories: Iterable[str],
                purpose: Purpose, request_ref: str | None = None) -> int:
    """One read of a tenant's file (flushes; the caller commits with the page)."""
    detail = {"purpose_key": purpose.key} if purpose.key else None
    return audit.record(session, actor.user_id, actor.role, "read", tenant_id=tenant.id,
                        categories=list(categories), purpose=purpose.text, request_ref=request_ref,
                        detail=detail)


def record_denied(session: Session, actor: access.Actor, what: str, *, tenant_id: int | None = None,
                  asked: str | None = None) -> int:
    """An attempt to open or find a file outside the actor's scope. The tenant is named
    when they exist (so the DPO can follow it up); `asked` is what was typed or guessed."""
    detail: dict[str, Any] = {"what": what}
    if asked is not None:
        detail["asked"] = asked[:200]
    return audit.record(session, actor.user_id, actor.role, "denied", tenant_id=tenant_id, detail=detail)


def record_search(session: Session, actor: access.Actor, query: str, found: int) -> int:
    """A search of tenant files (what was typed and how many files it showed)."""
    return audit.record(session, actor.user_id, actor.role, "search",
                        detail={"q": query[:200], "results": found})


# --- What the tenant reads: the consultations of their own file ----------------------

@dataclass(frozen=True)
class Consultation:
    at: datetime
    role: str
    purpose: str | None
    purpose_key: str | None
    categories: tuple[str, ...]
    staff_name: str | None  # only when the landlord shows staff names
    request_ref: str | None = None

    @property
    def role_label(self) -> Any:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def purpose_label(self) -> Any:
        return purpose_label(self.purpose_key, self.purpose, self.request_ref)


@dataclass(frozen=True)
class Page:
    items: tuple[Any, ...]
    page: int
    page_size: int
    has_next: bool
    total: int | None = None

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _split(categories: str | None) -> tuple[str, ...]:
    return tuple(k for k in (categories or "").split(",") if k)


def _purpose_key(detail: Any) -> str | None:
    return detail.get("purpose_key") if isinstance(detail, dict) else None


_READS_WHERE = (AuditEntry.tenant_id == bindparam("tenant_id"), AuditEntry.action == "read",
                AuditEntry.actor_role != "tenant")
_READS_COUNT = select(func.count()).select_from(AuditEntry).where(*_READS_WHERE)
# A page of reads, each row with the number of all of them (a subquery run once): one
# statement instead of a count and a page.
_READS_ROWS = (select(AuditEntry.at, AuditEntry.actor_role, AuditEntry.purpose, AuditEntry.detail,
                      AuditEntry.request_ref, AuditEntry.categories, User.display_name, _READS_COUNT.scalar_subquery().label("total"))
               .outerjoin(User, User.id == AuditEntry.actor_id).where(*_READS_WHERE)
               .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
               .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer)))


def reads_of(session: Session, tenant_id: int, page: int = 1, page_size: int = 25,
             show_names: bool = False) -> Page:
    """The staff reads of one tenant's file, newest first (audit_log.tenant_id is indexed)."""
    page = max(1, page)
    params = {"tenant_id": tenant_id, "limit": page_size + 1, "offset": (page - 1) * page_size}
    rows = session.execute(_READS_ROWS, params).all()
    items = tuple(Consultation(r.at, r.actor_role, r.purpose, _purpose_key(r.detail), _split(r.categories),
                               r.display_name if show_names else None, r.request_ref)
                  for r in rows[:page_size])
    total = rows[0].total if rows else 0
    if not rows and page > 1:  # past the last page there is no row to carry the total
        total = session.scalar(_READS_COUNT, {"tenant_id": tenant_id}) or 0
    return Page(items, page, page_size, len(rows) > page_size, total)


# --- What the DPO reads: the whole log, filtered ------------------------------------

@dataclass(frozen=True)
class LogFilters:
    tenant_number: str | None = None
    actor_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class LogLine:
    id: int
    at: datetime
    actor_name: str | None
    actor_email: str | None
    actor_role: str
    action: str
    tenant_id: int | None
    tenant_number: str | None
    tenant_name: str | None
    categories: tuple[str, ...]
    purpose: str | None
    request_ref: str | None
    detail: Any

    @property
    def role_label(self) -> Any:
        return ROLE_LABELS.get(self.actor_role, self.actor_role)

    @property
    def action_label(self) -> Any:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def purpose_label(self) -> Any:
        """The purpose in the reader's language (the DPO's; None when none was stated)."""
        key = _purpose_key(self.detail)
        if key is None and self.request_ref is None:
            return self.purpose
        if key in (None, REQUEST_PURPOSE):
            return _l("Handling of request %(ref)s", ref=self.request_ref)
        return purpose_label(key, self.purpose, self.request_ref)


def _utc_bound(day: date) -> datetime:
    """Midnight in Paris of this day, as the naive UTC the log stores."""
    local = datetime.combine(day, time.min, tzinfo=PARIS)
    return local.astimezone(_UTC).replace(tzinfo=None)


def log_actions(session: Session) -> list[str]:
    """The actions present in the log (for the filter), known ones first."""
    found = set(session.scalars(select(AuditEntry.action).distinct()))
    return [a for a in ACTION_LABELS if a in found] + sorted(found - set(ACTION_LABELS))


def search_log(session: Session, filters: LogFilters, page: int = 1, page_size: int = 50) -> Page:
    """Entries matching the filters, newest first. Each filter is an indexed column
    (tenant_id, actor_id, action, at); no total count over the whole log: a page and
    whether another follows."""
    page = max(1, page)
    stmt = (select(AuditEntry, User.display_name, User.email, Tenant.tenant_number, Tenant.first_name,
                   Tenant.last_name)
            .outerjoin(User, User.id == AuditEntry.actor_id)
            .outerjoin(Tenant, Tenant.id == AuditEntry.tenant_id))
    if filters.tenant_number:
        tenant_id = session.scalar(select(Tenant.id).where(
            Tenant.tenant_number == filters.tenant_number.strip().upper()))
        stmt = stmt.where(AuditEntry.tenant_id == (tenant_id if tenant_id is not None else -1))
    if filters.actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == filters.actor_id)
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.date_from:
        stmt = stmt.where(AuditEntry.at >= _utc_bound(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(AuditEntry.at < _utc_bound(filters.date_to + timedelta(days=1)))
    rows = session.execute(stmt.order_by(AuditEntry.id.desc())
                           .limit(page_size + 1).offset((page - 1) * page_size)).all()
    items = tuple(
        LogLine(e.id, e.at, name, email, e.actor_role, e.action, e.tenant_id, number,
                f"{first} {last}" if first else None, _split(e.categories), e.purpose, e.request_ref,
                e.detail)
        for e, name, email, number, first, last in rows[:page_size])
    return Page(items, page, page_size, len(rows) > page_size)


def staff_members(session: Session) -> list[tuple[int, str, str]]:
    """(id, name, role) of every staff account, for the audit filter."""
    rows = session.execute(select(User.id, User.display_name, User.role)
                           .where(User.role != "tenant").order_by(User.display_name)).all()
    return [(r[0], r[1], r[2]) for r in rows]


@dataclass
class ReadGroup:
    """The reads of one day by one person (role, and name where shown) for one purpose."""

    day: date
    role_label: Any
    staff_name: str | None
    purpose: Any
    times: list[datetime] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)

    @property
    def clock(self) -> list[str]:
        return [t.strftime("%H:%M") for t in sorted(self.times)]


def group_reads(items: Iterable[Any]) -> list[ReadGroup]:
    """Reads of the same person, purpose and day as one entry (a manager opening a file ten
    times in a morning is one consultation to the tenant, with its times and all it saw)."""
    groups: dict[tuple[Any, ...], ReadGroup] = {}
    for c in items:
        at = c.at if c.at.tzinfo else c.at.replace(tzinfo=timezone.utc)
        local = at.astimezone(PARIS)
        purpose = c.purpose_label
        key = (local.date(), c.role, c.staff_name, str(purpose))
        group = groups.get(key)
        if group is None:
            group = groups[key] = ReadGroup(local.date(), c.role_label, c.staff_name, purpose)
        group.times.append(local)
        group.categories.extend(k for k in c.categories if k not in group.categories)
    return list(groups.values())
