"""`portal scan-notes`: audit every stored note and incident description with the
sensitive-data scanner, with a progress bar, and write a report (CSV + summary by
category, author and building). `--flag` also puts newly found items in the DPO's
review queue."""

from __future__ import annotations

import csv
import sys
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

import click
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from portal.db import db
from portal.models import Dwelling, Incident, Lease, Note, Tenant, User
from portal.models.housing import Building
from portal.sensitive import NoteRow, ReportSummary, write_report
from portal.sensitive.pool import MAX_WORKERS, default_workers

BATCH = 1000


def _building_of_tenant():
    """Tenant → lease → dwelling → building, as outer joins (a tenant may have no lease)."""
    return (select(Tenant.id.label("tenant_id"), Tenant.tenant_number, Building.name.label("building"))
            .outerjoin(Lease, Lease.id == Tenant.lease_id)
            .outerjoin(Dwelling, Dwelling.id == Lease.dwelling_id)
            .outerjoin(Building, Building.id == Dwelling.building_id)).subquery()


def iter_rows(session: Session, batch: int = BATCH) -> Iterator[NoteRow]:
    """Every note, then every incident (title and description), streamed in batches of
    plain columns: memory stays flat whatever the number of rows."""
    place = _building_of_tenant()
    author = aliased(User)
    notes = (select(Note.id, place.c.tenant_number, func.coalesce(Note.author_name, author.display_name),
                    place.c.building, Note.created_at, Note.body)
             .outerjoin(place, place.c.tenant_id == Note.tenant_id)
             .outerjoin(author, author.id == Note.author_id).order_by(Note.id))
    for id_, number, who, building, at, body in session.execute(notes.execution_options(yield_per=batch)):
        yield NoteRow(f"note-{id_}", number or "", who or "", building or "", at, body or "")
    incidents = (select(Incident.id, Tenant.tenant_number, author.display_name, Building.name,
                        Incident.reported_on, Incident.title, Incident.description)
                 .outerjoin(Tenant, Tenant.id == Incident.tenant_id)
                 .outerjoin(author, author.id == Incident.created_by_id)
                 .outerjoin(Building, Building.id == Incident.building_id).order_by(Incident.id))
    for id_, number, who, building, on, title, text in session.execute(incidents.execution_options(yield_per=batch)):
        # The title is free text too; a blank line keeps it apart from the description.
        yield NoteRow(f"incident-{id_}", number or "", who or "", building or "", on,
                      f"{title or ''}\n\n{text or ''}")


def count_rows(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Note)) or 0) + \
        int(session.scalar(select(func.count()).select_from(Incident)) or 0)


def flagged_keys(csv_path: Path) -> list[str]:
    """The distinct items ("note-12", "incident-3") listed in a report's CSV."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        return list(dict.fromkeys(row["note_id"] for row in csv.DictReader(handle)))


def default_report_folder(instance_path: str) -> Path:
    return Path(instance_path) / "reports" / f"scan-{datetime.now():%Y%m%d-%H%M%S}"


def run_scan(session: Session, out_dir: Path, flag: bool = False, batch: int = BATCH,
             progress: Callable[[int], object] | None = None, workers: int = 1) -> tuple[ReportSummary, int]:
    """Write the report of every note and incident into `out_dir`; with `flag`, put the
    newly flagged ones in the DPO's review queue. Returns the summary and how many were
    newly queued. `workers` > 1 scans on that many processes (same report). Flushes; the
    caller commits."""
    from portal.notes import service as notes_service

    summary = write_report(iter_rows(session, batch), out_dir, progress=progress, workers=workers)
    newly = notes_service.flag_for_review(session, flagged_keys(summary.csv_path)) if flag else 0
    return summary, newly


@click.command("scan-notes")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the report (default: instance/reports/scan-<timestamp>).")
@click.option("--flag", is_flag=True, help="Put newly flagged notes and incidents in the DPO's review queue.")
@click.option("--batch", type=click.IntRange(1, 100_000), default=BATCH, show_default=True,
              help="Rows read from the database at a time.")
@click.option("--queue", "as_job", is_flag=True,
              help="Run it as a background job (on the queue when QUEUE_URL is set) and return at once.")
@click.option("--workers", type=click.IntRange(1, MAX_WORKERS), default=None,
              help="Processes that scan (default: one per available core).")
def scan_notes(out_dir: Path | None, flag: bool, batch: int, as_job: bool, workers: int | None) -> None:
    """Audit every stored note and incident for sensitive wording, and write a report."""
    from portal import jobs

    if as_job:
        job_id = jobs.enqueue("scan_notes", flag=flag, out_dir=str(out_dir) if out_dir else None)
        click.echo(f"Queued as job {job_id}: a worker writes the report in its instance/reports."
                   if job_id else "Done (no queue configured: the job ran here); see the log for the report.")
        return
    session = db.session
    out_dir = out_dir or default_report_folder(current_app.instance_path)
    with click.progressbar(length=count_rows(session), label="Scanning notes and incidents", show_pos=True,
                           file=sys.stderr) as bar:
        summary, newly = run_scan(session, out_dir, flag, batch, progress=bar.update,
                                  workers=workers or default_workers())
    session.commit()
    click.echo(f"Scanned {summary.scanned} notes and incidents: {summary.flagged} flagged, "
               f"{summary.findings} findings.")
    for category, n in summary.by_category.most_common():
        click.echo(f"  {category}: {n}")
    click.echo(f"Report: {summary.csv_path}")
    click.echo(f"Summary: {summary.summary_path}")
    if flag:
        click.echo(f"Newly put in the DPO's review queue: {newly}")


@click.group("sensitive")
def sensitive_group() -> None:
    """The sensitive-data guard's model."""


@sensitive_group.command("retrain")
@click.option("--seed", type=click.IntRange(0, 10**6), default=0, show_default=True,
              help="Random seed: the same data and seed give the same model file.")
def retrain(seed: int) -> None:
    """Build a new model from the shipped notes plus the DPO's review decisions; it
    replaces the active model (instance/guard.model) only when it is not worse on the
    held-out notes."""
    from portal.notes import learning

    path = Path(current_app.instance_path) / current_app.config.get("GUARD_MODEL_FILE", "guard.model")
    click.echo(f"Training on the shipped notes and the DPO's decisions (seed {seed})…", err=True)
    outcome = learning.retrain(db.session, path, seed=seed)
    db.session.commit()
    click.echo(f"DPO examples: {outcome.examples}")
    for name in ("current", "new"):
        overall = outcome.figures[name]["overall"]
        click.echo(f"{name:8} precision {overall['precision']:.3f}  recall {overall['recall']:.3f}  "
                   f"f1 {overall['f1']:.3f}")
    if outcome.replaced:
        click.echo(f"Replaced: the active model is now {outcome.active_version} ({path}).")
    else:
        click.echo(f"Kept the active model {outcome.active_version}: the new one ({outcome.new_version}) "
                   "was worse on the held-out notes.")


COMMANDS = [scan_notes, sensitive_group]
