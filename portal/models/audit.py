"""The append-only, hash-chained audit log (database triggers forbid update/delete;
see the migration)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.models._base import utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40), index=True)  # read | change | …
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    request_ref: Mapped[str | None] = mapped_column(String(30))
    categories: Mapped[str | None] = mapped_column(String(300))  # comma-separated catalogue keys
    purpose: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """Where the audit chain ends (one row): removing the newest entries leaves the log
    shorter than its recorded end, which `portal audit verify` reports."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed point of the audit chain (its id and hash, HMAC under AUDIT_KEY), written
    by each purge of old entries: verification starts from the newest one. Append-only."""

    __tablename__ = "audit_checkpoint"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    last_id: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))
    purged_before: Mapped[datetime | None]
    removed: Mapped[int]
    signature: Mapped[str] = mapped_column(String(64))


class DocumentCache(Base):
    """A rendered copy of a tenant's file, kept while the data it shows is unchanged."""

    __tablename__ = "document_cache"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # pdf_copy
    language: Mapped[str] = mapped_column(String(5))
    fingerprint: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="ready")  # pending | ready | failed
    error: Mapped[str | None] = mapped_column(Text)
