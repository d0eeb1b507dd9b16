"""What carrying out a right leaves in the database: objections in force (Art. 21), the
effect of each answered request (what was removed, kept, stopped), and the record of each
retention purge (Art. 5(1)(e)) with the audit chain's checkpoint."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.models._base import utcnow


class Objection(Base):
    """Art. 21: the tenant objected to a processing (catalogue.processings) and it stops
    for them. The code that runs the processing consults this table."""

    __tablename__ = "objections"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    processing_key: Mapped[str] = mapped_column(String(40))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("privacy_requests.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# Mailing lists exclude objectors: "is there an objection to this processing?" by key.
Index("ix_objections_processing", Objection.processing_key, Objection.active, Objection.tenant_id)


class RightEffect(Base):
    """One line of what an answered request did: a category removed (with a count), kept
    under an Art. 17(3) exception, a processing stopped, or an objection refused because
    of the processing's legal basis. The letter states exactly these lines."""

    __tablename__ = "right_effects"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("privacy_requests.id"), index=True)
    effect: Mapped[str] = mapped_column(String(20))  # removed | kept | stopped | not_stopped
    key: Mapped[str] = mapped_column(String(40))  # category key or processing key
    count: Mapped[int] = mapped_column(default=0)
    exception: Mapped[str | None] = mapped_column(String(40))  # refusal reason key (Art. 17(3), 21(1))


class PurgeRun(Base):
    """One run of `portal purge` (not dry runs): how many records of each category were
    past their time, and the signed checkpoint of the audit chain's head from which
    verification starts once older entries are gone."""

    __tablename__ = "purge_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_on: Mapped[date]
    counts: Mapped[dict] = mapped_column(JSON)
    checkpoint: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
