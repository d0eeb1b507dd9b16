"""Collect a tenant's file as a frozen snapshot, driven by the catalogue and filtered by
the access decision. The screen, the PDF copy and the exports are all rendered from this
snapshot, so they cannot disagree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from operator import itemgetter
from typing import Any, Callable, Iterable, Iterator, Sequence

from sqlalchemy import Integer, and_, bindparam, func, literal, select
from sqlalchemy.orm import Session, aliased

from portal import access, batch, catalogue
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
    latest: date | None = None  # when the newest row of the section was written (all pages)
    whole: bool = False  # `rows` are all the section's rows of the file (no page cut, no row filter)

    @property
    def correctable(self) -> Field | None:
        """The field a tenant corrects from a listed section's rows (the first rectifiable)."""
        return next((f for f in self.fields if f.rectifiable), None)


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

    @property
    def latest(self) -> date | None:
        return max((s.latest for s in self.sections if s.latest is not None), default=None)


@dataclass(frozen=True)
class FileOwner:
    """What a file needs to know of its tenant: read in one plain statement along with the
    file (`collect_by_id`), for the pages that show a file and nothing else of the tenant row."""
    id: int
    tenant_number: str
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


_OWNER = select(Tenant.id, Tenant.tenant_number, Tenant.first_name, Tenant.last_name).where(
    Tenant.id == bindparam("tenant_id"))


@dataclass(frozen=True)
class Dossier:
    tenant_id: int
    tenant_number: str
    full_name: str
    language: str
    categories: tuple[CategorySnapshot, ...]

    def category(self, key: str) -> CategorySnapshot | None:
        return next((c for c in self.categories if c.key == key), None)

    def values(self, cat_key: str, section_key: str, *field_keys: str) -> list[tuple[Any, ...]] | None:
        """Every row of a section as tuples of these fields' values, or None unless this
        snapshot holds the section whole with those fields: what a page derives from the
        file it shows need not be read again (and cannot disagree with it)."""
        section = _whole_section(((c.key, c.sections) for c in self.categories), cat_key, section_key, field_keys)
        return None if section is None else [tuple(r.values[k] for k in field_keys) for r in section.rows]


def _whole_section(categories: Iterable[tuple[str, tuple[SectionSnapshot, ...]]], cat_key: str, section_key: str,
                   field_keys: tuple[str, ...]) -> SectionSnapshot | None:
    for key, sections in categories:
        if key == cat_key:
            for section in sections:
                if section.key == section_key and section.whole and \
                        set(field_keys) <= {f.key for f in section.fields}:
                    return section
    return None


# When a record was written, in order of preference. `updated_at` is left out on rows that
# several categories share (the tenant row holds identity and contact): a new phone
# number is not a change of identity.
_WHEN = ("changed_at", "at", "issued_at", "created_at", "updated_at", "sent_on", "paid_on",
         "issued_on", "reported_on", "agreed_on", "received_on", "start_date")


@cache
def _shared_models() -> frozenset[type]:
    seen: Counter[type] = Counter()
    for cat in catalogue.CATEGORIES:
        for model in {s.model for s in cat.sections}:
            seen[model] += 1
    return frozenset(m for m, n in seen.items() if n > 1)


@cache
def when_column(model: type) -> Any:
    """The column that dates a row of this model, or None."""
    shared = model in _shared_models()
    for name in _WHEN:
        if name == "updated_at" and shared:
            continue
        if name in model.__table__.columns:
            return getattr(model, name)
    return None


def as_date(value: Any) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def _field_columns(section: Section) -> tuple[list[Any], list[tuple[Any, Any]]]:
    """The column of each field of the section, in order, and the outer joins that dotted
    paths (lease → dwelling → building) need, each related table joined once."""
    joins: dict[tuple[str, ...], tuple[Any, Any]] = {}
    columns = []
    for f in section.fields:
        *hops, name = f.path.split(".")
        entity: Any = section.model
        for i, hop in enumerate(hops):
            prefix = tuple(hops[: i + 1])
            if prefix not in joins:
                relationship = getattr(entity, hop)
                joins[prefix] = (aliased(relationship.property.mapper.class_), relationship)
            entity = joins[prefix][0]
        columns.append(getattr(entity, name))
    return columns, list(joins.values())


