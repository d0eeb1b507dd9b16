"""The audit log is append-only (database triggers, on the dialect under test) and
hash-chained: `portal audit verify` exits 0 on an intact log and names the first entry
that was altered, removed or reordered, exiting 1."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal.db import Database
from portal.models import AuditEntry
from portal.audit import chain as audit
from tests import builders
from tests.conftest import build_app, login

COLUMNS = ("at", "actor_id", "actor_role", "action", "tenant_id", "request_ref", "categories", "purpose",
           "detail", "prev_hash", "hash")


def _engine(app):
    return Database.state(app).engine


def _drop_triggers(app) -> None:
    """What an attacker with database rights would do first."""
    with _engine(app).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_log_no_change ON audit_log"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


@pytest.fixture()
def chain_app(tmp_path):
    """A throwaway database holding a log of five entries (ids 1 to 5)."""
    app = build_app(tmp_path, f"chain_{tmp_path.name}", demo=False)
    with app.app_context():
        session = Database.state(app).factory()
        for n in range(5):
            audit.record(session, None, "system", "change", purpose=f"entry {n + 1}", detail={"n": n + 1})
        session.commit()
        session.close()
    yield app
    _engine(app).dispose()


def test_update_and_delete_are_refused_by_the_database(chain_app):
    # Its own database: the shared one is held by the test's outer (writing) transaction.
    engine = _engine(chain_app)
    with engine.connect() as conn:
        entry_id = conn.execute(select(AuditEntry.id).limit(1)).scalar()
    for statement in ("UPDATE audit_log SET purpose = 'rewritten' WHERE id = :id",
                      "DELETE FROM audit_log WHERE id = :id"):
        with engine.connect() as conn, conn.begin():
            with pytest.raises(DBAPIError, match="append-only"):
                conn.execute(text(statement), {"id": entry_id})
    with engine.connect() as conn:
        assert conn.execute(select(AuditEntry.purpose).where(AuditEntry.id == entry_id)).scalar() != "rewritten"


def test_verify_says_intact_with_the_number_of_entries(chain_app):
    result = _verify(chain_app)
    assert result.exit_code == 0, result.output
    assert "intact, 5 entries" in result.output


def test_verify_names_an_altered_entry(chain_app):
    _drop_triggers(chain_app)
    with _engine(chain_app).begin() as conn:
        conn.execute(text("UPDATE audit_log SET purpose = 'nothing to see' WHERE id = 3"))
    result = _verify(chain_app)
    assert result.exit_code == 1
    assert "NOT intact: entry 3" in result.output and "altered" in result.output


def test_verify_names_the_entry_after_a_removed_one(chain_app):
    _drop_triggers(chain_app)
    with _engine(chain_app).begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    result = _verify(chain_app)
    assert result.exit_code == 1
    assert "NOT intact: entry 3" in result.output and "removed" in result.output


def test_verify_notices_the_newest_entries_removed(chain_app):
    _drop_triggers(chain_app)
    with _engine(chain_app).begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id >= 4"))
    result = _verify(chain_app)
    assert result.exit_code == 1
    assert "NOT intact: entry 5" in result.output and "removed from the end" in result.output


def test_verify_names_the_first_of_two_swapped_entries(chain_app):
    _drop_triggers(chain_app)
    engine = _engine(chain_app)
    with engine.begin() as conn:
        rows = {r.id: r for r in conn.execute(select(AuditEntry.__table__).where(AuditEntry.id.in_((2, 4))))}
        conn.execute(text("UPDATE audit_log SET hash = 'moving' WHERE id = 2"))
        for target, source in ((4, 2), (2, 4)):
            values = {c: getattr(rows[source], c) for c in COLUMNS}
            conn.execute(AuditEntry.__table__.update().where(AuditEntry.id == target).values(**values))
    result = _verify(chain_app)
    assert result.exit_code == 1
    assert "NOT intact: entry 2" in result.output and "reordered" in result.output


def test_done_when_the_caretakers_visit_altered_in_the_database_is_named(tmp_path):
    app = build_app(tmp_path, f"visit_{tmp_path.name}", demo=False)
    try:
        with builders.committed(app) as s:
            people = builders.estate(s)
        client = app.test_client()
        login(client, people.caretaker.email, builders.PASSWORD)
        client.get(f"/staff/tenants?q={people.tenant.last_name}")  # a search, then the visit
        assert client.get(f"/staff/tenants/{people.tenant.id}").status_code == 200
        assert _verify(app).exit_code == 0
        with _engine(app).connect() as conn:
            visit = conn.execute(select(AuditEntry.id).where(AuditEntry.action == "read")
                                 .order_by(AuditEntry.id.desc()).limit(1)).scalar()
        _drop_triggers(app)
        with _engine(app).begin() as conn:  # hide that the caretaker read the contact details
            conn.execute(text("UPDATE audit_log SET categories = 'identity,lease' WHERE id = :id"), {"id": visit})
        result = _verify(app)
        assert result.exit_code == 1
        assert f"entry {visit}" in result.output
    finally:
        _engine(app).dispose()


def test_concurrent_writers_never_fork_the_chain(tmp_path):
    """Four writers appending at once (each entry in its own transaction, as four staff
    searches on two servers would): every entry lands, each links to the one before it,
    and the recorded end is the last one."""
    import threading

    app = build_app(tmp_path, f"fork_{tmp_path.name}", demo=False)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        with app.app_context():
            for i in range(10):
                session = Database.state(app).factory()
                try:
                    audit.record(session, None, "system", "search", detail={"writer": n, "i": i})
                    session.commit()
                except BaseException as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)
                finally:
                    session.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "40" in result.output
    _engine(app).dispose()


# --- Issue 22 #2: a rewrite by someone with database rights is caught -----------------

def _unkeyed(prev: str, row) -> str:
    """What an attacker recomputes: the chain's published algorithm, without the key."""
    import hashlib
    import json

    payload = json.dumps([prev, row.at.isoformat(timespec="microseconds"), row.actor_id, row.actor_role, row.action,
                          row.tenant_id, row.request_ref, row.categories, row.purpose, row.detail],
                         sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def test_deleting_an_entry_and_recomputing_every_later_hash_is_caught(chain_app):
    _drop_triggers(chain_app)
    with _engine(chain_app).begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
        prev = conn.execute(text("SELECT hash FROM audit_log WHERE id = 1")).scalar()
        conn.execute(text("UPDATE audit_log SET hash = 'x' || id WHERE id > 2"))  # free the unique hashes
        for row in conn.execute(select(AuditEntry.__table__).where(AuditEntry.id > 2).order_by(AuditEntry.id)).all():
            digest = _unkeyed(prev, row)
            conn.execute(text("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE id = :i"),
                         {"p": prev, "h": digest, "i": row.id})
            prev = digest
        conn.execute(text("UPDATE audit_head SET last_hash = :h WHERE id = 1"), {"h": prev})
    result = _verify(chain_app)
    assert result.exit_code == 1
    assert "NOT intact: entry 3" in result.output and "altered" in result.output


def test_removing_the_newest_entries_and_moving_the_head_back_is_caught(chain_app):
    assert _verify(chain_app).exit_code == 0  # the signed head is kept outside the database
    _drop_triggers(chain_app)
    with _engine(chain_app).begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id >= 4"))
        conn.execute(text("UPDATE audit_head SET last_id = 3, last_hash = (SELECT hash FROM audit_log WHERE id = 3)"))
    result = _verify(chain_app)
    assert result.exit_code == 1
    assert "checkpoint kept outside the database" in result.output


def _age_entries(app, ids: tuple[int, ...], when) -> None:
    """Entries written long ago (their time is part of their hash: written that way)."""
    with app.app_context():
        session = Database.state(app).factory()
        for n in ids:
            audit.record(session, None, "system", "change", purpose=f"old {n}", at=when)
        session.commit()
        session.close()


def test_a_purge_removes_old_entries_and_the_chain_still_verifies(tmp_path):
    from datetime import datetime

    app = build_app(tmp_path, f"purge_{tmp_path.name}", demo=False)
    try:
        _age_entries(app, (1, 2, 3), datetime(2015, 1, 1))
        with app.app_context():
            session = Database.state(app).factory()
            audit.record(session, None, "system", "change", purpose="recent")
            session.commit()
            removed = audit.purge_before(session, datetime(2020, 1, 1))
            session.commit()
            checkpoint = audit.latest_checkpoint(session)
            session.close()
        assert removed == 3 and checkpoint.last_id == 3 and checkpoint.removed == 3
        result = _verify(app)
        assert result.exit_code == 0, result.output
        assert "intact, 2 entries" in result.output  # the recent one and the purge's own entry
        with _engine(app).connect() as conn:  # the purge path opens nothing newer
            with pytest.raises(DBAPIError, match="append-only"), conn.begin():
                conn.execute(text("DELETE FROM audit_log WHERE id = 4"))
    finally:
        _engine(app).dispose()


def test_a_forged_purge_checkpoint_is_caught(chain_app):
    from datetime import datetime

    with _engine(chain_app).begin() as conn:  # no trigger to drop: the checkpoint is what opens deletes
        third = conn.execute(text("SELECT hash FROM audit_log WHERE id = 3")).scalar()
        conn.execute(text("INSERT INTO audit_checkpoint (at, last_id, last_hash, purged_before, removed, signature) "
                          "VALUES (:at, 3, :h, :at, 3, :s)"), {"at": datetime(2026, 1, 1), "h": third, "s": "0" * 64})
        conn.execute(text("DELETE FROM audit_log WHERE id <= 3"))
    result = _verify(chain_app)
    assert result.exit_code == 1
    assert "not signed with the audit key" in result.output


def _migration():
    import importlib.util
    from pathlib import Path

    import portal

    path = Path(portal.__file__).parent / "migrations" / "versions" / "0005_security_round_two.py"
    spec = importlib.util.spec_from_file_location("migration_0005", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_upgrading_an_old_log_keys_it_and_encrypts_two_factor_secrets(tmp_path):
    """The data steps of migration 0005 on a log and secrets as the previous version wrote
    them (unkeyed chain, clear TOTP secret): the chain then verifies under the key, the
    secret is encrypted; an altered old log is refused, not laundered."""
    from portal.accounts import twofactor

    app = build_app(tmp_path, f"upgrade_{tmp_path.name}", demo=True)
    migration = _migration()
    try:
        _drop_triggers(app)
        with _engine(app).begin() as conn:  # as the previous version wrote them
            conn.execute(text("UPDATE audit_log SET hash = 'x' || id"))
            prev = "0" * 64
            for row in conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.id)).all():
                digest = _unkeyed(prev, row)
                conn.execute(text("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE id = :i"),
                             {"p": prev, "h": digest, "i": row.id})
                prev = digest
            conn.execute(text("UPDATE audit_head SET last_hash = :h WHERE id = 1"), {"h": prev})
            conn.execute(text("ALTER TABLE users ADD COLUMN totp_secret VARCHAR(64)"))  # the previous column
            conn.execute(text("UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP' WHERE email = 'dpo@example.org'"))
        assert _verify(app).exit_code == 1  # the old chain is not valid under the key
        with pytest.raises(RuntimeError, match="entry 2 "), _engine(app).begin() as conn:
            # An old log altered before the upgrade is refused (rolled back), not laundered.
            conn.execute(text("UPDATE audit_log SET purpose = 'rewritten' WHERE id = 2"))
            migration._rehash(conn, app.config["AUDIT_KEY"])
        with _engine(app).begin() as conn:
            migration._rehash(conn, app.config["AUDIT_KEY"])
            migration._encrypt_totp(conn, app.config["TOTP_KEY"])
            stored = conn.execute(text("SELECT totp_sealed FROM users WHERE email = 'dpo@example.org'")).scalar()
        result = _verify(app)
        assert result.exit_code == 0, result.output
        assert twofactor.unseal(app.config["TOTP_KEY"], stored) == "JBSWY3DPEHPK3PXP" != stored
    finally:
        _engine(app).dispose()
