"""The guard's learning examples: each DPO decision on a flagged note or incident (keep,
redact, "not sensitive") kept as a labelled text for `portal sensitive retrain` (§7).

They are copies of a tenant's notes, so they follow the notes: deleted with the note or
incident they came from (ON DELETE CASCADE), with the tenant's erasure, and by the
retention purge on the notes' period (portal/notes/learning.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.models._base import utcnow


class GuardExample(Base):
    __tablename__ = "guard_examples"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    sensitive: Mapped[bool] = mapped_column(Boolean)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    decision: Mapped[str] = mapped_column(String(20))  # kept | redacted | dismissed
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    model_version: Mapped[str | None] = mapped_column(String(60))  # the model that flagged it