def _link(section: Section, tenant_id: Any, lease_id: Any, account_id: Any) -> Any:
    """The condition that ties a row of this section to a tenant's file. The ids are values
    or bound parameters (for the statements kept by `_statement`)."""
    model = section.model
    link = section.link
    if link in ("self", "lease_self"):
        return model.id == (tenant_id if link == "self" else lease_id)
    if link in ("tenant", "account"):
        return model.tenant_id == tenant_id
    if link == "lease":
        return model.lease_id == lease_id
    if link == "user":
        return model.user_id == account_id
    if link == "request":
        return model.request_id.in_(select(PrivacyRequest.id).where(PrivacyRequest.tenant_id == tenant_id))
    if link == "audit":
        return AuditEntry.tenant_id == tenant_id
    raise ValueError(f"unknown link {link!r}")  # pragma: no cover - a catalogue mistake


def section_query(session: Session, section: Section, tenant: Tenant, account_id: int | None) -> Any:
    """The SELECT of the rows of one section that belong to this tenant's file."""
    return select(section.model).where(_link(section, tenant.id, tenant.lease_id, account_id))


def _ordered(stmt: Any, section: Section) -> Any:
    cols = [getattr(section.model, c) for c in section.order_by]
    return stmt.order_by(*[c.desc() if section.descending else c for c in cols])


# The statement of a section is built once per (section, row filter, one page or all) with
# the tenant's ids, the page size and the offset as bound parameters: building a SELECT with
# its eager loads costs more than running it, and a file has twenty sections.
_STATEMENTS: dict[tuple[int, Any, str], Any] = {}
_TENANT = bindparam("tenant_id")
# The tenant's lease, read by the statement itself: a file's statements need only the
# tenant's id, so they can go out with the one that reads the tenant row (`FilePlan`).
_LEASE = select(Tenant.lease_id).where(Tenant.id == _TENANT).scalar_subquery()
# The tenant's login account (at most one: users.tenant_id is unique).
_ACCOUNT = select(User.id).where(User.tenant_id == _TENANT).scalar_subquery()
_LIMIT, _OFFSET = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)


def _statement(section: Section, row_filter: Callable[[], Any] | None, kind: str, windows: bool = True) -> Any:
    """kind: "rows" (every row), "page" (LIMIT/OFFSET) or "count". `windows`: the section's
    total and newest date by window functions (PostgreSQL), else by subqueries (SQLite)."""
    key = (id(section), row_filter, kind, windows)
    stmt = _STATEMENTS.get(key)
    if stmt is not None:
        return stmt
    condition = _link(section, _TENANT, _LEASE, _ACCOUNT)
    if row_filter is not None:
        condition = and_(condition, row_filter())
    if kind == "count":
        stmt = _STATEMENTS[key] = select(func.count()).select_from(section.model).where(condition)
        return stmt
    # Plain columns, not ORM objects: the rows are only read, and a file has hundreds.
    columns, joins = _field_columns(section)
    when = when_column(section.model)
    stmt = select(section.model.id, *columns).select_from(section.model)
    for target, relationship in joins:
        stmt = stmt.outerjoin(target, relationship)
    stmt = stmt.where(condition)
    if section.single:
        stmt = stmt.add_columns(when if when is not None else literal(None)).limit(1)
    else:
        # The page of rows with the section's total and newest date alongside, in the same
        # statement instead of a COUNT, a MAX and a SELECT. PostgreSQL computes them best as
        # window functions (163 µs a round trip for a page of 72 payments, 181 with
        # subqueries); SQLite as uncorrelated subqueries, run once, the total read from the
        # index (63 µs; 140 with window functions).
        def whole(column: Any) -> Any:
            return select(column).select_from(section.model).where(condition).correlate(None).scalar_subquery()

        if windows:
            total, newest = func.count().over(), func.max(when).over() if when is not None else literal(None)
        else:
            total, newest = whole(func.count()), whole(func.max(when)) if when is not None else literal(None)
        stmt = _ordered(stmt, section).add_columns(total.label("_total"), newest.label("_newest"))
        if kind == "page":
            stmt = stmt.limit(_LIMIT).offset(_OFFSET)
    _STATEMENTS[key] = stmt
    return stmt


