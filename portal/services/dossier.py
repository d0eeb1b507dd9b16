"""Collect a tenant's file as a frozen snapshot, driven by the catalogue and filtered by
the access decision. The screen, the PDF copy and the exports are all rendered from this
snapshot, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from portal import access, catalogue
from portal.catalogue import Category, Field, Section
from portal.models import AuditEntry, PrivacyRequest, Restriction, Tenant, User


@dataclass(frozen=True)
class Row:
    id: int
    values: dict[str, Any]  # field key -> raw value (date, int cents, str…)


@dataclass(frozen=True)
class SectionSnapshot:
    key: str
    title: Any
    fields: tuple[Field, ...]
    rows: tuple[Row, ...]
    total: int  # rows held; may exceed len(rows) when a page was asked for
    single: bool
    page: int = 1
    page_size: int | None = None


@dataclass(frozen=True)
class CategorySnapshot:
    key: str
    title: Any
    info: catalogue.Art15
    sections: tuple[SectionSnapshot, ...]
    restricted: bool  # an Art. 18 restriction is in force on (part of) this category
    staff_reminder: bool

    @property
    def count(self) -> int:
        return sum(s.total for s in self.sections)

    @property
    def empty(self) -> bool:
        return self.count == 0


@dataclass(frozen=True)
class Dossier:
    tenant_id: int
    tenant_number: str
    full_name: str
    language: str
    categories: tuple[CategorySnapshot, ...]

    def category(self, key: str) -> CategorySnapshot | None:
        return next((c for c in self.categories if c.key == key), None)


def _resolve(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def _loader_options(section: Section) -> list[Any]:
    """Eager-load the relationships that dotted field paths walk through (no N+1)."""
    options = []
    for f in section.fields:
        parts = f.path.split(".")[:-1]
        if not parts:
            continue
        model = section.model
        opt = None
        for part in parts:
            attr = getattr(model, part)
            opt = joinedload(attr) if opt is None else opt.joinedload(attr)
            model = attr.property.mapper.class_
        options.append(opt)
    return options


def section_query(session: Session, section: Section, tenant: Tenant, account_id: int | None) -> Any:
    """The SELECT of the rows of one section that belong to this tenant's file."""
    model = section.model
    stmt = select(model)
    link = section.link
    if link == "self":
        stmt = stmt.where(model.id == tenant.id)
    elif link == "lease_self":
        stmt = stmt.where(model.id == tenant.lease_id)
    elif link == "tenant":
        stmt = stmt.where(model.tenant_id == tenant.id)
    elif link == "lease":
        stmt = stmt.where(model.lease_id == tenant.lease_id)
    elif link == "account":
        stmt = stmt.where(model.tenant_id == tenant.id)
    elif link == "user":
        stmt = stmt.where(model.user_id == account_id)
    elif link == "request":
        stmt = stmt.where(model.request_id.in_(
            select(PrivacyRequest.id).where(PrivacyRequest.tenant_id == tenant.id)))
    elif link == "audit":
        stmt = stmt.where(AuditEntry.tenant_id == tenant.id)
    else:  # pragma: no cover - a catalogue mistake
        raise ValueError(f"unknown link {link!r}")
    return stmt


def _ordered(stmt: Any, section: Section) -> Any:
    cols = [getattr(section.model, c) for c in section.order_by]
    return stmt.order_by(*[c.desc() if section.descending else c for c in cols])


def collect(session: Session, tenant: Tenant, actor: access.Actor, lang: str = "fr",
            pages: dict[str, int] | None = None, page_size: int | None = None,
            override_path: str | None = None) -> Dossier:
    """The tenant's file as this actor may read it.

    page_size=None returns every row (documents, exports); otherwise each section is
    cut to one page (pages maps "category.section" to a page number)."""
    account_id = session.scalar(select(User.id).where(User.tenant_id == tenant.id))
    restricted = set(session.scalars(select(Restriction.category_key).where(
        Restriction.tenant_id == tenant.id, Restriction.active.is_(True))))
    pages = pages or {}
    categories = []
    for cat in catalogue.CATEGORIES:
        readable = access.readable_fields(actor, cat.key, tenant.id)
        if readable is None:
            continue
        sections = tuple(
            _section(session, cat, s, tenant, account_id, actor, readable,
                     pages.get(f"{cat.key}.{s.key}", 1), page_size)
            for s in cat.sections
        )
        sections = tuple(s for s in sections if s.fields)
        categories.append(CategorySnapshot(
            cat.key, cat.title, catalogue.art15(cat.key, lang, override_path), sections,
            cat.key in restricted, cat.staff_reminder))
    return Dossier(tenant.id, tenant.tenant_number, tenant.full_name, lang, tuple(categories))


def _section(session: Session, cat: Category, section: Section, tenant: Tenant,
             account_id: int | None, actor: access.Actor, readable: Any, page: int,
             page_size: int | None) -> SectionSnapshot:
    fields = tuple(f for f in section.fields if readable == catalogue.ALL or f.key in readable)
    if not fields:
        return SectionSnapshot(section.key, section.title, (), (), 0, section.single)
    stmt = section_query(session, section, tenant, account_id)
    row_filter = section.row_filters.get(actor.role)
    if row_filter is not None:
        stmt = stmt.where(row_filter())
    if section.single:
        obj = session.scalars(stmt.options(*_loader_options(section))).unique().first()
        rows = () if obj is None else (_row(obj, fields),)
        return SectionSnapshot(section.key, section.title, fields, rows, len(rows), True)
    # One query per section: the page of rows with the section's total alongside
    # (a window count), instead of a COUNT and a SELECT.
    listed = _ordered(stmt, section).add_columns(func.count().over().label("_total")) \
        .options(*_loader_options(section))
    page = max(1, page)
    if page_size is None:
        result = session.execute(listed).unique().all()
    else:
        result = session.execute(listed.limit(page_size).offset((page - 1) * page_size)).unique().all()
        if not result and page > 1:  # past the end: show the last page
            total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            page = max(1, -(-total // page_size))
            result = session.execute(listed.limit(page_size).offset((page - 1) * page_size)).unique().all()
    total = result[0][1] if result else 0
    return SectionSnapshot(section.key, section.title, fields,
                           tuple(_row(obj, fields) for obj, _total in result), total, False, page, page_size)


def _row(obj: Any, fields: tuple[Field, ...]) -> Row:
    return Row(obj.id, {f.key: _resolve(obj, f.path) for f in fields})
