"""What the pages of a request show besides the request itself: the tenant's list of
requests, a request's letters (without their PDF bytes), Art. 19 notices and field
changes, the names of the staff in its history, and the restrictions in force. Plain
reads over a Session, for the tenant and staff pages alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from portal import access
from portal.models import FieldChange, Letter, PrivacyRequest, RecipientNotice, Restriction, Tenant, User


@dataclass(frozen=True)
class RequestRecords:
    letters: list[Letter]
    notices: list[RecipientNotice]
    changes: list[FieldChange]


def of_tenant(session: Session, tenant_id: int) -> list[PrivacyRequest]:
    """A tenant's requests, newest first."""
    return list(session.scalars(select(PrivacyRequest).where(PrivacyRequest.tenant_id == tenant_id)
                                .order_by(PrivacyRequest.received_on.desc(), PrivacyRequest.id.desc())))


def records_of(session: Session, req: PrivacyRequest) -> RequestRecords:
    """The letters, Art. 19 notices and field changes of one request, oldest first."""
    letters = session.scalars(select(Letter).options(defer(Letter.pdf)).where(Letter.request_id == req.id)
                              .order_by(Letter.issued_at, Letter.id)).all()
    notices = session.scalars(select(RecipientNotice).where(RecipientNotice.request_id == req.id)
                              .order_by(RecipientNotice.id)).all()
    changes = session.scalars(select(FieldChange).where(FieldChange.request_id == req.id)
                              .order_by(FieldChange.id)).all()
    return RequestRecords(list(letters), list(notices), list(changes))


def staff_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Display names of the staff members with these ids."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all())


def restrictions_in_force(session: Session, tenant_id: int) -> list[Restriction]:
    return list(session.scalars(select(Restriction).where(Restriction.tenant_id == tenant_id,
                                                          Restriction.active.is_(True)).order_by(Restriction.id)))


def tenant_by_number(session: Session, actor: access.Actor, number: str) -> Tenant | None:
    """The tenant with this number among those the actor handles (None otherwise)."""
    if not number:
        return None
    return session.scalar(select(Tenant).where(Tenant.tenant_number == number, access.scope_condition(actor)))
