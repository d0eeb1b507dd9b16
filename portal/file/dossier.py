"""Collect a tenant's file as a frozen snapshot (`snapshot.Dossier`), driven by the
catalogue and filtered by the access decision: each section read by its own statement
(`sections.statement`) with `session.execute`. The screen, the PDF copy and the exports
are all rendered from this snapshot, so they cannot disagree."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from portal import access, catalogue
from portal.catalogue import Section
from portal.file import sections
from portal.file.sections import section_query, when_column  # noqa: F401 - part of this module's API
from portal.file.snapshot import (  # noqa: F401 - re-exported: the file's vocabulary
    CategorySnapshot, Dossier, FileOwner, Row, SectionSnapshot, as_date,
)
from portal.models import Tenant
from portal.notes import third_party


def collect(session: Session, tenant: Tenant | FileOwner, actor: access.Actor, lang: str = "fr",
            pages: dict[str, int] | None = None, page_size: int | None = None,
            override_path: str | None = None) -> Dossier:
    """The tenant's file as this actor may read it.

    page_size=None returns every row (documents, exports); otherwise each section is
    cut to one page (pages maps "category.section" to a page number; past the last page,
    the last page)."""
    pages = pages or {}
    windows = session.get_bind().dialect.name != "sqlite"
    restricted = set(session.scalars(sections.RESTRICTED, {"tenant_id": tenant.id}))
    categories = []
    for cat in catalogue.CATEGORIES:
        readable = access.readable_fields(actor, cat.key, tenant.id)
        if readable is None:
            continue
        read = (read_section(session, tenant.id, s, actor, readable,
                             pages.get(f"{cat.key}.{s.key}", 1), page_size, windows) for s in cat.sections)
        categories.append(CategorySnapshot(cat.key, cat.title, catalogue.art15(cat.key, lang, override_path),
                                           tuple(s for s in read if s.fields), cat.key in restricted,
                                           cat.staff_reminder))
    dossier = Dossier(tenant.id, tenant.tenant_number, tenant.full_name, lang, tuple(categories))
    return third_party.for_reader(session, actor, dossier)  # Art. 15(4): passages about others


def collect_by_id(session: Session, tenant_id: int, actor: access.Actor, lang: str = "fr",
                  pages: dict[str, int] | None = None, page_size: int | None = None,
                  override_path: str | None = None) -> tuple[FileOwner, Dossier] | None:
    """Who the tenant is (the few columns a file page shows) and their file (`collect`).
    None when there is no such tenant."""
    found = session.execute(sections.OWNER, {"tenant_id": tenant_id}).first()
    if found is None:
        return None
    owner = FileOwner(found.id, found.tenant_number, found.first_name, found.last_name)
    return owner, collect(session, owner, actor, lang, pages, page_size, override_path)


def read_section(session: Session, tenant_id: int, section: Section, actor: access.Actor, readable: Any,
                 page: int = 1, page_size: int | None = None, windows: bool = True) -> SectionSnapshot:
    """One section of a file: the fields this actor may read (`readable`: a set of field
    keys or catalogue.ALL) and its rows, every one or one page of them."""
    fields = tuple(f for f in section.fields if readable == catalogue.ALL or f.key in readable)
    if not fields:
        return SectionSnapshot(section.key, section.title, (), (), 0, section.single)
    # The actor's row filter (a caretaker: technical incidents of their own buildings).
    row_filter, params = access.row_filter(actor, section, {"tenant_id": tenant_id})
    keys = [f.key for f in fields]
    if section.single:
        found = session.execute(sections.statement(section, row_filter, "rows", windows), params).mappings().first()
        rows = () if found is None else (_row(found, keys),)
        latest = None if found is None else as_date(found[sections.NEWEST])
        return SectionSnapshot(section.key, section.title, fields, rows, len(rows), True, latest=latest,
                               whole=row_filter is None)
    page = max(1, page)
    if page_size is None:
        result = session.execute(sections.statement(section, row_filter, "rows", windows), params).mappings().all()
    else:
        result = _page(session, section, row_filter, windows, params, page, page_size)
        if not result and page > 1:  # past the end: the last page
            total = session.scalar(sections.statement(section, row_filter, "count"), params) or 0
            page = max(1, -(-total // page_size))
            result = _page(session, section, row_filter, windows, params, page, page_size)
    total = result[0][sections.TOTAL] if result else 0
    latest = as_date(result[0][sections.NEWEST]) if result else None
    rows = tuple(_row(found, keys) for found in result)
    return SectionSnapshot(section.key, section.title, fields, rows, total, False, page, page_size, latest,
                           whole=row_filter is None and page == 1 and len(rows) == total)


def _page(session: Session, section: Section, row_filter: Any, windows: bool, params: dict[str, Any],
          page: int, page_size: int) -> Any:
    stmt = sections.statement(section, row_filter, "page", windows)
    return session.execute(stmt, dict(params, limit=page_size, offset=(page - 1) * page_size)).mappings().all()


def _row(found: Any, keys: list[str]) -> Row:
    return Row(found[sections.ROW_ID], {key: found[key] for key in keys})
