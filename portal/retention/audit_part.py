"""The audit log's share of a purge. The chain is append-only and hash-linked: removing
its oldest entries is the chain's own business (portal.audit.chain.purge_before, which
leaves a signed checkpoint of the head so that `portal audit verify` starts from it)."""

from __future__ import annotations

from datetime import datetime
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit import chain
from portal.models import AuditEntry


def past_time(session: Session, cutoff: datetime) -> int:
    """Audit entries written before the cutoff."""
    return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.at < cutoff)) or 0


def purge(session: Session, cutoff: datetime, key: bytes | None) -> int:
    """Remove the entries before the cutoff through the chain; how many went."""
    return chain.purge_before(session, cutoff, key)
