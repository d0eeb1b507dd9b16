"""Privacy requests, their history, letters, Art. 19 notices, rectification history and
restrictions (Art. 18)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import request_kinds
from portal.db import Base
from portal.models._base import utcnow
from portal.models.people import Tenant

REQUEST_KINDS = request_kinds.KEYS  # defined once, in portal/request_kinds.py
REQUEST_STATUSES = ("received", "in_progress", "waiting_info", "answered", "closed", "withdrawn")
OUTCOMES = ("granted", "partly_granted", "refused")


class PrivacyRequest(Base):
    __tablename__ = "privacy_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(30), unique=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), default="received")  # indexed below (queue)
    details: Mapped[str] = mapped_column(Text, default="")
    field_key: Mapped[str | None] = mapped_column(String(80))  # "category.field" for rectification
    proposed_value: Mapped[str | None] = mapped_column(Text)
    target_records: Mapped[list | None] = mapped_column(JSON)  # ["notes:12", …] for erasure/objection
    channel: Mapped[str] = mapped_column(String(10), default="portal")  # portal | post | email
    received_on: Mapped[date]
    clock_start: Mapped[date]  # receipt, or arrival of identification information
    due_on: Mapped[date] = mapped_column()  # indexed below (queue)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    refusal_reason: Mapped[str | None] = mapped_column(String(40))
    answer: Mapped[str | None] = mapped_column(Text)
    is_repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    identity_verified: Mapped[bool] = mapped_column(Boolean, default=True)
    identity_note: Mapped[str | None] = mapped_column(Text)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The last request for information: "identity" stops the clock until the answer,
    # "clarification" does not (EDPB Guidelines 01/2022 on the right of access).
    info_kind: Mapped[str | None] = mapped_column(String(20))
    # A request made on the tenant's behalf (guardian, curator, UDAF, mandated person),
    # with the proof received; letters go to the representative (and to the tenant
    # when the measure allows it: representative_copy_tenant).
    representative_kind: Mapped[str | None] = mapped_column(String(20))
    representative_name: Mapped[str | None] = mapped_column(String(200))
    representative_address: Mapped[str | None] = mapped_column(Text)
    representative_email: Mapped[str | None] = mapped_column(String(254))
    representative_proof: Mapped[str | None] = mapped_column(Text)
    representative_copy_tenant: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Optimistic locking: two staff members acting at once cannot both win.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    tenant: Mapped[Tenant] = relationship()
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", order_by="RequestEvent.id"
    )


# The queue (requests/queue.py) lists requests by deadline and counts them by status: each
# walks its own index in order and finds there every column it needs, without reading the
# table. The list's index holds the id after the deadline, in the queue's order (due_on,
# id), so that a page is read in order without sorting; the clock index counts the
# requests waiting for a clarification, whose clock runs (EDPB 01/2022).
Index("ix_privacy_requests_queue", PrivacyRequest.due_on, PrivacyRequest.id, PrivacyRequest.status,
      PrivacyRequest.kind)
Index("ix_privacy_requests_counts", PrivacyRequest.status, PrivacyRequest.kind, PrivacyRequest.due_on)
Index("ix_privacy_requests_clock", PrivacyRequest.status, PrivacyRequest.info_kind, PrivacyRequest.kind,
      PrivacyRequest.due_on)


class RequestEvent(Base):
    """One step of a request's life: who, when, what, why."""

    __tablename__ = "request_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("privacy_requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(Text)

    request: Mapped[PrivacyRequest] = relationship(back_populates="events")


class Letter(Base):
    """A response letter, archived unchanged with its SHA-256."""

    __tablename__ = "letters"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("privacy_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # granted | partly_granted | refused | extension | info_request
    language: Mapped[str] = mapped_column(String(5))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    # None once an erasure or the retention period removed the copy: the reference, date
    # and hash stay as proof that the letter was sent (Art. 5(2)), the data does not.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    content_removed_at: Mapped[datetime | None]


class RecipientNotice(Base):
    """Art. 19: a recipient to tell about a rectification, erasure or restriction."""

    __tablename__ = "recipient_notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("privacy_requests.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(200))
    notified_at: Mapped[datetime | None]
    notified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class FieldChange(Base):
    """History of a value in the file: the old value stays after a rectification."""

    __tablename__ = "field_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    field_key: Mapped[str] = mapped_column(String(80))
    record_id: Mapped[int | None]
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("privacy_requests.id"))


class Restriction(Base):
    """Art. 18: data marked restricted; the portal refuses to change or use it."""

    __tablename__ = "restrictions"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    category_key: Mapped[str] = mapped_column(String(40))
    field_key: Mapped[str | None] = mapped_column(String(80))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("privacy_requests.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[datetime | None]
    # Art. 18(3): lifting is announced to the tenant first and takes effect on this date.
    lift_on: Mapped[date | None]
    lift_notice_at: Mapped[datetime | None]
