"""The audit log's share of a purge. The chain is append-only and hash-linked: removing
its oldest entries is the chain's own business (portal.audit.chain.purge_before, which
leaves a signed checkpoint of the head so that `portal audit verify` starts from it).
Until the chain offers it, the purge only counts the entries past their time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit import chain
from portal.models import AuditEntry


def past_time(session: Session, cutoff: datetime) -> int:
    """Audit entries written before the cutoff."""
    return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.at < cutoff)) or 0


def purge(session: Session, cutoff: datetime, key: bytes | None) -> tuple[bool, Any]:
    """Remove the entries before the cutoff through the chain, when it can: (done, the
    checkpoint it returns). Not done (count only) when the chain has no purge_before yet."""
    purge_before = getattr(chain, "purge_before", None)  # provided by the keyed-chain work
    if purge_before is None:
        return False, None
    return True, purge_before(session, cutoff, key)
