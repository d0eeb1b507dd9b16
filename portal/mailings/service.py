"""The recipients of a mailing (catalogue.processings): every tenant with an address,
except those who objected to that processing (models.Objection) and files already
anonymised by the retention purge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from portal.catalogue import processings
from portal.models import Objection, Tenant

#: Short names the command line accepts for the mailing processings.
ALIASES = {"survey": "satisfaction_survey", "newsletter": "newsletter"}


class UnknownMailing(ValueError):
    """Not a processing that sends mail to tenants."""


@dataclass(frozen=True)
class Recipient:
    tenant_id: int
    tenant_number: str
    name: str
    email: str
    language: str


def processing_for(purpose: str) -> processings.Processing:
    """The mailing processing a purpose names ("survey", "newsletter" or a processing key)."""
    key = ALIASES.get(purpose, purpose)
    if key not in ALIASES.values():
        raise UnknownMailing(purpose)
    return processings.get(key)


def recipients(session: Session, purpose: str, batch: int = 1000) -> Iterator[Recipient]:
    """Tenants this mailing may be sent to, in tenant-number order, read in batches; the
    objectors to it are excluded by the query itself."""
    proc = processing_for(purpose)
    objected = exists().where(and_(Objection.tenant_id == Tenant.id, Objection.processing_key == proc.key,
                                   Objection.active.is_(True)))
    stmt = (select(Tenant.id, Tenant.tenant_number, Tenant.first_name, Tenant.last_name, Tenant.email,
                   Tenant.preferred_language)
            .where(Tenant.email.is_not(None), Tenant.email != "", Tenant.anonymised_on.is_(None), ~objected)
            .order_by(Tenant.tenant_number))
    for row in session.execute(stmt.execution_options(yield_per=batch)):
        yield Recipient(row.id, row.tenant_number, f"{row.first_name} {row.last_name}", row.email,
                        row.preferred_language or "fr")


def excluded_by_objection(session: Session, purpose: str) -> int:
    """How many tenants the objections leave out of this mailing."""
    from sqlalchemy import func

    proc = processing_for(purpose)
    return session.scalar(select(func.count(func.distinct(Objection.tenant_id))).where(
        Objection.processing_key == proc.key, Objection.active.is_(True))) or 0
