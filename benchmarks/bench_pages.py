"""Page benchmark: every main page against a baseline measured in the same run.

For each database (SQLite, PostgreSQL) and size (1,000 and 300,000 tenants by default) a
fresh database is built with the real commands (init-db, demo, seed-scale), then each
page is requested REPEAT times in-process (Flask test client, server-side cost only) and
reported as median and p95 in milliseconds and as a ratio to the baseline view (a 50-row
table from the same database, same layout). Targets (issue #19): `/me` ≤ 5× the
baseline, the other pages ≤ 3×, and cost at the large size ≤ 1.5× the cost at the small size. Each page is
timed in turn with the baseline; the growth judged is that of its ratio to the baseline
(the raw growth in ms is printed too).

    python benchmarks/bench_pages.py                       # 1000 and 300000, both databases
    python benchmarks/bench_pages.py --sizes 1000 --dbs sqlite --repeat 20
    python benchmarks/bench_pages.py --keep /tmp/bench --pages requests   # seed once, reuse

With --keep DIR the seeded databases (SQLite files, the PostgreSQL cluster, their instance
folders) stay in DIR and later runs with the same DIR reuse them instead of seeding again
(300,000 tenants take minutes to seed); the PostgreSQL server is stopped, not removed, at
the end. --pages keeps the pages whose label contains one of its comma-separated words.
--clock cpu times this process's CPU instead of the wall clock (SQLite only).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (  # noqa: E402
    create_pg_database, median, percentile, pause_postgres, prepare, print_table, resume_postgres, start_postgres,
    stop_postgres, tmpdir,
)

# (label, who, url or callable(ids) -> url, target ratio to baseline)
PAGES = [
    ("/me typical tenant", "typical", "/me", 5.0),  # issue #19: /me at most 5x, whatever the tenant
    ("/me heavy tenant", "heavy", "/me", 5.0),
    ("/staff/requests first page (open)", "dpo", "/staff/requests", 3.0),
    ("/staff/requests overdue", "dpo", "/staff/requests?overdue=1", 3.0),
    ("/staff/requests all, by due date", "dpo", "/staff/requests?status=all", 3.0),
    ("/staff/tenants?q= name", "dpo", "/staff/tenants?q=Martin", 3.0),
    ("/staff/tenants?q= tenant number", "dpo", "/staff/tenants?q=LOC-000202", 3.0),
    ("/me/export.json", "typical", "/me/export.json", 3.0),
]


def _login(client, user) -> None:
    with client.session_transaction() as s:
        s.clear()
        s["_user_id"] = user.get_id()
        s["_fresh"] = True
        s["lang"] = "fr"


# Wall-clock time by default. --clock cpu times the CPU of this process instead: less
# sensitive to a machine shared with other work, and complete for SQLite (the database
# runs in the process) but not for PostgreSQL (its work is done by the server).
CLOCK = time.perf_counter


def _time(client, url: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = CLOCK()
        response = client.get(url)
        out.append((CLOCK() - t0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    return out


def measure(url_db: str, instance: Path, repeat: int, pages: list[tuple[str, str, str, float]]
            ) -> dict[str, tuple[float, float, float]]:
    """label -> (median ms, p95 ms, ratio to the baseline timed alongside)."""
    from sqlalchemy import func, select

    from portal import create_app
    from portal.db import Database
    from portal.models import Payment, Tenant, User

    os.environ["PORTAL_INSTANCE_PATH"] = str(instance)
    app = create_app({"DATABASE_URL": url_db, "BENCHMARK_BASELINE": True, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "REQUIRE_STAFF_2FA": False, "DEMO_MODE": True,
                      "SECRET_KEY": "benchmark-secret-key-0123456789"})
    import logging

    logging.getLogger("portal.requests").setLevel(logging.WARNING)  # a line per request is noise here
    with app.app_context():
        s = Database.state(app).factory()
        users = {
            "typical": s.scalar(select(User).where(User.email == "camille.martin@example.org")),
            "dpo": s.scalar(select(User).where(User.email == "dpo@example.org")),
        }
        # The heavy tenant: the lease with the most payments (set-up only, not timed).
        heavy_lease = s.execute(select(Payment.lease_id, func.count()).group_by(Payment.lease_id)
                                .order_by(func.count().desc()).limit(1)).first()[0]
        heavy = s.scalar(select(User).join(Tenant, Tenant.id == User.tenant_id)
                         .where(Tenant.lease_id == heavy_lease).limit(1))
        users["heavy"] = heavy or users["typical"]
        s.close()
    client = app.test_client()
    results: dict[str, tuple[float, float, float]] = {}
    bases: list[float] = []
    # Each page is timed in turn with the baseline (page, baseline, page, baseline…), and
    # its ratio is to the baseline timed alongside it: the machine's speed drifts over a
    # run of several minutes (other work on the host), and both see the same drift.
    for label, who, url, _target in pages:
        _login(client, users[who])
        _time(client, url, 3)  # warm-up (template compilation, caches)
        _time(client, "/_bench/baseline", 3)
        page, base = [], []
        for _ in range(repeat):
            page += _time(client, url, 1)
            base += _time(client, "/_bench/baseline", 1)
        # The ratio is the median of each page time over the baseline time next to it.
        results[label] = (median(page), percentile(page, 95), median([p / b for p, b in zip(page, base)]))
        bases += base
    results["baseline (50-row table)"] = (median(bases), percentile(bases, 95), 1.0)
    Database.state(app).engine.dispose()
    return results


def _selected(words: str) -> list[tuple[str, str, str, float]]:
    if not words:
        return PAGES
    return [page for page in PAGES if any(w in page[0] for w in words.split(","))]


def _database(db: str, n: int, work: Path, pg_server: str | None, keep: bool) -> tuple[str, Path, float | None]:
    """(URL, instance folder, seconds of seeding or None when a kept database is reused)."""
    instance = work / f"inst-{db}-{n}"
    url = (f"sqlite:///{work}/{db}-{n}.db" if db == "sqlite"
           else pg_server.rsplit("/", 1)[0] + f"/bench_{n}")
    seeded = work / f"seeded-{db}-{n}"  # written once the seeding finished
    if keep and seeded.exists():
        return url, instance, None
    instance.mkdir(exist_ok=True)
    if db == "sqlite":
        Path(f"{work}/{db}-{n}.db").unlink(missing_ok=True)
    else:
        url = create_pg_database(pg_server, f"bench_{n}")
    seconds = prepare(url, instance, n)
    seeded.write_text(f"{seconds:.1f}\n")
    return url, instance, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,300000")
    parser.add_argument("--dbs", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--keep", metavar="DIR", help="seed into DIR once and reuse it in later runs")
    parser.add_argument("--pages", default="", help="only the pages whose label contains one of these words")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall-clock time, or this process's CPU time (SQLite only: see CLOCK)")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    sizes = [int(x) for x in args.sizes.split(",")]
    dbs = args.dbs.split(",")
    pages = _selected(args.pages)
    if args.keep:
        work = Path(args.keep)
        work.mkdir(parents=True, exist_ok=True)
        work.chmod(0o755)  # the postgres user must reach a cluster inside it
    else:
        work = tmpdir("bench-pages-")
    pg_server = None
    if "postgresql" in dbs:
        pg_server = (resume_postgres(work / "pg") if args.keep and (work / "pg" / "port").exists()
                     else start_postgres(work / "pg"))
    table = []
    seeding = []
    load = []
    try:
        for db in dbs:
            per_size: dict[int, dict[str, tuple[float, float, float]]] = {}
            for n in sizes:
                print(f"{db}, {n:,} tenants: preparing…", flush=True)
                url, instance, seconds = _database(db, n, work, pg_server, bool(args.keep))
                seeding.append((db, f"{n:,}", "reused" if seconds is None else f"{seconds:.1f}"))
                print(f"{db}, {n:,} tenants: measuring…", flush=True)
                before = os.getloadavg()[0]
                per_size[n] = measure(url, instance, args.repeat, pages)
                load.append((db, f"{n:,}", f"{before:.1f}", f"{os.getloadavg()[0]:.1f}"))
            small = per_size[sizes[0]]
            for n in sizes:
                res = per_size[n]
                ordered = ["baseline (50-row table)"] + [label for label, *_rest in pages]
                for label in ordered:
                    med, p95, ratio = res[label]
                    target = next((t for lbl, _w, _u, t in pages if lbl == label), None)
                    first = n == sizes[0]
                    growth = med / small[label][0] if not first else 1.0
                    # The growth judged is that of the cost relative to the baseline (ratio
                    # at this size / ratio at the small size): the sizes are measured
                    # minutes apart, and the raw times move with the machine.
                    relative = ratio / small[label][2] if not first else 1.0
                    ok = "" if target is None else ("ok" if ratio <= target and relative <= 1.5 else "MISS")
                    table.append((db, f"{n:,}", label, f"{med:.1f}", f"{p95:.1f}", f"{ratio:.2f}",
                                  f"{growth:.2f}", f"{relative:.2f}", ok))
    finally:
        if pg_server:
            (pause_postgres if args.keep else stop_postgres)(work / "pg")
    print()
    print_table(["database", "tenants", "page", "median ms", "p95 ms", "× baseline",
                 f"ms × at {sizes[0]:,}", f"× baseline, × at {sizes[0]:,}", "target"], table)
    print()
    print_table(["database", "tenants", "seed-scale seconds"], seeding)
    print()
    print_table(["database", "tenants", "load average before", "after"], load)


if __name__ == "__main__":
    main()
