"""`portal import PATH`: load the landlord's CSV files (csvformat.py) in one transaction.

Idempotent: every row carries the landlord's own identifier (tenant number, building,
dwelling and lease references, `ext_id`), so a row is created when the identifier is
new, updated when a value changed (and reported), left alone otherwise. All or nothing:
any problem anywhere (unknown column, missing value, bad date or amount, unknown
reference, duplicate identifier) rolls everything back and every problem is returned
as `file:line:column: message`. `dry_run` does the same work and rolls back.

Speed: rows are read and compared in batches, looked up by identifier with one query
per batch, and written with portal/bulk.py (executemany / COPY); references resolve
through in-memory dictionaries. Notes and incident texts coming in go through the
sensitive-data guard; flagged ones wait for the DPO (review_status "pending").

The rooms: import_rows.py parses and checks cells, import_upsert.py compares and
writes, import_hooks.py holds per-table work, import_report.py what is answered.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable

from portal.i18n import lazy_gettext as _l
from sqlalchemy import Engine

from portal.audit import chain as audit_service
from portal.bulk import Loader, loading
from portal.exchange.csvformat import FILES
from portal.exchange.import_report import FileReport, Problem, Report
from portal.exchange.import_rows import Import

__all__ = ["FileReport", "Problem", "Report", "check_manifest", "input_files", "run", "total_size"]


def input_files(path: Path) -> list[Path]:
    """The CSV files to read: a directory's *.csv, or one file."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
    return [path]


def total_size(path: Path) -> int:
    """Bytes to read, for the progress bar."""
    return sum(p.stat().st_size for p in input_files(path) if p.is_file())


def check_manifest(path: Path, report: Report) -> None:
    """When the directory has a manifest.json, every file it lists must be there, unchanged."""
    manifest = path / "manifest.json" if path.is_dir() else None
    if manifest is None or not manifest.exists():
        return
    try:
        data = json.loads(manifest.read_text(encoding="utf-8-sig"))
        files = data["files"]
    except (ValueError, KeyError, TypeError):
        report.problems.append(Problem("manifest.json", 1, 1, _l("not a manifest written by export-csv")))
        return
    for name, info in files.items():
        target = path / name
        if not target.exists():
            report.problems.append(Problem("manifest.json", 1, 1, _l("%(file)s is listed but missing", file=name)))
            continue
        digest = hashlib.sha256()
        with target.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                digest.update(chunk)
        if digest.hexdigest() != info.get("sha256"):
            report.problems.append(Problem(name, 1, 1, _l("the file differs from its checksum in manifest.json "
                                                          "(changed or truncated since the export)")))


def _order(paths: list[Path]) -> list[Path]:
    rank = {f.filename: i for i, f in enumerate(FILES)}
    return sorted(paths, key=lambda p: (rank.get(p.name.lower(), -1), p.name))


def run(engine: Engine, path: Path, dry_run: bool = False,
        progress: Callable[[int], None] | None = None) -> Report:
    """Import the files at `path` (a directory or one CSV file). Writes only when every
    row of every file is valid and dry_run is False."""
    report = Report(dry_run=dry_run)
    if not path.exists():
        report.problems.append(Problem(str(path), 0, 0, _l("no such file or directory")))
        return report
    check_manifest(path, report)
    progress = progress or (lambda _n: None)
    try:
        with loading(engine) as loader:
            imp = Import(loader, report, progress)
            for file in _order(input_files(path)):
                if imp.failed:
                    break
                imp.read_file(file)
            if not report.problems and report.changed and not dry_run:
                _audit(loader, report, path)
            if report.problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


class _Rollback(Exception):
    pass


def _audit(loader: Loader, report: Report, path: Path) -> None:
    """One entry in the hash-chained audit log for the whole import (no tenant: the
    import is not a consultation of anyone's file)."""
    detail = {f.name: {"created": f.created, "updated": f.updated, "flagged": f.flagged}
              for f in report.files if f.created or f.updated}
    audit_service.record_in_load(loader, "system", "import", purpose=f"CSV import ({path.name})", detail=detail)