def collect(session: Session, tenant: Tenant | FileOwner, actor: access.Actor, lang: str = "fr",
            pages: dict[str, int] | None = None, page_size: int | None = None,
            override_path: str | None = None) -> Dossier:
    """The tenant's file as this actor may read it.

    page_size=None returns every row (documents, exports); otherwise each section is
    cut to one page (pages maps "category.section" to a page number)."""
    plan = plan_file(session, tenant.id, actor, lang, pages, page_size, override_path)
    return plan.dossier(session, iter(batch.run(session, plan.jobs, same_plans=True)), tenant)


def collect_by_id(session: Session, tenant_id: int, actor: access.Actor, lang: str = "fr",
                  pages: dict[str, int] | None = None, page_size: int | None = None,
                  override_path: str | None = None, more: Sequence[batch.Job] = (),
                  ) -> tuple[FileOwner, Dossier, list[list[Any]]] | None:
    """The tenant row and the file (`collect`) read together, with `more` statements of the
    caller's, whose answers come third: one round trip on PostgreSQL, where the tenant row
    and the file were two (a round trip cost about 0.35 ms of a 7 ms page). None when there
    is no such tenant."""
    plan = plan_file(session, tenant_id, actor, lang, pages, page_size, override_path)
    results = iter(batch.run(session, [(_OWNER, {"tenant_id": tenant_id}), *plan.jobs, *more], same_plans=True))
    rows = next(results)
    if not rows:
        return None
    tenant = FileOwner(*rows[0])
    return tenant, plan.dossier(session, results, tenant), list(results)


@dataclass
class FilePlan:
    """A file's statements (`jobs`: every section's, prepared first and sent together, one
    round trip on PostgreSQL instead of one per section) and how to read their answers.
    They need only the tenant's id: a page may send them with its own in one batch."""
    lang: str
    override_path: str | None
    plans: list[tuple[Category, list[_Plan]]]
    jobs: list[batch.Job]
    asks_restricted: bool  # jobs[0] reads the restricted categories (the file's own section cannot tell)

    def dossier(self, session: Session, results: Iterator[list[Any]], tenant: Tenant | FileOwner) -> Dossier:
        """The Dossier from the answers to `jobs`, taken in order from `results`."""
        restricted_rows = next(results) if self.asks_restricted else None
        read = [(cat, tuple(s for s in (p.snapshot(session, next(results) if p.job is not None else [])
                                        for p in section_plans) if s.fields))
                for cat, section_plans in self.plans]
        if restricted_rows is None:
            # The restrictions in force, from the file's own section when it holds them all
            # (nearly always: a tenant has a handful), else read.
            held = _whole_section(((cat.key, sections) for cat, sections in read), *_RESTRICTIONS_SECTION)
            restricted_rows = ([(r.values["category_key"],) for r in held.rows if r.values["active"]]
                               if held is not None else session.execute(_RESTRICTED, {"tenant_id": tenant.id}).all())
        restricted = {key for (key,) in restricted_rows}
        categories = tuple(CategorySnapshot(cat.key, cat.title, catalogue.art15(cat.key, self.lang, self.override_path),
                                            sections, cat.key in restricted, cat.staff_reminder)
                           for cat, sections in read)
        return Dossier(tenant.id, tenant.tenant_number, tenant.full_name, self.lang, categories)


# Where a file holds its restrictions of use: (category, section, the fields read).
_RESTRICTIONS_SECTION = ("requests", "restrictions", ("category_key", "active"))


