"""PDF copy benchmark: the naive layout (one HTML table per section, one WeasyPrint pass)
against ours (services/documents: tables for short sections, tab-aligned "ledger"
paragraphs for long ones), on the typical demo file (Camille) and on a heavy file
(twenty years of monthly rent calls and payments, hundreds of incidents and notes, a
long access log) built in a throwaway SQLite database.

Each render runs in its own subprocess, so peak memory (ru_maxrss) is that render's.
Both PDFs are checked to contain every displayed value of the snapshot.

    python benchmarks/bench_pdf.py            # prints a table; exit 1 if a target is missed
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NAIVE_TEMPLATE = """<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8">
<style>@page { size: A4; margin: 18mm 20mm; @bottom-right { content: counter(page) " / " counter(pages); } }
html { font-family: "DejaVu Sans"; font-size: 8.5pt; }
table { width: 100%; border-collapse: collapse; font-size: 7.5pt; }
th, td { border-bottom: .4pt solid #ccc; padding: .8mm 1.5mm; text-align: left; vertical-align: top; }
</style></head><body><h1>{{ d.full_name }}</h1>
{% for c in d.categories %}<h2>{{ c.title }}</h2>
<p>{{ c.info.purpose }} — {{ c.info.legal_basis }} — {{ c.info.recipients|join("; ") }} — {{ c.info.retention }} — {{ c.info.source }}</p>
{% for s in c.sections %}<h3>{{ s.title }}</h3><table><thead><tr>{% for f in s.fields %}<th>{{ f.label }}</th>{% endfor %}</tr></thead>
<tbody>{% for r in s.rows %}<tr>{% for f in s.fields %}<td>{{ fmt(r.values.get(f.key), f) }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% endfor %}{% endfor %}</body></html>"""


def make_app(db_path: Path):
    os.environ["PORTAL_INSTANCE_PATH"] = str(db_path.parent / "instance")
    from portal import create_app

    return create_app({"DATABASE_URL": f"sqlite:///{db_path}", "TESTING": True,
                       "SECRET_KEY": "bench", "REQUIRE_STAFF_2FA": False, "DEMO_MODE": True,
                       "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1})


def build_database(db_path: Path) -> None:
    """Demo data, plus a heavy file for Karim (LOC-000202)."""
    from sqlalchemy import select

    from portal import schema
    from portal.db import Database
    from portal.models import Incident, Note, Tenant
    from portal.models.money import Payment, RentCall
    from portal.audit import chain as audit
    from portal.devdata import demo

    app = make_app(db_path)
    with app.app_context():
        state = Database.state(app)
        with state.engine.begin() as conn:
            schema.upgrade(connection=conn)
        session = state.factory()
        demo.load(session, app.config)
        session.commit()
        rnd = random.Random(7)
        karim = session.scalar(select(Tenant).where(Tenant.tenant_number == "LOC-000202"))
        building_id = karim.lease.dwelling.building_id
        start = date(2006, 1, 1)
        for m in range(240):
            period = date(start.year + m // 12, m % 12 + 1, 1)
            session.add(RentCall(lease_id=karim.lease_id, period=period, rent_cents=48000 + m * 90,
                                 charges_cents=11000 + m * 20, issued_on=period - timedelta(days=5)))
            session.add(Payment(lease_id=karim.lease_id, paid_on=period + timedelta(days=rnd.randint(1, 9)),
                                amount_cents=59000 + m * 110 - rnd.randint(0, 3) * 1000,
                                method=rnd.choice(["transfer", "direct_debit", "caf", "cheque"]),
                                reference=f"VIR-H{m:04d}-{rnd.randint(1000, 9999)}"))
        for n in range(300):
            day = start + timedelta(days=n * 24)
            session.add(Incident(building_id=building_id, dwelling_id=karim.lease.dwelling_id,
                                 tenant_id=karim.id, kind=rnd.choice(["technical", "neighbourhood"]),
                                 reported_on=day, title=f"Signalement n°{n} — {rnd.choice(['fuite', 'bruit', 'ascenseur', 'chauffage'])}",
                                 description=f"Description détaillée de l'incident {n} : intervention de l'entreprise, "
                                             f"passage du gardien le {day:%d/%m/%Y}, suite donnée et délai constaté.",
                                 status="closed" if n < 290 else "open",
                                 closed_on=day + timedelta(days=12) if n < 290 else None))
        for n in range(300):
            session.add(Note(tenant_id=karim.id, author_name="Service gestion locative",
                             created_at=datetime.combine(start + timedelta(days=n * 24), dtime(9, 30)),
                             body=f"Note de suivi {n} : échange avec le locataire au sujet du dossier, "
                                  f"rappel des échéances et orientation vers le bon service. Référence {n:05d}."))
        session.commit()
        for n in range(250):
            audit.record(session, None, "manager", "read", tenant_id=karim.id,
                         categories=["identity", "payments", "incidents"], purpose="Suivi du dossier")
        session.commit()
        session.close()


def one(db_path: Path, who: str, how: str, out: Path) -> None:
    """Child process: render one file one way; print a JSON line of measurements."""
    from flask_babel import force_locale
    from sqlalchemy import select

    from portal import formatting, pdf
    from portal.db import db
    from portal.models import Tenant
    from portal.file import pdf_copy as documents

    app = make_app(db_path)
    number = {"typical": "LOC-000101", "heavy": "LOC-000202"}[who]
    with app.test_request_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.tenant_number == number))
        snapshot = documents.snapshot_for(db.session, tenant, "fr", app.config)
        # A server process imports WeasyPrint once; time the render, not the import.
        import weasyprint  # noqa: F401

        t0 = time.perf_counter()
        if how == "ours":
            content = documents.render_copy(snapshot, "fr", app.config)
        else:
            with force_locale("fr"):
                html = app.jinja_env.from_string(NAIVE_TEMPLATE).render(
                    d=snapshot, lang="fr",
                    fmt=lambda v, f: formatting.format_value(v, f.type, "fr", f.choices))
            content = pdf.render(html, variant=None)
        seconds = time.perf_counter() - t0
        values = [formatting.format_value(r.values.get(f.key), f.type, "fr", f.choices)
                  for c in snapshot.categories for s in c.sections for r in s.rows for f in s.fields]
    out.write_bytes(content)
    from pypdf import PdfReader

    reader = PdfReader(str(out))
    text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))
    missing = [v for v in values if v and re.sub(r"\s+", "", v) not in text]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "pages": len(reader.pages), "peak_mb": peak_mb,
                      "values": len([v for v in values if v]), "missing": len(missing),
                      "example_missing": missing[:3], "rows": documents.row_count(snapshot)}))


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    db_path = tmp / "bench.db"
    print("building the heavy file…", file=sys.stderr)
    build_database(db_path)
    results = {}
    for who in ("typical", "heavy"):
        for how in ("naive", "ours"):
            print(f"rendering {who} / {how}…", file=sys.stderr)
            out = tmp / f"{who}-{how}.pdf"
            proc = subprocess.run([sys.executable, __file__, "--one", str(db_path), who, how, str(out)],
                                  capture_output=True, text=True, cwd=ROOT)
            if proc.returncode:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 2
            results[(who, how)] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"\n{'file':8} {'layout':6} {'rows':>6} {'pages':>6} {'seconds':>8} {'ratio':>6} "
          f"{'peak MB':>8} {'values':>7} {'missing':>8}")
    ok = True
    for who in ("typical", "heavy"):
        naive = results[(who, "naive")]["seconds"]
        for how in ("naive", "ours"):
            r = results[(who, how)]
            ratio = naive / r["seconds"]
            print(f"{who:8} {how:6} {r['rows']:>6} {r['pages']:>6} {r['seconds']:>8.2f} {ratio:>5.1f}× "
                  f"{r['peak_mb']:>8.0f} {r['values']:>7} {r['missing']:>8}")
            if r["missing"]:
                print(f"         missing e.g. {r['example_missing']}")
    heavy = results[("heavy", "ours")]
    speedup = results[("heavy", "naive")]["seconds"] / heavy["seconds"]
    checks = {"heavy file > 40 pages": heavy["pages"] > 40,
              "ours ≥ 3× faster on the heavy file": speedup >= 3,
              "ours < 300 MB peak": heavy["peak_mb"] < 300,
              "ours shows every value": all(results[(w, "ours")]["missing"] == 0 for w in ("typical", "heavy"))}
    print()
    for name, passed in checks.items():
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
        ok &= passed
    print(f"\nPDFs kept in {tmp}")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        one(Path(sys.argv[2]), sys.argv[3], sys.argv[4], Path(sys.argv[5]))
    else:
        sys.exit(main())
