"""Several read statements sent to the database together.

A tenant's file is twenty-odd small SELECTs (one per catalogue section). On PostgreSQL
each one is a round trip to the server, and the waiting, not the work, was most of the
time of /me (about 0.4 ms a statement, 9.6 ms for the file of a typical tenant). With
psycopg's pipeline mode the statements are all sent, then all answers read: one wait.
Elsewhere (SQLite is in-process, there is nothing to wait for) they simply run one
after the other through SQLAlchemy.

The statements keep SQLAlchemy's compilation and its result processing, and the engine's
`before_cursor_execute`/`after_cursor_execute` events still see every statement (the
statement-count tests and any SQL logging rely on them). No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

Job = tuple[Any, dict[str, Any]]  # (a SELECT, its parameters)


@dataclass
class _Compiled:
    sql: str
    defaults: dict[str, Any]  # values bound in the statement itself (LIMIT 1, a status…)
    types: tuple[Any, ...]  # the SQLAlchemy type of each column
    # SQLAlchemy's result processor of each column, made from the first answer's column
    # descriptions (the driver's type codes); () until then, None when there is none.
    processors: tuple[Callable[[Any], Any] | None, ...] | None = ()

    def process(self, dialect: Dialect, cursor: Any, rows: list[Any]) -> list[Any]:
        if self.processors == ():
            found = tuple(t.dialect_impl(dialect).result_processor(dialect, d.type_code)
                          for t, d in zip(self.types, cursor.description))
            self.processors = found if any(found) else None
        if self.processors is None:
            return rows
        return [tuple(v if p is None else p(v) for p, v in zip(self.processors, row)) for row in rows]


# Compiled once per (statement, dialect). Only the statements a module keeps for the life
# of the process come here (dossier._statement), so the keys stay few and alive.
_COMPILED: dict[tuple[Any, str], _Compiled | None] = {}


def run(session: Session, jobs: Sequence[Job]) -> list[list[Any]]:
    """The rows of each statement, in order. Read-only statements only."""
    conn = session.connection()
    if len(jobs) > 1 and _pipelines(conn.dialect):
        compiled = [_compile(stmt, conn.dialect) for stmt, _params in jobs]
        if all(c is not None for c in compiled):
            return _pipelined(conn, jobs, compiled)  # type: ignore[arg-type]
    return [list(conn.execute(stmt, params).all()) for stmt, params in jobs]


def _pipelines(dialect: Dialect) -> bool:
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


def _compile(stmt: Any, dialect: Dialect) -> _Compiled | None:
    key = (stmt, dialect.name)
    if key in _COMPILED:
        return _COMPILED[key]
    compiled = stmt.compile(dialect=dialect)
    sql = compiled.string
    if "POSTCOMPILE" in sql or compiled.positional:
        found = None  # expanding IN lists and the like: left to SQLAlchemy
    else:
        defaults = {name: bind.effective_value for bind, name in compiled.bind_names.items()
                    if not bind.required}
        found = _Compiled(sql, defaults, tuple(c.type for c in stmt.selected_columns))
    _COMPILED[key] = found
    return found


def _pipelined(conn: Connection, jobs: Sequence[Job], compiled: Sequence[_Compiled]) -> list[list[Any]]:
    raw = conn.connection.dbapi_connection
    assert raw is not None
    dispatch = conn.dispatch
    cursors: list[Any] = []
    try:
        with raw.pipeline():
            for (_stmt, params), c in zip(jobs, compiled):
                bound = dict(c.defaults, **params)
                cursor = raw.cursor()
                dispatch.before_cursor_execute(conn, cursor, c.sql, bound, None, False)
                cursor.execute(c.sql, bound)
                cursors.append(cursor)
        fetched = [cursor.fetchall() for cursor in cursors]
    except conn.dialect.loaded_dbapi.Error as exc:
        # As SQLAlchemy does for its own statements: a lost server invalidates the
        # connection (the pool opens a new one) and the error is SQLAlchemy's, which the
        # error pages know.
        if conn.dialect.is_disconnect(exc, raw, None):
            conn.invalidate(exc)
        raise DBAPIError.instance(compiled[len(cursors) - 1].sql if cursors else None, None, exc,
                                  conn.dialect.loaded_dbapi.Error, dialect=conn.dialect) from exc
    results = []
    for (_stmt, params), c, cursor, rows in zip(jobs, compiled, cursors, fetched):
        dispatch.after_cursor_execute(conn, cursor, c.sql, params, None, False)
        results.append(c.process(conn.dialect, cursor, rows))
        cursor.close()
    return results
