"""The PDF copy of a tenant's whole file (Art. 15(3); C-487/21: a faithful reproduction).

Rendered from the frozen dossier snapshot (services/dossier.collect, every row), never
from ORM objects. A copy whose data has not changed is served from `document_cache`
(fingerprint: a hash of the snapshot's JSON, the language and the layout version); a
large file is rendered by a background job (portal.jobs, `pdf_copy`) while the tenant's
page shows progress; the cache row is how the page learns the copy is ready."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Mapping

from markupsafe import Markup
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal import access, formatting, pdf, rendering
from portal.i18n import gettext as _
from portal.i18n import in_locale
from portal.models import Tenant
from portal.models._base import utcnow
from portal.models.audit import DocumentCache
from portal.catalogue import controller as controller_info
from portal.file import layout as lay
from portal.file import dossier as dossier_service
from portal.file import exports
from portal.file.dossier import CategorySnapshot, Dossier, SectionSnapshot

log = logging.getLogger(__name__)

KIND = "pdf_copy"
LAYOUT_VERSION = "copy-v7"  # bump when the templates change: cached copies are redone
STALE_PENDING = timedelta(minutes=10)  # a pending render older than this is abandoned
_EPOCH = datetime(2000, 1, 1)
MAX_TABLE_COLUMNS = 7


# ----------------------------------------------------------------- view model (plain data)
@dataclass
class SectionView:
    key: str
    title: str
    mode: str  # fields | records | table | ledger | empty
    total: int
    labels: list[str] = field(default_factory=list)  # table headers
    right: list[bool] = field(default_factory=list)
    whole: list[bool] = field(default_factory=list)  # table columns of short values (dates, codes): never cut inside a word
    rows: list[Any] = field(default_factory=list)  # table: list of cell lists; ledger: LedgerRow
    header: Markup = Markup("")



# A value this long or longer gets a whole line (two pairs a line would wrap it word by word).
TWO_UP_MAX_CHARS = 22


def two_up(pairs: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Label-value pairs as lines: two short pairs side by side, a long value on its own
    line, in their order (what reads first stays first, for the eye and screen readers)."""
    lines: list[list[tuple[str, str]]] = []
    waiting: list[tuple[str, str]] = []
    for pair in pairs:
        if len(pair[1]) >= TWO_UP_MAX_CHARS:
            if waiting:
                lines.append(waiting)
                waiting = []
            lines.append([pair])
            continue
        waiting.append(pair)
        if len(waiting) == 2:
            lines.append(waiting)
            waiting = []
    if waiting:
        lines.append(waiting)
    return lines


@dataclass(frozen=True)
class LedgerRow:
    line: Markup
    below: tuple[tuple[str, str], ...]  # (label, long value) printed under the line


@dataclass
class CategoryView:
    key: str
    title: str
    info: Any
    restricted: bool
    count: int
    sections: list[SectionView]


def _fmt(value: Any, f: Any, lang: str) -> str:
    return formatting.format_value(value, f.type, lang, f.choices)


def section_view(section: SectionSnapshot, lang: str, use_ledger: bool = True) -> SectionView:
    """Format every value once, then choose a layout (fields, table, ledger)."""
    title = str(section.title)
    labels = {f.key: str(f.label) for f in section.fields}
    if section.single:
        if not section.rows:
            return SectionView(section.key, title, "empty", 0)
        row = section.rows[0]
        pairs = [(labels[f.key], _fmt(row.values.get(f.key), f, lang) or "—") for f in section.fields]
        return SectionView(section.key, title, "fields", 1, rows=two_up(pairs))
    if not section.rows:
        return SectionView(section.key, title, "empty", 0)
    cells = [{f.key: _fmt(r.values.get(f.key), f, lang) for f in section.fields} for r in section.rows]
    if len(section.fields) > MAX_TABLE_COLUMNS and len(cells) <= lay.TABLE_MAX_ROWS:
        # Many fields, few rows (requests): one small field table per record reads best;
        # the fields a record leaves empty are not printed.
        records = [two_up([(labels[f.key], c[f.key]) for f in section.fields if c[f.key]]) for c in cells]
        return SectionView(section.key, title, "records", len(cells), rows=records)
    plan = None
    if use_ledger and len(cells) > lay.TABLE_MAX_ROWS:
        flat = [{k: lay.clean(v) for k, v in c.items()} for c in cells]
        plan = lay.plan_columns(section.fields, flat, labels)
    if plan is None:
        return SectionView(section.key, title, "table", len(cells),
                           labels=[labels[f.key] for f in section.fields],
                           right=[f.type == "money" for f in section.fields],
                           whole=[f.type in ("date", "datetime", "choice", "int") for f in section.fields],
                           rows=[[c[f.key] for f in section.fields] for c in cells])
    columns, below = plan
    rows = [LedgerRow(lay.ledger_line(columns, flat_c),
                      tuple((labels[f.key], c[f.key]) for f in below if c[f.key]))
            for c, flat_c in zip(cells, flat)]
    return SectionView(section.key, title, "ledger", len(cells),
                       rows=rows, header=lay.header_line(columns, labels))


