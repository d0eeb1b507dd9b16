"""The audit log: every staff read of a tenant file or request, and every change, as an
append-only, hash-chained entry written in the same transaction as the work it records.

Each entry's hash covers its content and the previous entry's hash, so altering,
removing or reordering an entry breaks the chain (`portal audit verify`). The hash is an
HMAC whose key (AUDIT_KEY) lives outside the database: someone with database rights
who drops the triggers, deletes an entry and recomputes every later hash cannot make
the new hashes match without it. A signed checkpoint of the chain's head, kept outside
the database (instance/audit-checkpoint.json, written by `portal audit verify`), catches
the one rewrite the key cannot: removing the newest entries and moving audit_head back.

Purging old entries under the retention rules (GDPR Art. 5(1)(e)) is the one delete the
database allows: `purge_before` first writes a signed checkpoint of the last entry it
removes (audit_checkpoint, kept with the purge record), the triggers allow deleting
entries up to the newest checkpoint only, and verification starts from that checkpoint."""

from __future__ import annotations

import hashlib
import hmac
import json
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import Engine, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from portal.models import AuditCheckpoint, AuditEntry, AuditHead
from portal.models._base import utcnow
from portal.bulk import Loader, sql_datetime, sql_json

GENESIS = "0" * 64


# The HMAC key of each database's chain, set by the app (portal/web/security.py) from
# AUDIT_KEY. Kept per engine: services receive a Session, never the settings.
_KEYS: "weakref.WeakKeyDictionary[Engine, bytes]" = weakref.WeakKeyDictionary()


class MissingAuditKey(RuntimeError):
    """No AUDIT_KEY was given for this database: the chain cannot be written or checked."""


def use_key(engine: Engine, key: str | bytes) -> None:
    """The chain of this database is keyed with `key` (AUDIT_KEY)."""
    _KEYS[engine] = key.encode() if isinstance(key, str) else key


def key_for(bind: Any) -> bytes:
    """The audit key of a Session, Connection or Engine."""
    if isinstance(bind, Session):
        bind = bind.get_bind()
    engine = getattr(bind, "engine", bind)
    key = _KEYS.get(engine)
    if key is None:
        raise MissingAuditKey("no AUDIT_KEY for this database (portal.audit.chain.use_key)")
    return key


def _mac(key: bytes, payload: Any) -> str:
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hmac.new(key, data.encode(), hashlib.sha256).hexdigest()


def entry_hash(key: bytes, prev_hash: str, at: datetime, actor_id: int | None, actor_role: str, action: str,
               tenant_id: int | None, request_ref: str | None, categories: str | None,
               purpose: str | None, detail: Any) -> str:
    """HMAC-SHA256 of an entry's content and its predecessor's hash, under the audit key."""
    return _mac(key, [prev_hash, at.isoformat(timespec="microseconds"), actor_id, actor_role, action,
                      tenant_id, request_ref, categories, purpose, detail])


def checkpoint_signature(key: bytes, last_id: int, last_hash: str, at: datetime,
                         purged_before: datetime | None, removed: int) -> str:
    """The HMAC that makes a checkpoint of the chain's head impossible to forge without the key."""
    return _mac(key, ["checkpoint", last_id, last_hash, at.isoformat(timespec="microseconds"),
                      purged_before.isoformat(timespec="microseconds") if purged_before else None, removed])


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
    key = key_for(session)
    prev, has_head = _chain_end(session)
    at = at or utcnow()
    cats = ",".join(categories) or None
    digest = entry_hash(key, prev, at, actor_id, actor_role, action, tenant_id, request_ref, cats, purpose, detail)
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
    key = key_for(loader.engine)
    if loader.is_pg:
        loader.execute(f"SELECT pg_advisory_xact_lock({_LOCK})")
    head = loader.query("SELECT last_hash FROM audit_head WHERE id = 1 FOR UPDATE" if loader.is_pg
                        else "SELECT last_hash FROM audit_head WHERE id = 1")
    found = head or loader.query("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
    prev = found[0][0] if found else GENESIS
    at = utcnow()
    digest = entry_hash(key, prev, at, None, actor_role, action, None, None, None, purpose, detail)
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


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    """The newest checkpoint of the chain (written by each purge), or None."""
    return session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))


