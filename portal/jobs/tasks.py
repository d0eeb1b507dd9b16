"""The job functions (see portal.jobs.JOBS). Each runs inside an app context, takes plain
values, works in a session of its own (`job_session`), commits its own work, and is
idempotent."""

from __future__ import annotations

import importlib
import importlib.util
import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from flask import Flask, current_app, has_request_context
from sqlalchemy.orm import Session

from portal import mail
from portal.db import Database, db
from portal.formatting import landlord_today  # retention runs on the landlord's calendar days
from portal.jobs import task

log = logging.getLogger(__name__)

PURGE_MODULE = "portal.retention.purge"


@contextmanager
def job_session(app: Flask) -> Iterator[Session]:
    """The session a job works in: its own, or, when the job runs inline during a request
    (no queue configured), the request's. The request has committed its own work before
    the job runs; a second connection would wait on SQLite for the write lock that the
    request's next transaction takes (a writing GET begins IMMEDIATE: portal/db.py)."""
    if has_request_context():
        yield db.session
    else:
        with Database.state(app).factory() as session:
            yield session


@task
def pdf_copy(entry_id: int) -> str:
    """Render the PDF copy a tenant's page is waiting for (document_cache row `entry_id`,
    status pending → ready or failed). Nothing to do if the row is gone or no longer
    pending (a newer copy replaced it, or this job already ran)."""
    from portal.file import pdf_copy as documents

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with job_session(app) as session:
        pending = documents.pending_render(session, entry_id, app.config)
        # End the reading transaction before the long render: on SQLite no lock is held
        # while WeasyPrint works, so the web servers write on.
        session.commit()
        if pending is None:
            log.info("pdf copy %s: nothing to do (replaced or already done)", entry_id)
            return "skipped"
        status = documents.finish_render(session, pending, app.config)
        session.commit()
    log.info("pdf copy %s: %s", entry_id, status)
    return status


@task
def send_mail(to: str, subject: str, body: str) -> str:
    """Send one message. An unreachable mail server raises: the queue tries again later."""
    path = mail.send(to, subject, body, config=current_app.config, instance_path=current_app.instance_path)
    return str(path) if path else "sent"


@task
def scan_notes(flag: bool = False, out_dir: str | None = None) -> str:
    """`portal scan-notes` as a job: the report goes to instance/reports on the machine
    that ran it; `flag` also puts newly found items in the DPO's review queue."""
    from portal.notes import commands as scan

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    folder = Path(out_dir) if out_dir else scan.default_report_folder(app.instance_path)
    with job_session(app) as session:
        summary, newly = scan.run_scan(session, folder, flag=flag)
        session.commit()
    log.info("scan-notes: %s scanned, %s flagged, %s newly queued for review; report %s",
             summary.scanned, summary.flagged, newly, summary.csv_path)
    return str(summary.csv_path)


@task
def purge() -> str:
    """The retention purge (`portal purge`), run by the scheduler every night."""
    if not _installed(PURGE_MODULE):
        log.warning("periodic purge skipped: %s is not installed in this version of the portal", PURGE_MODULE)
        return "skipped: no purge module"
    module = importlib.import_module(PURGE_MODULE)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with job_session(app) as session:
        result = module.run(session, landlord_today(), dry_run=False)
        session.commit()
    log.info("retention purge done: %s", result)
    return str(result)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # its package is missing too
        return False
