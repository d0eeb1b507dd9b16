"""Bulk writes for loads of millions of rows (seed-scale, CSV import).

One connection, one transaction, rows as plain tuples: the driver's `executemany` on
SQLite, `COPY … FROM STDIN` on PostgreSQL (psycopg 3). No ORM object per row. Values
are prepared once for both databases: dates and timestamps as ISO strings in the form
SQLAlchemy itself stores on SQLite (`sql_date`, `sql_datetime`), booleans as bool,
JSON as its text.

On SQLite the load runs with a rollback journal instead of WAL (a transaction that adds
gigabytes would otherwise be written twice, once in the WAL and once at checkpoint),
`synchronous=OFF` and foreign-key checks off (the loaders build consistent data and
the checks cost a lookup per row). The settings are restored afterwards. The caller
must hold the only connection to the database while it runs.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import Engine, Index, Table
from sqlalchemy.schema import CreateIndex

from portal.db import Base


def sql_date(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def sql_datetime(dt: datetime | None) -> str | None:
    # SQLAlchemy's SQLite DATETIME storage format; PostgreSQL parses it as well.
    return None if dt is None else dt.strftime("%Y-%m-%d %H:%M:%S.%f")


def sql_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def table(name: str) -> Table:
    return Base.metadata.tables[name]


class Loader:
    """Insert, update and read within the load's single transaction."""

    def __init__(self, engine: Engine, raw: Any) -> None:
        self.engine = engine  # the audit chain's key is found by engine (audit/chain.py)
        self.dialect = engine.dialect
        self.is_pg = engine.dialect.name == "postgresql"
        self.raw = raw
        self.touched: set[str] = set()
        self.driver_errors: tuple[type[BaseException], ...] = (engine.dialect.loaded_dbapi.Error,)
        self._dropped: list[Index] = []

    def _ph(self, n: int) -> str:
        return ", ".join(["%s" if self.is_pg else "?"] * n)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run a SELECT written with `?` placeholders; return every row."""
        cur = self.raw.cursor()
        cur.execute(sql.replace("?", "%s") if self.is_pg else sql, tuple(params))
        rows = cur.fetchall()
        cur.close()
        return rows

    def next_id(self, name: str) -> int:
        return int(self.query(f"SELECT COALESCE(MAX(id), 0) FROM {name}")[0][0]) + 1  # nosec B608 - identifiers come from the model metadata, never from input; values are bound

    def insert(self, name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
        """Insert the rows (tuples in `columns` order); return how many."""
        if not rows:
            return 0
        self.touched.add(name)
        cur = self.raw.cursor()
        cols = ", ".join(columns)
        if self.is_pg:
            with cur.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.executemany(f"INSERT INTO {name} ({cols}) VALUES ({self._ph(len(columns))})", rows)  # nosec B608 - identifiers come from the model metadata, never from input; values are bound
        cur.close()
        return len(rows)

    def update(self, name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
        """UPDATE name SET columns… WHERE id = the last value of each row."""
        if not rows:
            return 0
        ph = "%s" if self.is_pg else "?"
        sets = ", ".join(f"{c} = {ph}" for c in columns)
        cur = self.raw.cursor()
        cur.executemany(f"UPDATE {name} SET {sets} WHERE id = {ph}", rows)  # nosec B608 - identifiers come from the model metadata, never from input; values are bound
        cur.close()
        return len(rows)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        cur = self.raw.cursor()
        cur.execute(sql.replace("?", "%s") if self.is_pg else sql, tuple(params))
        cur.close()

    def drop_indexes(self, names: Iterable[str]) -> None:
        """Drop the plain (non-unique) indexes of these tables until the load ends:
        building an index once over sorted data is cheaper than updating it per row."""
        for name in names:
            for index in table(name).indexes:
                if not index.unique:
                    self.execute(f"DROP INDEX IF EXISTS {index.name}")
                    self._dropped.append(index)

    def restore_indexes(self) -> None:
        for index in self._dropped:
            self.execute(str(CreateIndex(index).compile(dialect=self.dialect)))
        self._dropped.clear()

    def fix_sequences(self) -> None:
        """PostgreSQL: explicit ids leave the id sequences behind; move them on."""
        if not self.is_pg:
            return
        for name in sorted(self.touched):
            self.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # nosec B608 - identifiers come from the model metadata, never from input; values are bound
                         f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)")


def _analyze(raw: Any, is_pg: bool) -> None:
    """Fresh planner statistics after a bulk load. Without them the planner guesses from a
    nearly empty database: at 300,000 tenants SQLite picked scans that made the tenant
    page twice as slow, and PostgreSQL (whose autovacuum gets there minutes later) worse."""
    if is_pg:
        cur = raw.cursor()
        cur.execute("ANALYZE")
        cur.close()
        raw.commit()
    else:
        raw.execute("PRAGMA analysis_limit=1000")  # sampled: seconds, not minutes, on gigabytes
        raw.execute("ANALYZE")


@contextmanager
def loading(engine: Engine) -> Iterator[Loader]:
    """A Loader over one connection and one transaction: committed when the block ends,
    rolled back (nothing written) when it raises."""
    is_pg = engine.dialect.name == "postgresql"
    if not is_pg:
        # Idle pooled connections would keep SQLite from leaving WAL mode for the load.
        engine.dispose()
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        if is_pg:
            cur = raw.cursor()
            cur.execute("SET LOCAL synchronous_commit = off")
            # The portal's connections plan each statement for its values (portal/db.py).
            # The foreign-key checks of COPY are prepared statements run once per row:
            # planned afresh each time, a 300,000-tenant load took 330 s instead of ~180.
            cur.execute("SET LOCAL plan_cache_mode = auto")
            cur.close()
        else:
            # The rollback journal only copies pages that existed before the load: a
            # load into a (nearly) empty database writes each page once.
            try:
                raw.execute("PRAGMA journal_mode=DELETE")
            except engine.dialect.loaded_dbapi.OperationalError:
                pass  # another process has the file open: load in WAL mode, only slower
            for pragma in ("synchronous=OFF", "foreign_keys=OFF", "cache_size=-400000", "temp_store=MEMORY"):
                raw.execute(f"PRAGMA {pragma}")
            raw.execute("BEGIN")
        loader = Loader(engine, raw)
        try:
            yield loader
            loader.restore_indexes()
            loader.fix_sequences()
            raw.commit() if is_pg else raw.execute("COMMIT")
            _analyze(raw, is_pg)
        except BaseException:
            raw.rollback() if is_pg else raw.execute("ROLLBACK")
            raise
        finally:
            if is_pg:
                conn.invalidate()
            else:
                for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "cache_size=-2000"):
                    try:
                        raw.execute(f"PRAGMA {pragma}")
                    except engine.dialect.loaded_dbapi.OperationalError:
                        pass
