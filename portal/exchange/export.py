"""`portal export-csv DIR`: every tenant's data in the landlord CSV format (csvformat.py),
one file per catalogue category plus portfolios, buildings, dwellings and staff
assignments, and a manifest.json with each file's row count and SHA-256.

Records written in the portal itself have no landlord identifier yet: the export gives
them one (`PORTAL-<table>-<id>`) and keeps it, so that importing the export back into
this database matches them instead of duplicating them."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import Connection, String, cast, func, literal, or_, select, union_all, update

from portal.models._base import utcnow
from portal.bulk import table
from portal import csvsafe
from portal.csvsafe import neutralise
from portal.exchange.csvformat import FILES, SPACES, FileSpec, Part, formatter

FORMAT = "portal-landlord-csv"
VERSION = 1


def backfill_identifiers(conn: Connection) -> int:
    """Give every record without an ext_id a stable one; returns how many."""
    done = 0
    for spec in FILES:
        for part in spec.parts:
            if part.key.name != "ext_id":
                continue
            t = table(part.table)
            result = conn.execute(update(t).where(t.c.ext_id.is_(None))
                                  .values(ext_id=literal(f"PORTAL-{part.table}-") + cast(t.c.id, String)))
            done += result.rowcount or 0
    return done


def _select(part: Part) -> Any:
    """The SELECT giving a part's rows in its columns' order, references as identifiers."""
    t = table(part.table)
    exprs = []
    joins = []
    for col in part.all_columns:
        if col.ref is not None and col.target is not None:
            ref_table, ref_col = SPACES[col.ref]
            alias = table(ref_table).alias(f"ref_{col.name}")
            joins.append((alias, alias.c.id == t.c[col.target]))
            exprs.append(alias.c[ref_col])
        else:
            exprs.append(t.c[col.target])
    stmt = select(*exprs).select_from(t)
    for alias, on in joins:
        stmt = stmt.join_from(t, alias, on, isouter=True)
    if part.table == "users":
        stmt = stmt.where(t.c.role == "tenant", t.c.tenant_id.is_not(None))
    return stmt.order_by(t.c.id)


def _staff_select() -> Any:
    users, b, p = table("users"), table("buildings"), table("portfolios")
    ba, pa = table("building_assignments"), table("portfolio_assignments")
    staff = users.c.role != "tenant"
    by_building = (select(users.c.id.label("uid"), users.c.email, users.c.role, users.c.display_name,
                          b.c.ref.label("building"), literal(None, String).label("portfolio"))
                   .join(ba, ba.c.user_id == users.c.id).join(b, b.c.id == ba.c.building_id).where(staff))
    by_portfolio = (select(users.c.id, users.c.email, users.c.role, users.c.display_name,
                           literal(None, String), p.c.code)
                    .join(pa, pa.c.user_id == users.c.id).join(p, p.c.id == pa.c.portfolio_id).where(staff))
    assigned = or_(users.c.id.in_(select(ba.c.user_id)), users.c.id.in_(select(pa.c.user_id)))
    alone = (select(users.c.id, users.c.email, users.c.role, users.c.display_name, literal(None, String),
                    literal(None, String)).where(staff, ~assigned))
    rows = union_all(by_building, by_portfolio, alone).subquery()
    return select(rows.c.email, rows.c.role, rows.c.display_name, rows.c.building, rows.c.portfolio) \
        .order_by(rows.c.uid, rows.c.building, rows.c.portfolio)


def _write(conn: Connection, spec: FileSpec, target: Path, progress: Callable[[int], None]) -> int:
    header = spec.header()
    count = 0
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(csvsafe.row(header))
        for part in spec.parts:
            cols = part.all_columns
            stmt = _staff_select() if part.file == "staff_assignments" else _select(part)
            positions = [header.index(c.name) for c in cols]
            plan = list(zip(positions, [formatter(c.type) for c in cols]))
            blank = [""] * len(header)
            if spec.multi:
                blank[0] = part.section
            for rows in conn.execute(stmt.execution_options(yield_per=10_000)).partitions():
                out = []
                for row in rows:
                    cells = blank.copy()
                    for (pos, fmt), value in zip(plan, row):
                        cells[pos] = neutralise(fmt(value))  # no live formula (portal/csvsafe.py)
                    out.append(cells)
                writer.writerows(out)
                count += len(out)
                progress(len(out))
    return count


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def count_rows(conn: Connection) -> int:
    """Roughly how many rows the export writes (for the progress bar)."""
    total = 0
    for spec in FILES:
        for part in spec.parts:
            total += conn.scalar(select(func.count()).select_from(table(part.table))) or 0
    return total


def export(conn: Connection, directory: Path, progress: Callable[[int], None] | None = None,
           generated_at: datetime | None = None) -> dict[str, Any]:
    """Write every file and the manifest into `directory`; return the manifest."""
    progress = progress or (lambda _n: None)
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, Any]] = {}
    for spec in FILES:
        target = directory / spec.filename
        rows = _write(conn, spec, target, progress)
        files[spec.filename] = {"rows": rows, "sha256": _sha256(target), "columns": spec.header()}
    manifest = {"format": FORMAT, "version": VERSION,
                "generated_at": (generated_at or utcnow()).isoformat(timespec="seconds") + "Z", "files": files}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
    return manifest
