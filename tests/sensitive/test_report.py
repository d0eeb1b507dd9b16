"""The scan-notes report writes one CSV line per finding and a summary of counts."""
from __future__ import annotations

import csv
from datetime import date

from portal.sensitive.report import CSV_HEADER, NoteRow, write_report


def test_report_lists_findings_and_counts(tmp_path) -> None:
    rows = [
        NoteRow(1, "T001", "alice", "Lilas", date(2026, 1, 2), "Locataire cardiaque, ancien SDF."),
        NoteRow(2, "T002", "bob", "Roses", date(2026, 1, 3), "Fuite d'eau réparée."),
        NoteRow(3, "T003", "alice", "Roses", None, "Very rude person."),
    ]
    done: list[int] = []
    summary = write_report(rows, tmp_path / "out", progress=done.append)
    assert (summary.scanned, summary.flagged, summary.findings) == (3, 2, 3)
    assert summary.by_author == {"alice": 2}
    assert summary.by_category["health"] == 1 and summary.by_category["subjective"] == 1
    assert sum(done) == 3
    with summary.csv_path.open(encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert tuple(lines[0]) == CSV_HEADER
    assert lines[1] == ["1", "T001", "alice", "Lilas", "2026-01-02", "health", "cardiaque"]
    text = summary.summary_path.read_text(encoding="utf-8")
    assert "Notes scanned: 3" in text and "Notes flagged: 2" in text and "Lilas: 1" in text
    assert "Guard model: guard-" in text  # which model flagged, for the audit


def test_report_on_no_rows(tmp_path) -> None:
    summary = write_report([], tmp_path)
    assert summary.scanned == 0 and summary.csv_path.exists()
