"""The embedded SQLite database under concurrency (portal/db.py): WAL, a busy timeout, and
one rule — a request that may write (any method but GET/HEAD/OPTIONS, and the GET pages
in WRITING_GETS, which record an audit entry) begins IMMEDIATE and waits its turn; the
other GETs read side by side. "database is locked" must never reach a user (a 503)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time

from types import SimpleNamespace

import pytest
from sqlalchemy import event

from portal.db import Database
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import build_app, login

pytestmark = pytest.mark.skipif(os.environ.get("PORTAL_TEST_DB", "sqlite") != "sqlite",
                                reason="SQLite's locking only")


def _app(tmp_path, name: str) -> tuple:
    """An app without the demo, and who is who in it (tests/builders.estate; the tenant is
    Mme Martel, with a full file). Everyone logs in with builders.PASSWORD."""
    app = build_app(tmp_path, name, demo=False)
    with builders.committed(app) as s:
        people = builders.estate(s)
        people.tenant.last_name = "Martel"
        builders.full_file(s, people.tenant)
    return app, SimpleNamespace(tenant=people.tenant.id, tenant_email=people.tenant_account.email,
                                caretaker=people.caretaker.email, dpo=people.dpo.email)


def _run_all(workers: list[threading.Thread]) -> None:
    for t in workers:
        t.start()
    for t in workers:
        t.join(180)


def test_concurrent_writers_and_audited_readers_all_succeed(tmp_path):
    """Staff searches and file views (each a read, then an audit entry), logins (a write),
    and a tenant's own pages (reads), from six threads at once: every answer is a page."""
    app, who = _app(tmp_path, "concurrent")
    tenant_id = who.tenant
    statuses: list[tuple[str, int]] = []

    def searcher(n: int) -> None:
        client = app.test_client()
        login(client, who.dpo, PASSWORD)
        client.post(f"/staff/tenants/{tenant_id}", data={"purpose": "other", "purpose_other": "Contrôle"})
        for i in range(n):
            statuses.append(("search", client.get(f"/staff/tenants?q=Mar{'t' if i % 2 else ''}").status_code))
            statuses.append(("file", client.get(f"/staff/tenants/{tenant_id}").status_code))

    def caretaker(n: int) -> None:
        client = app.test_client()
        login(client, who.caretaker, PASSWORD)  # a default purpose: the file at once
        for _ in range(n):
            statuses.append(("file", client.get(f"/staff/tenants/{tenant_id}").status_code))

    def logins(n: int) -> None:
        for _ in range(n):
            client = app.test_client()
            statuses.append(("login", client.post("/login", data={"email": who.tenant_email,
                                                                   "password": PASSWORD}).status_code))
            statuses.append(("me", client.get("/me").status_code))

    _run_all([threading.Thread(target=searcher, args=(12,)), threading.Thread(target=searcher, args=(12,)),
              threading.Thread(target=caretaker, args=(20,)), threading.Thread(target=caretaker, args=(20,)),
              threading.Thread(target=logins, args=(10,)), threading.Thread(target=logins, args=(10,))])
    Database.state(app).engine.dispose()
    assert len(statuses) == 2 * 12 * 2 + 2 * 20 + 2 * 10 * 2
    refused = [s for s in statuses if s[1] not in (200, 302)]
    assert not refused, refused


