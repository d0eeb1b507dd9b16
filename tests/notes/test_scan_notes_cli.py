"""`portal scan-notes`: the report over everything stored, and --flag."""

from __future__ import annotations

import csv

from sqlalchemy import select

from portal.models import Incident, Note
from portal.notes.commands import count_rows, iter_rows
from portal.devdata.demo import SENSITIVE_NOTES
from tests.notes.helpers import camille


def _csv(path):
    with (path / "flagged_notes.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_scan_notes_writes_the_csv_and_summary_with_the_demo_sensitive_notes(runner, session, tmp_path):
    out = tmp_path / "report"
    result = runner.invoke(args=["scan-notes", "--out", str(out)])
    assert result.exit_code == 0, result.output
    sensitive = [b for bodies in SENSITIVE_NOTES.values() for b in bodies]
    ids = {f"note-{i}" for i in session.scalars(select(Note.id).where(Note.body.in_(sensitive)))}
    assert len(ids) == len(sensitive) == 6
    rows = _csv(out)
    assert ids <= {r["note_id"] for r in rows}
    cardiaque = next(r for r in rows if r["term"] == "cardiaque")
    assert cardiaque["tenant"] == "LOC-000101" and cardiaque["building"] == "Résidence Les Lilas"
    assert cardiaque["category"] == "health" and cardiaque["author"]
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    total = count_rows(session)
    assert f"Notes scanned: {total}" in summary
    assert "Notes flagged: 6" in summary and "  health: 3" in summary and "Résidence Les Tilleuls: 3" in summary
    assert f"Scanned {total} notes and incidents: 6 flagged" in result.output
    assert str(out / "flagged_notes.csv") in result.output


def test_rows_cover_notes_and_incident_descriptions(session):
    rows = list(iter_rows(session, batch=3))
    incidents = session.scalars(select(Incident)).all()
    assert len(rows) == count_rows(session)
    by_key = {r.note_id: r for r in rows}
    first = incidents[0]
    assert first.description in by_key[f"incident-{first.id}"].text
    assert by_key[f"incident-{first.id}"].building


def test_flag_puts_newly_found_notes_in_the_review_queue(runner, session, tmp_path):
    note = session.scalar(select(Note).where(Note.tenant_id == camille(session).id, Note.review_status == "none")
                          .limit(1))
    note.body = "Madame est enceinte, prévoir une visite."
    session.commit()
    result = runner.invoke(args=["scan-notes", "--out", str(tmp_path / "r"), "--flag"])
    assert result.exit_code == 0, result.output
    assert "Newly put in the DPO's review queue: 1" in result.output
    session.refresh(note)
    assert note.review_status == "pending" and note.findings[0]["category"] == "health"
    from portal.models import AuditEntry
    from portal.sensitive import model_version
    entry = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert entry.detail["note_id"] == note.id and entry.detail["model"] == model_version()


def test_two_processes_write_the_report_of_one(runner, session, tmp_path):
    from portal.sensitive.pool import POOL_MIN_NOTES
    from tests import builders

    home = builders.tenant(session)
    sick = set()
    for i in range(POOL_MIN_NOTES + 60):  # with the demo's notes, enough to start the workers
        if i % 97 == 0:
            sick.add(builders.note(session, home, f"Locataire cardiaque, relance n°{i}.").id)
        else:
            builders.note(session, home, f"Relance n°{i} pour l'attestation d'assurance habitation.")
    session.commit()
    one = runner.invoke(args=["scan-notes", "--out", str(tmp_path / "one"), "--workers", "1"])
    two = runner.invoke(args=["scan-notes", "--out", str(tmp_path / "two"), "--workers", "2"])
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    report = "flagged_notes.csv"
    assert (tmp_path / "two" / report).read_bytes() == (tmp_path / "one" / report).read_bytes()
    listed = {r["note_id"] for r in _csv(tmp_path / "two") if r["term"] == "cardiaque"}
    assert {f"note-{i}" for i in sick} <= listed
    assert f"Scanned {count_rows(session)} notes and incidents" in two.output