def category_view(cat: CategorySnapshot, lang: str, use_ledger: bool = True) -> CategoryView:
    return CategoryView(cat.key, str(cat.title), cat.info, cat.restricted, cat.count,
                        [section_view(s, lang, use_ledger) for s in cat.sections])


# ----------------------------------------------------------------- HTML and PDF
def fingerprint(snapshot: Dossier, lang: str, config: Mapping[str, Any]) -> str:
    """Changes whenever anything the copy shows changes (data, language, letterhead, layout)."""
    payload = json.dumps({"data": exports.to_json(snapshot, _EPOCH), "lang": lang,
                          "landlord": config.get("LANDLORD", {}), "layout": LAYOUT_VERSION},
                         sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def copy_html(snapshot: Dossier, lang: str, config: Mapping[str, Any], generated_at: datetime,
              use_ledger: bool = True, template: str = "pdf/copy.html") -> str:
    """The HTML of the copy (our templates only; every value is escaped by Jinja)."""
    with in_locale(lang):
        cats = [category_view(c, lang, use_ledger) for c in snapshot.categories]
        reference = f"{snapshot.tenant_number}-{generated_at:%Y%m%d-%H%M}"
        return rendering.render_document(
            template, lang, d=snapshot, cats=cats, landlord=config.get("LANDLORD", {}),
            generated=formatting.fmt_datetime(generated_at, lang), reference=reference,
            page_css=Markup(page_footer_css(_("Page %(page)s of %(pages)s", page="\x00", pages="\x01"))),
            total_rows=sum(c.count for c in snapshot.categories),
            controller=controller_info.for_config(lang, config),
            recipients_all=tuple(dict.fromkeys(r for c in snapshot.categories for r in c.info.recipients)))


def _css_string(value: str) -> str:
    """A CSS string literal of one of our own translated labels (never user data)."""
    cleaned = "".join(ch for ch in value if ch.isprintable())
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_footer_css(label: str) -> str:
    """"Page X of Y" in the document's language, as @page margin-box content."""
    before, _sep, rest = label.partition("\x00")
    middle, _sep, after = rest.partition("\x01")
    content = " ".join([_css_string(before), "counter(page)", _css_string(middle),
                        "counter(pages)", _css_string(after)])
    return "@page { @bottom-right { content: %s; } }" % content


def layout(snapshot: Dossier, lang: str, config: Mapping[str, Any],
           generated_at: datetime | None = None, fetcher: Any = None) -> Any:
    """The laid-out copy (a weasyprint Document)."""
    html = copy_html(snapshot, lang, config, generated_at or utcnow())
    return pdf.document(html, css=("copy.css",), fetcher=fetcher)


def render_copy(snapshot: Dossier, lang: str, config: Mapping[str, Any],
                generated_at: datetime | None = None, fetcher: Any = None) -> bytes:
    """The PDF copy as bytes (PDF/UA-1, tagged: portal.pdf)."""
    with in_locale(lang):
        title = _("Copy of the personal data file of %(name)s", name=snapshot.full_name)
    return pdf.write(layout(snapshot, lang, config, generated_at, fetcher), title=title)


def tenant_actor(tenant: Tenant) -> access.Actor:
    """The copy shows what the tenant sees: their own file, every category."""
    return access.Actor(user_id=None, role="tenant", tenant_id=tenant.id)


def snapshot_for(session: Session, tenant: Tenant, lang: str, config: Mapping[str, Any]) -> Dossier:
    return dossier_service.collect(session, tenant, tenant_actor(tenant), lang, page_size=None,
                                   override_path=config.get("CATALOGUE_OVERRIDES"))


def layout_copy(session: Session, tenant: Tenant, lang: str, config: Mapping[str, Any]) -> Any:
    """The laid-out copy of a tenant's file (appended to an access letter)."""
    return layout(snapshot_for(session, tenant, lang, config), lang, config)


def row_count(snapshot: Dossier) -> int:
    return sum(c.count for c in snapshot.categories)


# ----------------------------------------------------------------- cache
@dataclass(frozen=True)
class CopyState:
    """What the tenant's download page should do."""

    status: str  # ready | pending | failed
    content: bytes | None = None
    error: str | None = None
    entry_id: int | None = None
    start_job: bool = False  # a pending entry was just made: start its job after the commit


def cached(session: Session, tenant_id: int, lang: str, fp: str) -> DocumentCache | None:
    return session.scalar(select(DocumentCache).where(
        DocumentCache.tenant_id == tenant_id, DocumentCache.kind == KIND,
        DocumentCache.language == lang, DocumentCache.fingerprint == fp)
        .order_by(DocumentCache.id.desc()).limit(1))


def _replace(session: Session, tenant_id: int, lang: str, fp: str, **values: Any) -> DocumentCache:
    """Keep one cache entry per tenant and language: older copies are dropped."""
    session.execute(delete(DocumentCache).where(
        DocumentCache.tenant_id == tenant_id, DocumentCache.kind == KIND,
        DocumentCache.language == lang))
    entry = DocumentCache(tenant_id=tenant_id, kind=KIND, language=lang, fingerprint=fp,
                          created_at=utcnow(), **values)
    session.add(entry)
    session.flush()
    return entry


def get_copy(session: Session, tenant: Tenant, lang: str, config: Mapping[str, Any],
             background: bool = False, retry: bool = False) -> CopyState:
    """Serve the cached copy, render it now, or (with `background`, for a large file) leave
    a pending row for a job to render: the state then says `start_job`. Flushes; the caller
    commits, then starts the job (portal.jobs: `pdf_copy` with the entry id)."""
    snapshot = snapshot_for(session, tenant, lang, config)
    fp = fingerprint(snapshot, lang, config)
    entry = cached(session, tenant.id, lang, fp)
    if entry is not None:
        stale = entry.status == "pending" and utcnow() - entry.created_at > STALE_PENDING
        if entry.status == "ready" and entry.content:
            return CopyState("ready", entry.content, entry_id=entry.id)
        if entry.status == "pending" and not stale:
            return CopyState("pending", entry_id=entry.id)
        if entry.status == "failed" and not retry:
            return CopyState("failed", error=entry.error, entry_id=entry.id)
    threshold = float(config.get("PDF_BACKGROUND_SECONDS", 4.0))
    if background and lay.estimate_seconds(row_count(snapshot)) > threshold:
        entry = _replace(session, tenant.id, lang, fp, status="pending", content=None)
        return CopyState("pending", entry_id=entry.id, start_job=True)
    try:
        content = render_copy(snapshot, lang, config)
    except pdf.PdfError as exc:
        entry = _replace(session, tenant.id, lang, fp, status="failed", content=None, error=str(exc))
        return CopyState("failed", error=str(exc), entry_id=entry.id)
    entry = _replace(session, tenant.id, lang, fp, status="ready", content=content)
    return CopyState("ready", content, entry_id=entry.id)


def state_of(session: Session, entry_id: int) -> CopyState:
    """The state of one cache entry (after its job ran inline, say)."""
    # populate_existing: the job wrote the row through another session.
    entry = session.get(DocumentCache, entry_id, populate_existing=True)
    if entry is None:
        return CopyState("pending", entry_id=entry_id)  # replaced by a newer request
    if entry.status == "ready" and entry.content:
        return CopyState("ready", entry.content, entry_id=entry.id)
    return CopyState(entry.status, error=entry.error, entry_id=entry.id)


# ----------------------------------------------------------------- the background job
@dataclass(frozen=True)
class PendingRender:
    """What the job renders: read in one short transaction, rendered outside any."""

    entry_id: int
    lang: str
    snapshot: Dossier


def pending_render(session: Session, entry_id: int, config: Mapping[str, Any]) -> PendingRender | None:
    """The copy the pending cache entry `entry_id` waits for, or None when there is
    nothing to do (the entry was replaced, is already rendered, or its tenant is gone)."""
    entry = session.get(DocumentCache, entry_id)
    if entry is None or entry.kind != KIND or entry.status != "pending":
        return None
    tenant = session.get(Tenant, entry.tenant_id)
    if tenant is None:
        return None
    return PendingRender(entry.id, entry.language, snapshot_for(session, tenant, entry.language, config))


def finish_render(session: Session, job: PendingRender, config: Mapping[str, Any]) -> str:
    """Render the copy and store it in its cache entry (ready, or failed with the reason).
    The entry is filed under the fingerprint of what was rendered: if the file changed
    since the tenant asked, their next visit asks for a fresh copy. Flushes."""
    try:
        content, status, error = render_copy(job.snapshot, job.lang, config), "ready", None
    except pdf.PdfError as exc:
        content, status, error = None, "failed", str(exc)
    entry = session.get(DocumentCache, job.entry_id)
    if entry is None or entry.status != "pending":  # replaced, or done by a twin job
        return "skipped"
    entry.content, entry.status, entry.error = content, status, error
    entry.fingerprint = fingerprint(job.snapshot, job.lang, config)
    session.flush()
    return status
