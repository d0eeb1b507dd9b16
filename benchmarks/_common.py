"""Shared helpers for the page and load benchmarks: throwaway databases, seeding through
the real `portal` commands, and a small statistics table printer."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

ROOT = Path(__file__).resolve().parents[1]
PORTAL = [sys.executable, "-m", "flask", "--app", "portal"]


def run_portal(args: Sequence[str], url: str, instance: Path, quiet: bool = True) -> None:
    env = dict(os.environ, DATABASE_URL=url, PORTAL_INSTANCE_PATH=str(instance))
    subprocess.run(PORTAL + list(args), cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL if quiet else None)


def start_postgres(workdir: Path) -> str:
    out = subprocess.run([str(ROOT / "scripts/pg-throwaway"), "start", str(workdir)], check=True,
                         capture_output=True, text=True).stdout.strip()
    return out.splitlines()[-1]


def stop_postgres(workdir: Path) -> None:
    subprocess.run([str(ROOT / "scripts/pg-throwaway"), "stop", str(workdir)], check=False)


def pause_postgres(workdir: Path) -> None:
    """Stop the server, keep its data (bench_pages --keep)."""
    subprocess.run([str(ROOT / "scripts/pg-throwaway"), "pause", str(workdir)], check=False)


def resume_postgres(workdir: Path) -> str:
    """Start a paused server again on its port; its URL."""
    subprocess.run([str(ROOT / "scripts/pg-throwaway"), "resume", str(workdir)], check=True)
    port = (workdir / "port").read_text().strip()
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"


def create_pg_database(server_url: str, name: str) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def prepare(url: str, instance: Path, tenants: int, log=print) -> float:
    """init-db + demo + seed-scale; returns the seeding time in seconds."""
    import time

    run_portal(["init-db"], url, instance)
    run_portal(["demo"], url, instance)
    extra = max(0, tenants - 5)
    started = time.perf_counter()
    if extra:
        log(f"  seeding {extra:,} tenants…")
        run_portal(["seed-scale", "--tenants", str(extra), "--seed", "7"], url, instance)
    seconds = time.perf_counter() - started
    if url.startswith("postgresql"):
        # Not timed: let the measurements find a settled database rather than race the
        # autovacuum that a 20-million-row load sets off (docs/deploy.md, after a bulk load).
        from sqlalchemy import create_engine, text

        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
        engine.dispose()
    return seconds


def percentile(values: Iterable[float], pct: float) -> float:
    data = sorted(values)
    if not data:
        return float("nan")
    k = (len(data) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = "  ".join("-" * w for w in widths)
    print("  ".join(h.ljust(w) for h, w in zip(cells[0], widths)))
    print(line)
    for r in cells[1:]:
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))


def tmpdir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)  # the postgres user must reach a cluster inside it
    return path
