"""The embedded SQLite database under concurrent audited reads: every staff search and
file view writes an audit entry, so two requests at once both read then write. With
BEGIN IMMEDIATE (the default outside the test fixture) the second waits its turn
instead of failing with "database is locked" (a 503 for the user)."""

from __future__ import annotations

import os
import sqlite3
import threading

import pytest

from portal.db import Database
from tests.conftest import build_app, login

pytestmark = pytest.mark.skipif(os.environ.get("PORTAL_TEST_DB", "sqlite") != "sqlite",
                                reason="SQLite's locking only")


def _hammer(app, statuses: list[int], n: int) -> None:
    client = app.test_client()
    login(client, "dpo@example.org")
    for i in range(n):
        statuses.append(client.get(f"/staff/tenants?q=Mar{'t' if i % 2 else ''}").status_code)


def test_concurrent_audited_searches_all_succeed(tmp_path):
    app = build_app(tmp_path, "concurrent", SQLITE_BEGIN_IMMEDIATE=True)
    statuses: list[int] = []
    threads = [threading.Thread(target=_hammer, args=(app, statuses, 25)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    Database.state(app).engine.dispose()
    assert len(statuses) == 100 and set(statuses) == {200}, sorted(set(statuses))


def test_read_only_pages_are_served_while_a_writer_holds_the_lock(tmp_path):
    """/me, the JSON export and the request queue are declared read-only: they begin a
    deferred (shared) transaction, so a long write elsewhere does not hold them up."""
    app = build_app(tmp_path, "readers", SQLITE_BEGIN_IMMEDIATE=True)
    engine = Database.state(app).engine
    tenant, staff = app.test_client(), app.test_client()
    login(tenant, "camille.martin@example.org")
    login(staff, "dpo@example.org")
    writer = sqlite3.connect(engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process is in the middle of a write
    try:
        with _short_busy_timeout(engine):
            assert tenant.get("/me").status_code == 200
            assert tenant.get("/me/export.json").status_code == 200
            assert staff.get("/staff/requests").status_code == 200
            # A page that writes (the search is audited) must wait for the lock: with the
            # busy timeout cut short, it gets the "try again" page instead.
            assert staff.get("/staff/tenants?q=Martin").status_code == 503
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        engine.dispose()


def test_a_search_takes_the_write_lock_only_to_append_to_the_log(tmp_path):
    """The search itself runs in a shared (deferred) transaction; the write lock is taken
    for the audit entry alone, so two workers' searches overlap."""
    from sqlalchemy import event

    app = build_app(tmp_path, "search-lock", SQLITE_BEGIN_IMMEDIATE=True)
    engine = Database.state(app).engine
    client = app.test_client()
    login(client, "dpo@example.org")
    seen: list[str] = []

    def statement(_conn, _cursor, sql, *_args):
        seen.append(" ".join(sql.split()))

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", lambda _conn: seen.append("COMMIT"))
    try:
        page = client.get("/staff/tenants?q=Martin")
    finally:
        event.remove(engine, "before_cursor_execute", statement)
    assert page.status_code == 200 and "LOC-000101" in page.get_data(as_text=True)
    start = seen.index("BEGIN IMMEDIATE")
    end = seen.index("COMMIT", start)
    reading, writing = seen[:start], seen[start:end]
    assert "PRAGMA query_only=1" in reading and any("FROM tenants" in s for s in reading)
    assert any(s.startswith("INSERT INTO audit_log") for s in writing)
    assert not any("FROM tenants" in s for s in writing)
    engine.dispose()


def test_a_view_declared_read_only_cannot_write(tmp_path):
    from flask import Blueprint

    from portal.db import db, read_only
    from portal.models import Note

    app = build_app(tmp_path, "guarded", demo=False, SQLITE_BEGIN_IMMEDIATE=True)
    bp = Blueprint("wrongly_declared", __name__)

    @bp.route("/_test/writes")
    @read_only
    def writes():
        db.session.add(Note(tenant_id=1, author_name="x", body="x"))
        db.session.commit()
        return "written"

    app.register_blueprint(bp)
    engine = Database.state(app).engine
    # SQLite refuses the write ("attempt to write a readonly database"): the user gets the
    # "try again" page and nothing is stored.
    assert app.test_client().get("/_test/writes").status_code == 503
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM notes").scalar() == 0
    engine.dispose()


class _short_busy_timeout:
    """Pooled connections wait at most 200 ms for a lock during the block."""

    def __init__(self, engine):
        self.engine = engine

    def __enter__(self):
        from sqlalchemy import event

        self.engine.dispose()
        event.listen(self.engine, "connect", self._fast)
        return self

    @staticmethod
    def _fast(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA busy_timeout=200")

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "connect", self._fast)
        return False


def test_a_staff_file_view_takes_the_write_lock_only_to_record_the_read(tmp_path):
    """The file's twenty-odd reads run in a shared transaction; the write lock is taken for
    the audit entry of the read alone."""
    from sqlalchemy import event

    app = build_app(tmp_path, "file-lock", SQLITE_BEGIN_IMMEDIATE=True)
    engine = Database.state(app).engine
    client = app.test_client()
    login(client, "gardien.lilas@example.org")  # a caretaker: a default purpose, no form first
    with app.app_context():
        session = Database.state(app).factory()
        from sqlalchemy import select

        from portal.models import Tenant
        camille = session.scalar(select(Tenant.id).where(Tenant.tenant_number == "LOC-000101"))
        session.close()
    seen: list[str] = []

    def statement(_conn, _cursor, sql, *_args):
        seen.append(" ".join(sql.split()))

    event.listen(engine, "before_cursor_execute", statement)
    try:
        page = client.get(f"/staff/tenants/{camille}")
    finally:
        event.remove(engine, "before_cursor_execute", statement)
    assert page.status_code == 200 and "LOC-000101" in page.get_data(as_text=True)
    start = seen.index("BEGIN IMMEDIATE")
    reading, writing = seen[:start], seen[start:]
    assert "PRAGMA query_only=1" in reading and any("FROM incidents" in s for s in reading)
    assert any(s.startswith("INSERT INTO audit_log") for s in writing)
    assert not any("FROM incidents" in s or "FROM tenants" in s for s in writing)
    engine.dispose()


def test_the_read_only_switch_is_set_only_when_it_changes(tmp_path):
    """Setting any pragma makes SQLite throw away the statements it has prepared on the
    connection, so the file's twenty-odd statements would be prepared again on every page:
    read-only pages in a row set `query_only` once, and a write after them turns it off
    and is stored."""
    from sqlalchemy import event

    from portal.models import LoginEvent

    app = build_app(tmp_path, "pragma", SQLITE_BEGIN_IMMEDIATE=True)
    engine = Database.state(app).engine
    engine.dispose()  # one pooled connection for these sequential requests, from a known state
    client = app.test_client()
    login(client, "camille.martin@example.org")
    seen: list[str] = []

    def statement(_conn, _cursor, sql, *_args):
        if "query_only" in sql:
            seen.append(sql)

    event.listen(engine, "before_cursor_execute", statement)
    try:
        for path in ("/me", "/me/export.json", "/me", "/me?open=payments"):
            assert client.get(path).status_code == 200
        assert seen == ["PRAGMA query_only=1"]
        login(client, "dpo@example.org")  # a write: the login is recorded
        assert seen == ["PRAGMA query_only=1", "PRAGMA query_only=0"]
        assert client.get("/staff/requests").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", statement)
    with app.app_context():
        session = Database.state(app).factory()
        from sqlalchemy import func, select

        # The two logins of this test (the demo also holds old logins, past their retention).
        assert session.scalar(select(func.count()).select_from(LoginEvent).where(LoginEvent.ip_address != "192.0.2.14")) == 2
        session.close()
    assert seen[-1] == "PRAGMA query_only=1"
    engine.dispose()