def plan_file(session: Session, tenant_id: int, actor: access.Actor, lang: str = "fr",
              pages: dict[str, int] | None = None, page_size: int | None = None,
              override_path: str | None = None) -> FilePlan:
    """The statements of a tenant's file as this actor may read it (see `collect`)."""
    pages = pages or {}
    params = {"tenant_id": tenant_id}
    plans: list[tuple[Category, list[_Plan]]] = []
    windows = session.get_bind().dialect.name != "sqlite"
    for cat in catalogue.CATEGORIES:
        readable = access.readable_fields(actor, cat.key, tenant_id)
        if readable is not None:
            plans.append((cat, [_plan(s, actor, readable, pages.get(f"{cat.key}.{s.key}", 1), page_size, params,
                                      windows)
                                for s in cat.sections]))
    cat_key, section_key, needed = _RESTRICTIONS_SECTION
    holder = next((p for cat, section_plans in plans if cat.key == cat_key
                   for p in section_plans if p.section.key == section_key), None)
    asks = holder is None or holder.row_filter is not None or not set(needed) <= {f.key for f in holder.fields}
    jobs: list[batch.Job] = [(_RESTRICTED, params)] if asks else []
    jobs += [p.job for _cat, section_plans in plans for p in section_plans if p.job is not None]
    return FilePlan(lang, override_path, plans, jobs, asks)


_RESTRICTED = select(Restriction.category_key).where(Restriction.tenant_id == _TENANT,
                                                      Restriction.active.is_(True))


@dataclass
class _Plan:
    """One section of a file: its statement (None when the actor may read none of its
    fields), and how to turn the rows into a SectionSnapshot."""
    section: Section
    fields: tuple[Field, ...]
    row_filter: Callable[[], Any] | None
    page: int
    page_size: int | None
    params: dict[str, Any]
    job: batch.Job | None
    windows: bool

    def snapshot(self, session: Session, result: list[Any]) -> SectionSnapshot:
        section, fields = self.section, self.fields
        if not fields:
            return SectionSnapshot(section.key, section.title, (), (), 0, section.single)
        # Each result row is (id, every field of the section in catalogue order, …extras);
        # `wanted` picks the fields this actor may read.
        keys = {f.key for f in fields}
        wanted = [(i + 1, f.key) for i, f in enumerate(section.fields) if f.key in keys]
        width = len(section.fields) + 1
        if section.single:
            found = result[0] if result else None
            rows = () if found is None else (_row(found, wanted),)
            latest = None if found is None else as_date(found[width])
            return SectionSnapshot(section.key, section.title, fields, rows, len(rows), True, latest=latest,
                                   whole=self.row_filter is None)
        page = self.page
        if not result and page > 1 and self.page_size is not None:  # past the end: the last page
            total = session.scalar(_statement(section, self.row_filter, "count"), self.params) or 0
            page = max(1, -(-total // self.page_size))
            result = list(session.execute(_statement(section, self.row_filter, "page", self.windows), dict(
                self.params, limit=self.page_size, offset=(page - 1) * self.page_size)).all())
        total = result[0][width] if result else 0
        latest = as_date(result[0][width + 1]) if result else None
        rows = _rows(result, wanted)
        return SectionSnapshot(section.key, section.title, fields, rows, total, False, page, self.page_size, latest,
                               whole=self.row_filter is None and page == 1 and len(rows) == total)


def _plan(section: Section, actor: access.Actor, readable: Any, page: int, page_size: int | None,
          params: dict[str, Any], windows: bool) -> _Plan:
    fields = tuple(f for f in section.fields if readable == catalogue.ALL or f.key in readable)
    row_filter, params = access.row_filter(actor, section, params)
    page = max(1, page)
    job: batch.Job | None = None
    if fields:
        if section.single or page_size is None:
            job = (_statement(section, row_filter, "rows", windows), params)
        else:
            job = (_statement(section, row_filter, "page", windows),
                   dict(params, limit=page_size, offset=(page - 1) * page_size))
    return _Plan(section, fields, row_filter, page, page_size, params, job, windows)


def _row(found: Any, wanted: list[tuple[int, str]]) -> Row:
    return Row(found[0], {key: found[i] for i, key in wanted})


def _rows(found: list[Any], wanted: list[tuple[int, str]]) -> tuple[Row, ...]:
    """`_row` for many rows: the wanted columns picked by one itemgetter (in C)."""
    if not found:
        return ()
    keys = [key for _i, key in wanted]
    if len(wanted) == 1:
        i = wanted[0][0]
        return tuple(Row(r[0], {keys[0]: r[i]}) for r in found)
    pick = itemgetter(*[i for i, _key in wanted])
    return tuple(Row(r[0], dict(zip(keys, pick(r)))) for r in found)
