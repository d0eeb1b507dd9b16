"""Bulk data benchmarks: seed-scale, export-csv, import into an empty database, and the
same import again (idempotent: nothing changes), measured in one run with the real
`portal` commands on fresh databases.

    python benchmarks/bench_import.py [--sizes 1000,300000] [--dbs sqlite,postgresql]

Not part of the test run. Targets (issues 8 and 10): seed-scale of 300,000 tenants in
under 5 minutes on this 2-core machine; importing 300,000 tenants' files in minutes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (create_pg_database, print_table, run_portal, start_postgres,  # noqa: E402
                                stop_postgres, tmpdir)


def _timed(args: list[str], url: str, instance: Path) -> float:
    started = time.perf_counter()
    run_portal(args, url, instance)
    return time.perf_counter() - started


def measure(db: str, tenants: int, work: Path, pg_server: str | None) -> list[object]:
    base = work / f"{db}-{tenants}"
    base.mkdir(parents=True, exist_ok=True)
    if db == "postgresql":
        source = create_pg_database(pg_server, f"bench_src_{tenants}")
        target = create_pg_database(pg_server, f"bench_dst_{tenants}")
    else:
        source, target = f"sqlite:///{base / 'source.db'}", f"sqlite:///{base / 'target.db'}"
    run_portal(["init-db"], source, base / "inst-src")
    seed = _timed(["seed-scale", "--tenants", str(tenants), "--seed", "11"], source, base / "inst-src")
    files = base / "csv"
    export = _timed(["export-csv", str(files)], source, base / "inst-src")
    rows = sum(f["rows"] for f in json.loads((files / "manifest.json").read_text())["files"].values())
    run_portal(["init-db"], target, base / "inst-dst")
    first = _timed(["import", str(files)], target, base / "inst-dst")
    again = _timed(["import", str(files)], target, base / "inst-dst")
    return [db, f"{tenants:,}", f"{rows:,}", f"{seed:.1f}", f"{export:.1f}", f"{first:.1f}",
            f"{rows / first:,.0f}", f"{again:.1f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,300000")
    parser.add_argument("--dbs", default="sqlite,postgresql")
    args = parser.parse_args()
    work = tmpdir("bench-import-")
    dbs = args.dbs.split(",")
    pg_server = start_postgres(work / "pg") if "postgresql" in dbs else None
    table = []
    try:
        for db in dbs:
            for n in (int(x) for x in args.sizes.split(",")):
                print(f"{db}, {n:,} tenants…", file=sys.stderr)
                table.append(measure(db, n, work, pg_server))
    finally:
        if pg_server:
            stop_postgres(work / "pg")
    print_table(["database", "tenants", "CSV rows", "seed-scale s", "export-csv s", "import s",
                 "import rows/s", "re-import s (no change)"], table)


if __name__ == "__main__":
    main()
