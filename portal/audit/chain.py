"""The audit log: every staff read of a tenant file or request, and every change, as an
append-only, hash-chained entry written in the same transaction as the work it records.

Each entry's hash covers its content and the previous entry's hash, so altering,
removing or reordering an entry breaks the chain (`portal audit verify`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from portal.models import AuditEntry, AuditHead
from portal.models._base import utcnow
from portal.bulk import Loader, sql_datetime, sql_json

GENESIS = "0" * 64


def entry_hash(prev_hash: str, at: datetime, actor_id: int | None, actor_role: str, action: str,
               tenant_id: int | None, request_ref: str | None, categories: str | None,
               purpose: str | None, detail: Any) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(timespec="microseconds"), actor_id, actor_role, action, tenant_id,
         request_ref, categories, purpose, detail],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


_LOCK = 734001  # the PostgreSQL advisory lock of the chain's first entry (no head row yet)
# Core statements on the two tables (not the ORM's): an entry is appended on every staff
# search and file read, and the ORM's bookkeeping cost more than the writes.
_ENTRIES, _HEADS = AuditEntry.__table__, AuditHead.__table__
_HEAD = select(_HEADS.c.last_hash).where(_HEADS.c.id == 1)
_END = select(_HEADS.c.last_id, _HEADS.c.last_hash).where(_HEADS.c.id == 1)
_LAST = select(_ENTRIES.c.hash).order_by(_ENTRIES.c.id.desc()).limit(1)
_APPEND = insert(_ENTRIES).returning(_ENTRIES.c.id)
_MOVE = update(_HEADS).where(_HEADS.c.id == 1)


def _chain_end(session: Session) -> tuple[str, bool]:
    """(the hash the next entry links to, whether the head row exists), the chain locked
    until the transaction ends so two writers never fork it. PostgreSQL: the head row's
    lock (FOR UPDATE); the advisory lock only for the very first entry, when there is no
    row to lock. SQLite: the database's write lock, already held by the writing transaction."""
    postgres = session.get_bind().dialect.name == "postgresql"
    head = session.scalar(_HEAD.with_for_update() if postgres else _HEAD)
    if head is None and postgres:
        session.execute(text(f"SELECT pg_advisory_xact_lock({_LOCK})"))
        head = session.scalar(_HEAD.with_for_update())  # another writer may have made it meanwhile
    if head is not None:
        return head, True
    return session.scalar(_LAST) or GENESIS, False


def record(session: Session, actor_id: int | None, actor_role: str, action: str, *,
           tenant_id: int | None = None, categories: Iterable[str] = (), purpose: str | None = None,
           request_ref: str | None = None, detail: dict | None = None,
           at: datetime | None = None) -> int:
    """Append one entry; return its id. Written in the caller's transaction (the caller
    commits with the work it records): three statements (the chain's end, the entry,
    the new end), not the ORM's unit of work, since every staff search and read writes one."""
    session.flush()  # the work being recorded reaches the database first, as before any query
    prev, has_head = _chain_end(session)
    at = at or utcnow()
    cats = ",".join(categories) or None
    digest = entry_hash(prev, at, actor_id, actor_role, action, tenant_id, request_ref, cats, purpose, detail)
    entry_id = session.execute(_APPEND, {
        "at": at, "actor_id": actor_id, "actor_role": actor_role, "action": action, "tenant_id": tenant_id,
        "request_ref": request_ref, "categories": cats, "purpose": purpose, "detail": detail,
        "prev_hash": prev, "hash": digest}).scalar_one()
    end = {"last_id": entry_id, "last_hash": digest}
    if has_head:
        session.execute(_MOVE, end)
    else:
        session.execute(insert(_HEADS), dict(end, id=1))
    return entry_id


def record_in_load(loader: Loader, actor_role: str, action: str, *, purpose: str | None = None,
                   detail: dict | None = None) -> int:
    """`record` inside a bulk load (services/bulk.py), which writes on the driver's
    connection: the same chain's end, locked the same way, and moved on with the entry (a
    log whose recorded end lagged behind its last entry would read as truncated)."""
    if loader.is_pg:
        loader.execute(f"SELECT pg_advisory_xact_lock({_LOCK})")
    head = loader.query("SELECT last_hash FROM audit_head WHERE id = 1 FOR UPDATE" if loader.is_pg
                        else "SELECT last_hash FROM audit_head WHERE id = 1")
    found = head or loader.query("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
    prev = found[0][0] if found else GENESIS
    at = utcnow()
    digest = entry_hash(prev, at, None, actor_role, action, None, None, None, purpose, detail)
    entry_id = loader.next_id("audit_log")
    loader.insert("audit_log", ["id", "at", "actor_id", "actor_role", "action", "tenant_id", "request_ref",
                                "categories", "purpose", "detail", "prev_hash", "hash"],
                  [(entry_id, sql_datetime(at), None, actor_role, action, None, None, None, purpose,
                    sql_json(detail), prev, digest)])
    if head:
        loader.execute("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1", (entry_id, digest))
    else:
        loader.execute("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, ?, ?)", (entry_id, digest))
    return entry_id


def _check_end(session: Session, checked: int, last_id: int, last_hash: str) -> "VerifyResult":
    """The walk ended: it must end where the chain's head says it does."""
    head = session.execute(_END).first()  # read afresh: record() moves it without the ORM
    if head is None:
        if checked:
            return VerifyResult(False, checked, last_id, "the record of the chain's end is missing")
        return VerifyResult(True, checked)
    if head.last_id != last_id or head.last_hash != last_hash:
        return VerifyResult(False, checked, head.last_id,
                            f"the log ends at entry {last_id or 'none'} but its last entry was "
                            f"{head.last_id}: entries were removed from the end")
    return VerifyResult(True, checked)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_id: int | None = None
    reason: str | None = None


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Walk the chain in id order; the first entry whose link or content does not match."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.id > last_id)
                               .order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            return _check_end(session, checked, last_id, prev)
        for e in rows:
            if e.prev_hash != prev:
                return VerifyResult(False, checked, e.id, "link to the previous entry is broken "
                                    "(an entry was removed, inserted or reordered before it)")
            expected = entry_hash(e.prev_hash, e.at, e.actor_id, e.actor_role, e.action, e.tenant_id,
                                  e.request_ref, e.categories, e.purpose, e.detail)
            if expected != e.hash:
                return VerifyResult(False, checked, e.id, "content does not match its hash (altered)")
            prev = e.hash
            checked += 1
            last_id = e.id
        session.expunge_all()