def purge_before(session: Session, cutoff: datetime, key: bytes | str | None = None) -> int:
    """Remove the entries older than `cutoff` (retention, GDPR Art. 5(1)(e)); return how many.

    The chain stays verifiable: a signed checkpoint of the last entry removed is written
    first (keep it with the purge record), the database's triggers allow deleting entries
    up to the newest checkpoint only, and `verify` starts from it. Entries go in id order
    up to the newest one older than the cutoff, so what remains is still one chain. The
    purge itself is then recorded in the chain. The caller commits."""
    key = key_for(session) if key is None else (key.encode() if isinstance(key, str) else key)
    session.flush()
    last = session.execute(select(AuditEntry.id, AuditEntry.hash).where(AuditEntry.at < cutoff)
                           .order_by(AuditEntry.id.desc()).limit(1)).first()
    if last is None:
        return 0
    start = latest_checkpoint(session)
    removed = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.id <= last.id)) or 0
    at = utcnow()
    session.add(AuditCheckpoint(at=at, last_id=last.id, last_hash=last.hash, purged_before=cutoff,
                                removed=removed, signature=checkpoint_signature(
                                    key, last.id, last.hash, at, cutoff, removed)))
    session.flush()  # the checkpoint first: the delete trigger allows entries up to it
    session.execute(delete(AuditEntry).where(AuditEntry.id <= last.id),
                    execution_options={"synchronize_session": False})
    record(session, None, "system", "purge_audit", purpose="retention",
           detail={"before": cutoff.isoformat(), "removed": removed, "through_entry": last.id,
                   "previous_checkpoint": start.id if start else None})
    return int(removed)


@dataclass(frozen=True)
class Head:
    """A point of the chain: the id and hash of an entry (a checkpoint outside the database)."""

    last_id: int
    last_hash: str
    signature: str

    @classmethod
    def signed(cls, key: bytes, last_id: int, last_hash: str) -> "Head":
        return cls(last_id, last_hash, _mac(key, ["head", last_id, last_hash]))

    def is_genuine(self, key: bytes) -> bool:
        return hmac.compare_digest(self.signature, _mac(key, ["head", self.last_id, self.last_hash]))

    def as_json(self) -> str:
        return json.dumps({"last_id": self.last_id, "last_hash": self.last_hash, "signature": self.signature})

    @classmethod
    def from_json(cls, data: str) -> "Head":
        raw = json.loads(data)
        return cls(int(raw["last_id"]), str(raw["last_hash"]), str(raw["signature"]))


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
    return VerifyResult(True, checked, end=Head.signed(key_for(session), last_id, last_hash) if checked else None)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_id: int | None = None
    reason: str | None = None
    end: Head | None = None  # where the intact chain ends, signed: the next checkpoint to keep


def _starting_point(session: Session, key: bytes) -> tuple[int, str] | VerifyResult:
    """(id, hash) the walk starts after: the newest purge checkpoint, or the genesis."""
    checkpoints = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)).all()
    for cp in checkpoints:
        expected = checkpoint_signature(key, cp.last_id, cp.last_hash, cp.at, cp.purged_before, cp.removed)
        if not hmac.compare_digest(expected, cp.signature):
            return VerifyResult(False, 0, cp.last_id, "a purge checkpoint is not signed with the audit key "
                                "(forged: entries were deleted under cover of a purge)")
    if checkpoints:
        return checkpoints[-1].last_id, checkpoints[-1].last_hash
    return 0, GENESIS


def verify(session: Session, batch: int = 5000, kept: Head | None = None) -> VerifyResult:
    """Walk the chain in id order from its newest purge checkpoint; the first entry whose
    link or content does not match. `kept`: the signed head kept outside the database at
    the last check; the chain must still pass through it."""
    key = key_for(session)
    start = _starting_point(session, key)
    if isinstance(start, VerifyResult):
        return start
    last_id, prev = start
    if kept is not None and not kept.is_genuine(key):
        return VerifyResult(False, 0, kept.last_id, "the checkpoint kept outside the database is not signed "
                            "with the audit key")
    kept_seen = kept is None or kept.last_id <= last_id and not (kept.last_id == last_id and kept.last_hash != prev)
    checked = 0
    while True:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.id > last_id)
                               .order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            if not kept_seen:
                return VerifyResult(False, checked, kept.last_id if kept else None,
                                    "the chain no longer reaches the checkpoint kept outside the database: "
                                    "entries were removed or rewritten")
            return _check_end(session, checked, last_id, prev)
        for e in rows:
            if e.prev_hash != prev:
                return VerifyResult(False, checked, e.id, "link to the previous entry is broken "
                                    "(an entry was removed, inserted or reordered before it)")
            expected = entry_hash(key, e.prev_hash, e.at, e.actor_id, e.actor_role, e.action, e.tenant_id,
                                  e.request_ref, e.categories, e.purpose, e.detail)
            if not hmac.compare_digest(expected, e.hash):
                return VerifyResult(False, checked, e.id, "content does not match its hash (altered)")
            if kept is not None and e.id == kept.last_id:
                if e.hash != kept.last_hash:
                    return VerifyResult(False, checked, e.id, "this entry differs from the checkpoint kept "
                                        "outside the database (rewritten)")
                kept_seen = True
            prev = e.hash
            checked += 1
            last_id = e.id
        session.expunge_all()
