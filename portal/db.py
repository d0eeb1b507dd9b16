"""The database: a typed DeclarativeBase whose MetaData has a naming convention (so
migrations get stable constraint names), one engine per app, one session per app
context. Plain SQLAlchemy: services take a Session and never import Flask.

SQLite (the embedded default) runs in WAL mode (readers never wait for the writer) with a
busy timeout of 30 s (a writer waits for the one before it). That is not enough on its
own: a transaction that reads and then writes cannot wait for the write lock — SQLite
answers "database is locked" at once (SQLITE_BUSY_SNAPSHOT: another connection wrote
since this one's reads began) whatever the timeout. So the one rule, in `begins_immediate`:

    On SQLite, a transaction begins IMMEDIATE (it takes the write lock as it begins,
    waiting its turn) unless it belongs to a GET, HEAD or OPTIONS request whose endpoint
    is not in WRITING_GETS. Outside a request (CLI, scripts) it always begins IMMEDIATE.

WRITING_GETS lists the pages that write although they are only read by the user: the
staff's reads of a tenant's data, each recorded in the audit log as it is shown
(GDPR Art. 5(2), 30; the tenant sees them, Art. 15), the PDF copy kept in a cache, and
the e-mail confirmation and logout links. Listing them costs those pages their
concurrency with other writers (they wait their turn, a few milliseconds) and nothing
else; the other pages read side by side. A GET that writes without being listed would
race: `_note_statement` logs it, and makes it fail in tests, so the list cannot fall
behind the views. (Writing the audit entry first is not possible: it names what was
shown. Retrying on SQLITE_BUSY_SNAPSHOT would mean running the view again.)

A request's transaction that sent no write ends with COMMIT rather than the ROLLBACK of
closing the session (same effect: it wrote nothing), because psycopg forgets every
prepared statement of the connection on a rollback: ended by a rollback, each page had
PostgreSQL parse and plan its twenty-odd statements again (and send DEALLOCATE ALL).

Tests bind the session factory to an outer transaction and let each test's commits
become savepoints, so one migrated schema serves the whole run (see tests/conftest.py);
tests/scale/test_sqlite_concurrency.py runs the rule above with several connections.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

log = logging.getLogger("portal.db")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# GET pages that write (see the module docstring): each begins IMMEDIATE on SQLite.
WRITING_GETS = frozenset({
    "staff.tenants",            # a search is recorded in the audit log
    "staff.tenant_detail",      # a file read, and an attempt outside the scope
    "staff.request_detail",     # opening a request shows the tenant's file: recorded
    "staff.notes_review",       # the DPO's review shows notes: recorded
    "documents.letter_preview",  # a letter shows the tenant's data: recorded
    "documents.export_pdf",     # the PDF copy is kept in the document cache
    "auth.logout",              # the link ends every session of the user
    "auth.confirm_email",       # the link in the e-mail confirms the address
})

SQLITE_BUSY_TIMEOUT_MS = 30_000

# Statements that change nothing; anything else counts as a write (when unsure, a write:
# the request then ends with the rollback of closing the session).
_READS = frozenset({"SELECT", "BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK", "PRAGMA", "SHOW", "SET",
                    "EXPLAIN"})
_WRITE_IN_CTE = re.compile(r"\b(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@dataclass
class _State:
    engine: Engine
    factory: sessionmaker[Session]


def make_engine(url: str, **options: Any) -> Engine:
    """An engine with the per-dialect settings the portal relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, **options)
        _sqlite_setup(engine)
        return engine
    options.setdefault("pool_pre_ping", True)
    # psycopg prepares a statement run five times, and PostgreSQL may then keep one generic
    # plan for every value: the tenant search (same SQL for a name and for a tenant number)
    # then walked the whole name index for a number, 35 ms instead of 8 at 300,000 tenants.
    # Plans are made for the values at hand instead (planning costs tens of microseconds).
    args = options.setdefault("connect_args", {})
    args["options"] = (args.get("options", "") + " -c plan_cache_mode=force_custom_plan").strip()
    return create_engine(url, **options)


def begins_immediate() -> bool:
    """The rule of the module docstring: does a transaction begun now take SQLite's write
    lock at once? True outside a request, and for a request that may write."""
    if not has_request_context():
        return True
    return request.method not in SAFE_METHODS or request.endpoint in WRITING_GETS


def _sqlite_setup(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT: SQLAlchemy
    # emits BEGIN itself (SQLAlchemy docs, pysqlite, "Serializable isolation / Savepoints /
    # Transactional DDL"), which lets the portal choose BEGIN IMMEDIATE.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        # Art. 17: a deleted row is overwritten with zeros, not left readable in free pages
        # of the file (erasure must leave nothing behind).
        cur.execute("PRAGMA secure_delete=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()

    # A connection's `sqlite_begin` execution option, where given, says it instead of the
    # rule: the tests' harness begins the outer transaction that wraps each test DEFERRED
    # (tests/conftest.py), so that a test's own second connection (a CLI command, a schema
    # comparison) is not locked out by a transaction that has not written yet.
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin")
        immediate = begins_immediate() if mode is None else mode == "IMMEDIATE"
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_write(statement: str) -> bool:
    """Whether a SQL statement may change the database (when unsure, yes)."""
    words = statement.lstrip(" \n\t(").split(None, 1)
    first = words[0].upper() if words else ""
    if first == "WITH":
        return bool(_WRITE_IN_CTE.search(statement))
    return first not in _READS


def _note_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    """Per request: remember that it wrote, and refuse a write by an unlisted GET in tests.
    Only for requests being served (not a bare test_request_context around service calls)."""
    if not has_request_context() or not g.get("db_serving") or g.get("db_wrote") or not is_write(statement):
        return
    g.db_wrote = True
    if request.method in SAFE_METHODS and request.endpoint not in WRITING_GETS:
        message = (f"{request.method} {request.endpoint} writes to the database: add it to "
                   "portal.db.WRITING_GETS, or SQLite may answer 'database is locked'")
        if current_app.config.get("TESTING"):
            raise RuntimeError(message)
        log.warning(message)


class Database:
    """Session-per-app-context access: `db.session` inside a request or CLI command."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["SQLALCHEMY_DATABASE_URI"],
                             **dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}))
        event.listen(engine, "before_cursor_execute", _note_statement)
        app.before_request(self._start_request)
        app.extensions["portal.db"] = _State(engine, sessionmaker(engine, expire_on_commit=False))
        app.teardown_request(self._end_request)
        app.teardown_appcontext(self._teardown)

    @staticmethod
    def state(app: Flask | None = None) -> _State:
        return (app or current_app).extensions["portal.db"]

    @property
    def engine(self) -> Engine:
        return self.state().engine

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = self.state().factory()
        return g.db_session

    @staticmethod
    def _start_request() -> None:
        g.db_serving = True

    @staticmethod
    def _end_request(exc: BaseException | None) -> None:
        """A request's transaction that wrote nothing ends with COMMIT (module docstring)."""
        session = g.get("db_session")
        if (exc is None and session is not None and session.in_transaction() and not g.get("db_wrote")
                and not (session.new or session.dirty or session.deleted)):
            try:
                session.commit()
            except SQLAlchemyError:
                session.rollback()  # the connection went away: closing the session discards it

    @staticmethod
    def _teardown(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()
