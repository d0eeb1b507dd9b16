"""The database: a typed DeclarativeBase whose MetaData has a naming convention (so
migrations get stable constraint names), one engine per app, one session per app
context. Plain SQLAlchemy: services take a Session and never import Flask.

Tests bind the session factory to an outer transaction and let each test's commits
become savepoints, so one migrated schema serves the whole run (see tests/conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@dataclass
class _State:
    engine: Engine
    factory: sessionmaker[Session]


def make_engine(url: str, sqlite_immediate: bool = True, **options: Any) -> Engine:
    """An engine with the per-dialect settings the portal relies on."""
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        engine = create_engine(url, **options)
        _sqlite_setup(engine, sqlite_immediate)
        return engine
    options.setdefault("pool_pre_ping", True)
    # psycopg prepares a statement run five times, and PostgreSQL may then keep one generic
    # plan for every value: the tenant search (same SQL for a name and for a tenant number)
    # then walked the whole name index for a number, 35 ms instead of 8 at 300,000 tenants.
    # Plans are made for the values at hand instead (planning costs tens of microseconds).
    args = options.setdefault("connect_args", {})
    args["options"] = (args.get("options", "") + " -c plan_cache_mode=force_custom_plan").strip()
    # The statements sent in batches (batch.py) are prepared by the portal, by name, once
    # per connection. psycopg's own preparing is turned off: having prepared statements of
    # its own, it deallocates all of a connection's on every rollback, ours included.
    args.setdefault("prepare_threshold", None)
    return create_engine(url, **options)


def _sqlite_setup(engine: Engine, immediate: bool) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and defers BEGIN; let
    # SQLAlchemy emit BEGIN itself (SQLAlchemy docs, "pysqlite: serializable isolation").
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        # Art. 17: a deleted row is overwritten with zeros, not left readable in free pages
        # of the file (erasure must leave nothing behind).
        cur.execute("PRAGMA secure_delete=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
        record.info["query_only"] = False  # SQLite's default

    # BEGIN IMMEDIATE takes the write lock at the start: a transaction that reads and
    # then writes (every audited staff read does) would otherwise fail at once with
    # "database is locked" when two processes upgrade their read locks together; with
    # it, the second one waits (busy timeout) instead. The test suite turns it off: its
    # one long outer transaction per test would block the other connections it opens.
    #
    # Requests to views declared `read_only` begin deferred instead: in WAL mode a reader
    # takes no lock and never waits, so two workers serve those pages side by side rather
    # than one after the other. `PRAGMA query_only` makes SQLite refuse any write in them,
    # so a view wrongly declared fails loudly (in its tests) instead of racing.
    #
    # The pragma is set only when it changes: setting any pragma makes SQLite discard every
    # statement it had prepared on the connection, and the file's twenty-odd statements
    # were then prepared again on each request (0.7 ms of a 6 ms /me, measured). The
    # pool's record of the connection remembers the value; a new connection starts at 0.
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        reading = _reading_only()
        info = conn.connection.info
        if info.get("query_only") != reading:
            conn.exec_driver_sql(f"PRAGMA query_only={int(reading)}")
            info["query_only"] = reading
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate and not reading else "BEGIN")


def read_only(view: Any) -> Any:
    """Declares a view that never writes to the database (see `_sqlite_setup`)."""
    view.read_only = True
    return view


def reads_then_writes(view: Any) -> Any:
    """Declares a view that reads, then records what it showed (an audited search or file
    read): it reads like a `read_only` view, and calls `db.start_writing()` before its
    writes. On SQLite the write lock is then held for the audit entry alone, not for the
    whole search: two workers search side by side and only queue to append to the log."""
    view.reads_then_writes = True
    return view


def _reading_only() -> bool:
    if not has_request_context():
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "read_only", False):
        return True
    return getattr(view, "reads_then_writes", False) and not g.get("portal_writing", False)


class Database:
    """Session-per-app-context access: `db.session` inside a request or CLI command."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["SQLALCHEMY_DATABASE_URI"],
                             app.config.get("SQLITE_BEGIN_IMMEDIATE", True),
                             **dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}))
        app.extensions["portal.db"] = _State(engine, sessionmaker(engine, expire_on_commit=False))
        app.teardown_request(self._end_reading)
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

    def start_writing(self) -> None:
        """In a `reads_then_writes` view: on SQLite, end the reading transaction (it wrote
        nothing); the next one takes the write lock as it begins. On PostgreSQL the
        transaction goes on (readers hold no lock that stops a writer): no round trip."""
        g.portal_writing = True
        if self.session.get_bind().dialect.name == "sqlite":
            self.session.commit()

    @staticmethod
    def _end_reading(exc: BaseException | None) -> None:
        """A read-only view's transaction ends with COMMIT rather than the ROLLBACK of
        closing the session: it wrote nothing, so both leave the database as it was, but
        psycopg forgets every prepared statement of the connection on a rollback. Ended by
        a rollback, each request had PostgreSQL parse and plan a file's twenty-odd
        statements again (and send DEALLOCATE ALL)."""
        session = g.get("db_session")
        if (exc is None and session is not None and session.in_transaction() and _reading_only()
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
