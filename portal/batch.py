"""Several read statements sent to the database together.

A tenant's file is twenty-odd small SELECTs (one per catalogue section). On PostgreSQL
each one is a round trip to the server, and the waiting, not the work, was most of the
time of /me (about 0.4 ms a statement, 9.6 ms for the file of a typical tenant). With
psycopg's pipeline mode the statements are all sent, then all answers read: one wait.
SQLite is in-process, there is nothing to wait for; there the statements run one after
the other on the driver's cursor, which spares SQLAlchemy's per-statement bookkeeping
(a third of the time of such small statements).

Either way the statements are compiled by SQLAlchemy (once each), their parameters and
results go through SQLAlchemy's type processors, and the engine's
`before_cursor_execute`/`after_cursor_execute` events see every statement (the
statement-count tests and any SQL logging rely on them). Any other driver, or a
statement given a list at run time (expanding IN), runs through SQLAlchemy as usual.
tests/scale/test_batch.py checks the answers are the same. No Flask here.
"""

from __future__ import annotations

import copy
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
    converters: dict[str, Callable[[Any], Any]]  # SQLAlchemy's bind processors of the others
    types: tuple[Any, ...]  # the SQLAlchemy type of each column
    # SQLAlchemy's result processors, made from the first answer's column descriptions
    # (the driver's type codes), as (column index, processor) for the columns that have
    # one; () until then, None when no column has one.
    processors: tuple[tuple[int, Callable[[Any], Any]], ...] | None = ()

    def bind(self, params: dict[str, Any]) -> dict[str, Any]:
        bound = dict(self.defaults, **params)
        for name, convert in self.converters.items():
            bound[name] = convert(bound[name])
        return bound

    def process(self, dialect: Dialect, cursor: Any, rows: list[Any]) -> list[Any]:
        if self.processors == ():
            found = tuple((i, p) for i, (t, d) in enumerate(zip(self.types, cursor.description))
                          if (p := t.dialect_impl(dialect).result_processor(dialect, d[1])) is not None)
            self.processors = found or None
        if self.processors is None:
            return rows
        out = []
        for row in rows:  # only the columns that need it (dates on SQLite…) are converted
            values = list(row)
            for i, process in self.processors:
                values[i] = process(values[i])
            out.append(tuple(values))
        return out


# Compiled once per (statement, dialect). The statements come from the caches of the
# modules that build them (dossier._statement, request_queue._statements): few, and kept.
_COMPILED: dict[tuple[Any, str], _Compiled | None] = {}


# The portal's PostgreSQL connections plan each statement for the values it is run with
# (db.make_engine: the search needs it). Statements whose best plan does not depend on
# them, such as a file's sections (a tenant's id, a page), may instead keep one plan per
# connection: planning was half of PostgreSQL's work for a file page.
SAME_PLANS = "SET LOCAL plan_cache_mode = auto"


def run(session: Session, jobs: Sequence[Job], same_plans: bool = False) -> list[list[Any]]:
    """The rows of each statement, in order. Read-only statements only. `same_plans`: the
    statements' plans do not depend on their values; on PostgreSQL they may be reused for
    the rest of the transaction and, prepared by psycopg, by the connection's later ones."""
    conn = session.connection()
    dialect = conn.dialect
    setup = SAME_PLANS if same_plans and dialect.name == "postgresql" else None
    compiled = [_compile(stmt, dialect) for stmt, _params in jobs]
    if all(c is not None for c in compiled):
        if dialect.name == "postgresql" and dialect.driver == "psycopg":
            return _pipelined(conn, jobs, compiled, setup)  # type: ignore[arg-type]
        if dialect.name == "sqlite" and dialect.driver == "pysqlite":
            return _in_turn(conn, jobs, compiled)  # type: ignore[arg-type]
    if setup:
        conn.exec_driver_sql(setup)
    return [list(conn.execute(stmt, params).all()) for stmt, params in jobs]


def _compile(stmt: Any, dialect: Dialect) -> _Compiled | None:
    key = (stmt, dialect.name)
    if key in _COMPILED:
        return _COMPILED[key]
    if len(_COMPILED) > 2000:  # statements kept by an LRU elsewhere come and go
        _COMPILED.clear()
    compiled = stmt.compile(dialect=_named(dialect))
    binds = {name: bind for bind, name in compiled.bind_names.items()}
    required = {name for name, bind in binds.items() if bind.required}
    if compiled.positional or any(binds[name].expanding for name in required):
        found = None  # a list given at run time: left to SQLAlchemy
    else:
        # IN lists written in the statement (kinds, statuses…) are expanded now, once.
        state = compiled.construct_expanded_state({name: None for name in required})
        convert = {name: c for name, bind in binds.items()
                   if (c := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None}
        defaults = {name: convert[name](value) if name in convert else value
                    for name, value in state.parameters.items() if name not in required}
        found = _Compiled(state.statement, defaults, {n: c for n, c in convert.items() if n in required},
                          tuple(c.type for c in stmt.selected_columns))
    _COMPILED[key] = found
    return found


_NAMED: dict[int, Dialect] = {}


def _named(dialect: Dialect) -> Dialect:
    """The dialect, writing parameters by name (`:tenant_id`, `%(tenant_id)s`): one dict
    of values then serves every placeholder. pysqlite takes both styles."""
    if not dialect.positional:
        return dialect
    named = _NAMED.get(id(dialect))
    if named is None:
        named = _NAMED[id(dialect)] = copy.copy(dialect)
        named.paramstyle, named.positional = "named", False
    return named


def _in_turn(conn: Connection, jobs: Sequence[Job], compiled: Sequence[_Compiled]) -> list[list[Any]]:
    raw = conn.connection.dbapi_connection
    assert raw is not None
    dispatch = conn.dispatch
    results = []
    cursor = raw.cursor()
    try:
        for (_stmt, params), c in zip(jobs, compiled):
            bound = c.bind(params)
            dispatch.before_cursor_execute(conn, cursor, c.sql, bound, None, False)
            try:
                cursor.execute(c.sql, bound)
                rows = cursor.fetchall()
            except conn.dialect.loaded_dbapi.Error as exc:
                raise DBAPIError.instance(c.sql, bound, exc, conn.dialect.loaded_dbapi.Error,
                                          dialect=conn.dialect) from exc
            dispatch.after_cursor_execute(conn, cursor, c.sql, bound, None, False)
            results.append(c.process(conn.dialect, cursor, rows))
    finally:
        cursor.close()
    return results


def _pipelined(conn: Connection, jobs: Sequence[Job], compiled: Sequence[_Compiled],
               setup: str | None) -> list[list[Any]]:
    raw = conn.connection.dbapi_connection
    assert raw is not None
    dispatch = conn.dispatch
    cursors: list[Any] = []
    bound_params: list[dict[str, Any]] = []
    try:
        with raw.pipeline():
            if setup:  # sent with the statements: no round trip of its own
                with raw.cursor() as cursor:
                    dispatch.before_cursor_execute(conn, cursor, setup, {}, None, False)
                    cursor.execute(setup)
                    dispatch.after_cursor_execute(conn, cursor, setup, {}, None, False)
            for (_stmt, params), c in zip(jobs, compiled):
                bound = c.bind(params)
                bound_params.append(bound)
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
    for bound, c, cursor, rows in zip(bound_params, compiled, cursors, fetched):
        dispatch.after_cursor_execute(conn, cursor, c.sql, bound, None, False)
        results.append(c.process(conn.dialect, cursor, rows))
        cursor.close()
    return results
