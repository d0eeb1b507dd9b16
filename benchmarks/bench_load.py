"""Load benchmark: the portal under gunicorn (2 workers) driven from loopback by wrk for a
bounded time. Prints requests per second and error rate of the main pages next to the
baseline page (a 50-row table from the same database): baseline and page alternate three
times, 5 s each, and the ratio is the median of the three rounds'.
Target: main pages at least half the baseline's throughput, zero errors. Then a mixed run:
audited staff reads (each writes an audit entry), searches and a tenant's pages at once,
which on SQLite must all be answered without "database is locked" (zero errors).

    python benchmarks/bench_load.py                 # SQLite, 1,000 tenants
    python benchmarks/bench_load.py --db postgresql --seconds 10 --rounds 3 --tenants 1000

Needs wrk (Debian package `wrk`; installed here when run as root)."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from statistics import median
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (  # noqa: E402
    ROOT, create_pg_database, prepare, print_table, start_postgres, stop_postgres, tmpdir,
)

PAGES = [
    ("baseline (50-row table)", "camille.martin@example.org", "/_bench/baseline"),
    ("/me", "camille.martin@example.org", "/me"),
    ("/me/export.json", "camille.martin@example.org", "/me/export.json"),
    ("/staff/requests", "dpo@example.org", "/staff/requests"),
    ("/staff/tenants?q=Martin", "dpo@example.org", "/staff/tenants?q=Martin"),
    ("/staff/tenants/<id> (audited read)", "gardien.lilas@example.org", "/staff/tenants/{camille}"),
    ("/healthz", None, "/healthz"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def login_cookie(base: str, email: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    data = {"email": email, "password": "demo-portal-2026"}
    if token:
        data["csrf_token"] = token.group(1)
    opener.open(base + "/login", urlencode(data).encode())
    return "; ".join(f"{c.name}={c.value}" for c in jar)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect (to /login) is an answer, not a page
        return None


def check_page(url: str, cookie: str | None) -> None:
    """The page answers 200 with this cookie: wrk counts a redirect to the login page as a
    success, and a benchmark of that would measure nothing."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        status = urllib.request.build_opener(_NoRedirect).open(request, timeout=10).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        raise SystemExit(f"{url}: HTTP {status} before the run (not logged in?)")


def camille_id(base: str, cookie: str) -> int:
    """Camille Martin's tenant id, as the staff search links to her file."""
    request = urllib.request.Request(base + "/staff/tenants?q=LOC-000101", headers={"Cookie": cookie})
    page = urllib.request.urlopen(request, timeout=10).read().decode()
    return int(re.search(r'/staff/tenants/(\d+)', page).group(1))


def _wrk_cmd(url: str, cookie: str | None, seconds: int, connections: int = 8) -> list[str]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    return cmd


def wrk(url: str, cookie: str | None, seconds: int) -> tuple[float, int, int]:
    out = subprocess.run(_wrk_cmd(url, cookie, seconds), capture_output=True, text=True, check=True).stdout
    return _parse(out)


def wrk_together(runs: list[tuple[str, str | None]], seconds: int) -> list[tuple[float, int, int]]:
    """Several wrk at once (4 connections each): writers and readers side by side."""
    procs = [subprocess.Popen(_wrk_cmd(url, cookie, seconds, 4), stdout=subprocess.PIPE, text=True)
             for url, cookie in runs]
    return [_parse(p.communicate()[0]) for p in procs]


