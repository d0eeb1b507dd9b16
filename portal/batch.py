"""Several read statements sent to the database together.

A tenant's file is twenty-odd small SELECTs (one per catalogue section). On PostgreSQL
each one is a round trip to the server, and the waiting, not the work, was most of the
time of /me (about 0.4 ms a statement, 9.6 ms for the file of a typical tenant). In
libpq's pipeline mode the statements are all sent, then all answers read: one wait (see
"PostgreSQL" below). SQLite is in-process, there is nothing to wait for; there the statements run one after
the other on the driver's cursor, which spares SQLAlchemy's per-statement bookkeeping
(a third of the time of such small statements).

Either way the statements are compiled by SQLAlchemy (once each), their parameters and
results go through SQLAlchemy's type processors, and the engine's
`before_cursor_execute`/`after_cursor_execute` events see every statement (the
statement-count tests and any SQL logging rely on them; they are given no cursor on
PostgreSQL). Any other driver, or a statement given a list at run time (expanding IN),
runs through SQLAlchemy as usual.
tests/scale/test_batch.py checks the answers are the same. No Flask here.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Sequence

import psycopg
from psycopg import capabilities, pq
from psycopg.adapt import Transformer

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
            if _prepares_itself(conn):
                sent = _libpq_pipeline(conn, jobs, compiled, setup)  # type: ignore[arg-type]
                if sent is not None:
                    return sent
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


# --- PostgreSQL: the statements prepared by name and sent through libpq -----------------
#
# psycopg's own pipeline mode costs about 40 µs of Python per statement (a cursor, its
# adapters, a flush and a read after each one): 0.8–1.0 ms of client time for the 22
# statements of a tenant's home, measured. Sent through psycopg's libpq wrapper
# (psycopg.pq: each statement prepared once per connection under a name of ours, then
# bound and executed; one sync; the answers loaded by psycopg's own Transformer, as its
# cursors do), the same batch costs 0.22–0.30 ms.
#
# Named statements last as long as the server session. psycopg deallocates every prepared
# statement of a connection (DEALLOCATE ALL) when it rolls back having prepared some of its
# own, which would take ours with them: the engine turns psycopg's preparing off
# (db.make_engine: prepare_threshold=None), and this path is used only on such connections
# (elsewhere the statements run one by one through SQLAlchemy).
# A statement is prepared after a Close of its name (a no-op when there is none), so a name
# left on the server by anything unforeseen cannot make the Prepare fail.

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")
_NUMBERED: dict[str, tuple[bytes, tuple[str, ...]]] = {}
_KEEP_NAMED = 500  # statements kept prepared per connection; all closed beyond that
# At most this much is sent in one pipeline (a file page sends 2 KB, 11 KB with its first
# Prepares): the server's receive buffer (128 KB on Linux) takes it all even while the
# server, writing large answers the client does not read yet, stops reading. Larger
# batches run through SQLAlchemy.
_MAX_SENT = 64 * 1024
_RESULTS_OK = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK)


def _prepares_itself(conn: Connection) -> bool:
    raw = conn.connection.dbapi_connection
    return (getattr(raw, "prepare_threshold", 0) is None and capabilities.has_send_close_prepared()
            and raw.pgconn.pipeline_status == pq.PipelineStatus.OFF)  # type: ignore[union-attr]


def _numbered(sql: str) -> tuple[bytes, tuple[str, ...]]:
    """The statement with $1, $2… for its %(name)s placeholders, and the names in order."""
    hit = _NUMBERED.get(sql)
    if hit is None:
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            if match.group(0) == "%%":
                return "%"
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"

        if len(_NUMBERED) > 2000:
            _NUMBERED.clear()
        hit = _NUMBERED[sql] = (_PLACEHOLDER.sub(number, sql).encode(), tuple(names))
    return hit


class _NoTextForm(Exception):
    pass


def _text(value: Any) -> bytes | None:
    """A parameter in PostgreSQL's text form; the statement casts it (SQLAlchemy writes
    %(x)s::INTEGER and the like), else it is text. Other types: _NoTextForm (the batch then
    runs through SQLAlchemy)."""
    if value is None:
        return None
    if value is True or value is False:
        return b"t" if value else b"f"
    if isinstance(value, (int, float, str, Decimal, date)):  # date: datetime too
        return str(value).encode()
    raise _NoTextForm(type(value).__name__)


@dataclass
class _Named:
    """The statements prepared by name on one server session (one libpq connection)."""
    pgconn: Any
    names: dict[bytes, bytes]  # SQL -> name
    closing: list[bytes]  # names to close with the next batch (their state no longer known)

    def forget(self, closing: list[bytes]) -> None:
        """After a failed batch: every name it closed or used is closed again with the next."""
        self.closing.extend(closing)
        self.closing.extend(self.names.values())
        self.names.clear()


def _named_statements(conn: Connection, pgconn: Any) -> _Named:
    info = conn.connection.info
    named = info.get("portal_named")
    if named is None or named.pgconn is not pgconn:  # a new connection: nothing prepared on it
        named = info["portal_named"] = _Named(pgconn, {}, [])
    return named


def _libpq_pipeline(conn: Connection, jobs: Sequence[Job], compiled: Sequence[_Compiled],
                    setup: str | None) -> list[list[Any]] | None:
    """The rows of each statement; None when the batch is not for this path (a parameter
    without a text form, or too much to send at once)."""
    raw: Any = conn.connection.dbapi_connection
    pgconn = raw.pgconn
    dispatch = conn.dispatch
    named = _named_statements(conn, pgconn)
    if len(named.names) > _KEEP_NAMED:
        named.forget([])
    statements = []
    outgoing = 0
    try:
        for (_stmt, params), c in zip(jobs, compiled):
            bound = c.bind(params)
            sql, order = _numbered(c.sql)
            values = [_text(bound[name]) for name in order]
            outgoing += 64 + sum(len(v) for v in values if v is not None) + (len(sql) if sql not in named.names else 0)
            statements.append((c, bound, sql, values))
    except _NoTextForm:
        return None
    if outgoing > _MAX_SENT:
        return None
    expected = 0  # the results to read: one per command, then the sync
    closing, named.closing = named.closing, []
    try:
        pgconn.nonblocking = 0  # libpq waits in C (see _MAX_SENT: the sending cannot block)
        pgconn.enter_pipeline_mode()
        if pgconn.transaction_status == pq.TransactionStatus.IDLE and not raw.autocommit:
            pgconn.send_query_params(b"BEGIN", None)  # as psycopg does before a first statement
            expected += 1
        for name in closing:
            pgconn.send_close_prepared(name)
            expected += 1
        if setup:
            dispatch.before_cursor_execute(conn, None, setup, {}, None, False)
            pgconn.send_query_params(setup.encode(), None)
            expected += 1
        for c, bound, sql, values in statements:
            name = named.names.get(sql)
            if name is None:
                name = named.names[sql] = f"portal_{len(named.names)}".encode()
                pgconn.send_close_prepared(name)
                pgconn.send_prepare(name, sql)
                expected += 2
            dispatch.before_cursor_execute(conn, None, c.sql, bound, None, False)
            pgconn.send_query_prepared(name, values)
            expected += 1
        pgconn.pipeline_sync()
        answers = _read_pipeline(pgconn, expected)
    except BaseException:
        named.forget(closing)  # what the server holds is no longer known: closed and prepared anew
        raise
    finally:
        try:
            if pgconn.pipeline_status != pq.PipelineStatus.OFF:
                pgconn.exit_pipeline_mode()
        except psycopg.Error as exc:  # results left unread: the connection cannot be trusted
            conn.invalidate(exc)
        pgconn.nonblocking = 1
    failed = next((a for a in answers if a.status not in _RESULTS_OK), None)
    if failed is not None or pgconn.status != pq.ConnStatus.OK:
        named.forget(closing)
        error = (psycopg.errors.error_from_result(failed, encoding=raw.info.encoding) if failed is not None
                 else psycopg.OperationalError("the connection to the server was lost"))
        if conn.dialect.is_disconnect(error, raw, None) or pgconn.status != pq.ConnStatus.OK:
            conn.invalidate(error)
        raise DBAPIError.instance(None, None, error, psycopg.Error, dialect=conn.dialect) from error
    rows_of = [a for a in answers if a.status == pq.ExecStatus.TUPLES_OK]  # the others: BEGIN, SET, Close…
    assert len(rows_of) == len(statements)
    if setup:
        dispatch.after_cursor_execute(conn, None, setup, {}, None, False)
    transformer = Transformer(raw)
    results = []
    for (c, bound, _sql, _values), answer in zip(statements, rows_of):
        transformer.set_pgresult(answer)
        rows = transformer.load_rows(0, answer.ntuples, tuple)
        description = [(None, answer.ftype(i)) for i in range(answer.nfields)]
        dispatch.after_cursor_execute(conn, None, c.sql, bound, None, False)
        results.append(c.process(conn.dialect, _Described(description), rows))
    return results


@dataclass
class _Described:
    description: list[tuple[None, int]]


def _read_pipeline(pgconn: Any, expected: int) -> list[Any]:
    """Every result of a pipeline up to its sync (libpq answers None after each command's)."""
    answers = []
    idle = 0
    while True:
        answer = pgconn.get_result()
        if answer is None:
            idle += 1
            if pgconn.status != pq.ConnStatus.OK or idle > expected + 2:
                return answers
            continue
        idle = 0
        if answer.status == pq.ExecStatus.PIPELINE_SYNC:
            return answers
        answers.append(answer)
