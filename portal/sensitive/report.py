"""Audit report for notes already stored (``portal scan-notes``).

Plain data in, files out: the CLI feeds rows from the database, this module scans
them and writes ``flagged_notes.csv`` (one line per finding) and ``summary.txt``.
Nothing here knows Flask or SQLAlchemy.
"""
from __future__ import annotations

import csv
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .pool import SLICE, scan_chunks, slices
from .scanner import Finding
from .vocab import CATEGORIES

CSV_NAME = "flagged_notes.csv"
SUMMARY_NAME = "summary.txt"
CSV_HEADER = ("note_id", "tenant", "author", "building", "date", "category", "term")


@dataclass(frozen=True)
class NoteRow:
    """One stored note, as the CLI reads it from the database."""

    note_id: int | str
    tenant_number: str
    author: str
    building: str
    created_at: date | datetime | str | None
    text: str


@dataclass
class ReportSummary:
    """Counts of an audit run (also written to summary.txt)."""

    scanned: int = 0
    flagged: int = 0
    findings: int = 0
    by_category: Counter = field(default_factory=Counter)  # flagged notes per category
    by_author: Counter = field(default_factory=Counter)  # flagged notes per author
    by_building: Counter = field(default_factory=Counter)  # flagged notes per building
    csv_path: Path | None = None
    summary_path: Path | None = None


def _date(value: date | datetime | str | None) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def write_report(rows: Iterable[NoteRow], out_dir: Path,
                 progress: Callable[[int], None] | None = None, workers: int = 1) -> ReportSummary:
    """Scan every row, write the CSV of findings and the summary; return the counts.

    ``progress(n)`` is called with the number of notes done since the last call, so a
    click progress bar's ``update`` can be passed directly. ``workers`` > 1 scans on
    that many processes (``pool.py``); the files are the same either way.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = ReportSummary(csv_path=out_dir / CSV_NAME, summary_path=out_dir / SUMMARY_NAME)
    # the rows of the slices in flight wait here until their findings come back, in order
    waiting: deque[list[NoteRow]] = deque()

    def texts() -> Iterator[str]:
        for part in slices(rows, SLICE):
            waiting.append(part)
            yield from (row.text or "" for row in part)

    with summary.csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        for found in scan_chunks(texts(), workers):
            part = waiting.popleft()
            for row, findings in zip(part, found):
                _record(summary, writer, row, findings)
            if progress is not None:
                progress(len(part))
    summary.summary_path.write_text(format_summary(summary), encoding="utf-8")
    return summary


def _record(summary: ReportSummary, writer, row: NoteRow, findings: list[Finding]) -> None:
    summary.scanned += 1
    if not findings:
        return
    summary.flagged += 1
    summary.findings += len(findings)
    summary.by_author[row.author or "?"] += 1
    summary.by_building[row.building or "?"] += 1
    for category in {f.category for f in findings}:
        summary.by_category[category] += 1
    for f in findings:
        writer.writerow((row.note_id, row.tenant_number, row.author, row.building,
                         _date(row.created_at), f.category, _one_line(f.term)))


def _one_line(term: str) -> str:
    # A matched phrase may span a line break; one CSV line per finding stays readable.
    return " ".join(term.split())


def _model_version() -> str:
    from .active import model_version

    return model_version()


def format_summary(summary: ReportSummary) -> str:
    """The human-readable summary.txt content."""
    lines = [
        f"Notes scanned: {summary.scanned}",
        f"Notes flagged: {summary.flagged}",
        f"Findings: {summary.findings}",
        f"Guard model: {_model_version()}",
        "",
        "Flagged notes by category:",
        *(f"  {c}: {summary.by_category.get(c, 0)}" for c in CATEGORIES),
        "",
        "Flagged notes by author:",
        *(f"  {a}: {n}" for a, n in summary.by_author.most_common()),
        "",
        "Flagged notes by building:",
        *(f"  {b}: {n}" for b, n in summary.by_building.most_common()),
    ]
    return "\n".join(lines) + "\n"
