"""Incidents, staff notes and correspondence: the free-text parts of a file."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from portal.models._base import utcnow
from portal.models.housing import Building


class Incident(Base):
    """A technical complaint / work order, or a neighbourhood dispute."""

    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    ext_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    dwelling_id: Mapped[int | None] = mapped_column(ForeignKey("dwellings.id"))
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # technical | neighbourhood
    reported_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | in_progress | closed
    closed_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Sensitive-data guard: what the scanner found when it was written, and why it was kept.
    findings: Mapped[list | None] = mapped_column(JSON)
    justification: Mapped[str | None] = mapped_column(Text)
    # The Art. 9(2) ground or Art. 10 condition that allows keeping flagged wording.
    legal_ground: Mapped[str | None] = mapped_column(String(40))
    # DPO review of flagged wording, as for notes: none | pending | kept | redacted
    review_status: Mapped[str] = mapped_column(String(20), default="none", index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_reason: Mapped[str | None] = mapped_column(Text)

    building: Mapped[Building] = relationship()


class Note(Base):
    """A free-text note written by staff. The tenant reads it: staff are told so."""

    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    ext_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    author_name: Mapped[str | None] = mapped_column(String(120))  # as imported / at writing time
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str] = mapped_column(Text)
    findings: Mapped[list | None] = mapped_column(JSON)
    justification: Mapped[str | None] = mapped_column(Text)
    # The Art. 9(2) ground or Art. 10 condition that allows keeping flagged wording.
    legal_ground: Mapped[str | None] = mapped_column(String(40))
    # none | pending | kept | redacted
    review_status: Mapped[str] = mapped_column(String(20), default="none", index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_reason: Mapped[str | None] = mapped_column(Text)


class Correspondence(Base):
    __tablename__ = "correspondence"
    id: Mapped[int] = mapped_column(primary_key=True)
    ext_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    sent_on: Mapped[date]
    direction: Mapped[str] = mapped_column(String(10))  # in | out
    channel: Mapped[str] = mapped_column(String(10))  # letter | email
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")


class WithheldPassage(Base):
    """Art. 15(4): a passage of a note, incident or letter that concerns another person
    (a neighbour who reported, a complainant). The tenant's copies show a marker in its
    place; staff keep the text. Offsets point into the field's text as stored."""

    __tablename__ = "withheld_passages"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    record_kind: Mapped[str] = mapped_column(String(20))  # note | incident | correspondence
    record_id: Mapped[int]
    field: Mapped[str] = mapped_column(String(20))  # body | description | title
    start: Mapped[int]
    end: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