def _parse(out: str) -> tuple[float, int, int]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors += sum(int(x) for x in sock.groups())
    return rps, total, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="baseline/page alternations per page")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        if os.geteuid() == 0:
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
        else:
            raise SystemExit("wrk is missing: sudo apt-get install wrk")
    work = tmpdir("bench-load-")
    pg = start_postgres(work / "pg") if args.db == "postgresql" else None
    instance = work / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("BENCHMARK_BASELINE = True\nREQUIRE_STAFF_2FA = False\nDEMO_MODE = True\n"
                                        "RATELIMIT_ENABLED = False\n")
    url = f"sqlite:///{work}/load.db" if pg is None else create_pg_database(pg, "bench_load")
    print(f"preparing {args.db} with {args.tenants:,} tenants…", flush=True)
    prepare(url, instance, args.tenants)
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, PORTAL_INSTANCE_PATH=str(instance),
               SECRET_KEY="load-benchmark-secret-key-0123456789")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "portal:create_app()"], cwd=ROOT, env=env,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        cookies = {email: login_cookie(base, email) for _l, email, _u in PAGES if email}
        camille = camille_id(base, cookies["dpo@example.org"])
        pages_here = [(label, email, path.format(camille=camille)) for label, email, path in PAGES]
        # Each page is driven right after the baseline and compared with that run: on a
        # shared machine the baseline alone drifts by a quarter from one minute to the next.
        (_label, base_email, base_path), pages = pages_here[0], pages_here[1:]
        check_page(base + base_path, cookies.get(base_email))
        wrk(base + base_path, cookies.get(base_email), 2)  # warm-up: connections, caches
        baselines = []
        for label, email, path in pages:
            check_page(base + path, cookies.get(email))
            # Baseline and page alternate, `rounds` times: the ratio is the median of each
            # round's, so a drift of the machine during one run does not decide it.
            runs = []
            for _round in range(args.rounds):
                base_run = wrk(base + base_path, cookies.get(base_email), args.seconds)
                baselines.append(base_run)
                runs.append((wrk(base + path, cookies.get(email), args.seconds), base_run[0]))
            rps, base_rps = median([r[0][0] for r in runs]), median([r[1] for r in runs])
            ratio = median([r[0][0] / r[1] for r in runs])
            total, errors = sum(r[0][1] for r in runs), sum(r[0][2] for r in runs)
            ok = "ok" if ratio >= 0.5 and errors == 0 else "MISS"
            rows.append((label, f"{rps:,.0f}", f"{base_rps:,.0f}", f"{ratio:.2f}",
                         " / ".join(f"{r[0][0] / r[1]:.2f}" for r in runs), f"{total:,}", errors,
                         f"{100 * errors / max(total, 1):.2f}%", ok))
        mixed = [("/staff/tenants/<id> (audited read)", "gardien.lilas@example.org"),
                 ("/staff/tenants?q=Martin", "dpo@example.org"), ("/me", "camille.martin@example.org")]
        paths = {label: path for label, _e, path in pages_here}
        together = wrk_together([(base + paths[label], cookies[email]) for label, email in mixed], args.seconds)
        mixed_rows = [(f"{label} (mixed)", f"{rps:,.0f}", f"{total:,}", errors,
                       f"{100 * errors / max(total, 1):.2f}%", "ok" if errors == 0 else "MISS")
                      for (label, _e), (rps, total, errors) in zip(mixed, together)]
        base_errors = sum(b[2] for b in baselines)
        base_total = sum(b[1] for b in baselines)
        rows.insert(0, (PAGES[0][0], f"{median([b[0] for b in baselines]):,.0f} (median)", "", "1.00", "",
                        f"{base_total:,}", base_errors, f"{100 * base_errors / max(base_total, 1):.2f}%",
                        "ok" if base_errors == 0 else "MISS"))
    finally:
        server.terminate()
        server.wait(10)
        if pg:
            stop_postgres(work / "pg")
    print()
    print(f"gunicorn 2 workers, wrk 2 threads × 8 connections, {args.rounds} rounds of {args.seconds} s "
          f"(baseline, then the page) per page, {args.db}, {args.tenants:,} tenants; medians of the rounds")
    print_table(["page", "req/s", "baseline req/s (runs just before)", "× baseline", "each round", "requests",
                 "errors", "error rate", "target"], rows)
    print()
    print(f"mixed: the three pages at once, 4 connections each, {args.seconds} s")
    print_table(["page", "req/s", "requests", "errors", "error rate", "target"], mixed_rows)


if __name__ == "__main__":
    main()