def test_plain_pages_are_served_while_a_writer_holds_the_lock(tmp_path):
    """/me, the JSON export and the request queue begin a plain (deferred) transaction, so
    a long write elsewhere does not hold them up; an audited search waits for the lock."""
    app, who = _app(tmp_path, "readers")
    engine = Database.state(app).engine
    tenant, staff = app.test_client(), app.test_client()
    login(tenant, who.tenant_email, PASSWORD)
    login(staff, who.dpo, PASSWORD)
    writer = sqlite3.connect(engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process is in the middle of a write
    try:
        with _short_busy_timeout(engine):
            assert tenant.get("/me").status_code == 200
            assert tenant.get("/me/export.json").status_code == 200
            assert staff.get("/staff/requests").status_code == 200
            # A page that writes (the search is audited) waits for the lock: with the busy
            # timeout cut short, it gets the "try again" page instead.
            assert staff.get("/staff/tenants?q=Martel").status_code == 503
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        engine.dispose()


def test_the_rule_begins_writing_requests_immediate(tmp_path):
    """The one rule, as SQLite sees it: BEGIN IMMEDIATE for a POST and for a GET page that
    records an audit entry; a plain BEGIN for the other GETs."""
    app, who = _app(tmp_path, "rule")
    engine = Database.state(app).engine
    tenant_id = who.tenant
    tenant, caretaker = app.test_client(), app.test_client()
    login(tenant, who.tenant_email, PASSWORD)
    login(caretaker, who.caretaker, PASSWORD)
    begins: list[str] = []

    def statement(_conn, _cursor, sql, *_args):
        if sql.startswith("BEGIN"):
            begins.append(sql)

    event.listen(engine, "before_cursor_execute", statement)
    try:
        def begun(client, method: str, path: str, **data) -> set[str]:
            begins.clear()
            response = client.open(path, method=method, data=data or None)
            assert response.status_code in (200, 302), (path, response.status_code)
            return set(begins)

        assert begun(tenant, "GET", "/me") == {"BEGIN"}
        assert begun(tenant, "GET", "/me/export.json") == {"BEGIN"}
        assert begun(tenant, "GET", "/healthz") == {"BEGIN"}
        assert begun(caretaker, "GET", f"/staff/tenants/{tenant_id}") == {"BEGIN IMMEDIATE"}
        assert begun(caretaker, "GET", "/staff/tenants?q=Martel") == {"BEGIN IMMEDIATE"}
        assert begun(tenant, "POST", "/login", email=who.tenant_email, password=PASSWORD) == {"BEGIN IMMEDIATE"}
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        engine.dispose()


def test_a_get_that_writes_without_being_listed_fails_in_tests(tmp_path):
    """A GET page that writes must be in WRITING_GETS (else it would race on SQLite): the
    test suite refuses it loudly, and nothing is stored."""
    from flask import Blueprint

    from portal.db import db
    from portal.models import Note

    app = build_app(tmp_path, "unlisted", demo=False)
    app.config["PROPAGATE_EXCEPTIONS"] = True
    bp = Blueprint("unlisted_writer", __name__)

    @bp.route("/_test/writes")
    def writes():
        db.session.add(Note(tenant_id=1, author_name="x", body="x"))
        db.session.commit()
        return "written"

    app.register_blueprint(bp)
    with pytest.raises(RuntimeError, match="WRITING_GETS"):
        app.test_client().get("/_test/writes")
    engine = Database.state(app).engine
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM notes").scalar() == 0
    engine.dispose()


def test_healthz_does_not_hold_up_writers(tmp_path):
    """A logged-in user calling /healthz used to hold the write lock while the check waited
    on a second connection (30 s, repeated at will: every login blocked). Now a write from
    another process goes through while /healthz runs, and /healthz answers at once."""
    app, who = _app(tmp_path, "healthz")
    engine = Database.state(app).engine
    client = app.test_client()
    login(client, who.tenant_email, PASSWORD)
    outcome: list[str] = []

    def write_meanwhile(_conn, _cursor, sql, *_args):
        if sql == "SELECT 1" and not outcome:
            other = sqlite3.connect(engine.url.database, timeout=1, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("UPDATE users SET display_name = display_name WHERE id = 1")
                other.execute("COMMIT")
                outcome.append("written")
            except sqlite3.OperationalError as exc:
                outcome.append(str(exc))
            finally:
                other.close()

    event.listen(engine, "before_cursor_execute", write_meanwhile)
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        event.remove(engine, "before_cursor_execute", write_meanwhile)
        engine.dispose()
    assert outcome == ["written"]
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}
    assert elapsed < 5


class _short_busy_timeout:
    """Pooled connections wait at most 200 ms for a lock during the block."""

    def __init__(self, engine):
        self.engine = engine

    def __enter__(self):
        self.engine.dispose()
        event.listen(self.engine, "connect", self._fast)
        return self

    @staticmethod
    def _fast(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA busy_timeout=200")

    def __exit__(self, *exc):
        event.remove(self.engine, "connect", self._fast)
        return False
