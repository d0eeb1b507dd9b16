"""The SELECT statements of a tenant's file, one per catalogue section, built from the
catalogue (which model, which fields, how a row is tied to the tenant). Plain SQLAlchemy
Core; run by `dossier.collect` with `session.execute`."""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any, Callable

from sqlalchemy import Integer, and_, bindparam, func, literal, select
from sqlalchemy.orm import Session, aliased

from portal import catalogue
from portal.catalogue import Section
from portal.models import AuditEntry, PrivacyRequest, Restriction, Tenant, User

# The labels of a section's result columns besides its fields (whose labels are their keys).
ROW_ID, TOTAL, NEWEST = "row_id", "row_total", "row_newest"

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


def _field_columns(section: Section) -> tuple[list[Any], list[tuple[Any, Any]]]:
    """The column of each field of the section, in order, labelled with the field's key,
    and the outer joins that dotted paths (lease → dwelling → building) need, each related
    table joined once."""
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
        columns.append(getattr(entity, name).label(f.key))
    return columns, list(joins.values())


def _link(section: Section, tenant_id: Any, lease_id: Any, account_id: Any) -> Any:
    """The condition that ties a row of this section to a tenant's file. The ids are values
    or bound parameters (for the statements kept by `statement`)."""
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


# The statement of a section is built once per (section, row filter, kind, dialect family)
# with the tenant's id, the page size and the offset as bound parameters: building a
# SELECT costs more than running it, and a file has twenty sections.
_STATEMENTS: dict[tuple[int, Any, str, bool], Any] = {}
_TENANT = bindparam("tenant_id")
# The tenant's lease and login account (at most one: users.tenant_id is unique), read by
# the statement itself: a section's statement needs only the tenant's id.
_LEASE = select(Tenant.lease_id).where(Tenant.id == _TENANT).scalar_subquery()
_ACCOUNT = select(User.id).where(User.tenant_id == _TENANT).scalar_subquery()
_LIMIT, _OFFSET = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)

OWNER = select(Tenant.id, Tenant.tenant_number, Tenant.first_name, Tenant.last_name).where(Tenant.id == _TENANT)
RESTRICTED = select(Restriction.category_key).where(Restriction.tenant_id == _TENANT, Restriction.active.is_(True))


def statement(section: Section, row_filter: Callable[[], Any] | None, kind: str, windows: bool = True) -> Any:
    """kind: "rows" (every row), "page" (LIMIT/OFFSET) or "count". Result columns are
    labelled: ROW_ID, each field's key, then NEWEST (single records) or TOTAL and NEWEST
    (lists). `windows`: the section's total and newest date by window functions
    (PostgreSQL), else by subqueries (SQLite)."""
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
    newest_of_row = when if when is not None else literal(None)
    stmt = select(section.model.id.label(ROW_ID), *columns).select_from(section.model)
    for target, relationship in joins:
        stmt = stmt.outerjoin(target, relationship)
    stmt = stmt.where(condition)
    if section.single:
        stmt = stmt.add_columns(newest_of_row.label(NEWEST)).limit(1)
    else:
        # The page of rows with the section's total and newest date alongside, in the same
        # statement instead of a COUNT, a MAX and a SELECT. PostgreSQL computes them best as
        # window functions; SQLite as uncorrelated subqueries, run once, the total read
        # from the index.
        def whole(column: Any) -> Any:
            return select(column).select_from(section.model).where(condition).correlate(None).scalar_subquery()

        if windows:
            total, newest = func.count().over(), func.max(when).over() if when is not None else literal(None)
        else:
            total, newest = whole(func.count()), whole(func.max(when)) if when is not None else literal(None)
        stmt = _ordered(stmt, section).add_columns(total.label(TOTAL), newest.label(NEWEST))
        if kind == "page":
            stmt = stmt.limit(_LIMIT).offset(_OFFSET)
    _STATEMENTS[key] = stmt
    return stmt
