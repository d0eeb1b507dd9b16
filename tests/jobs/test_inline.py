"""With no queue configured (the embedded default) jobs run in the calling process: mails
go out once their transaction commits (never after a rollback), a failing job is logged
and does not break the page, and the queue-only commands say what to do instead."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

from portal import jobs, mail
from portal.requests.types import Mail
from portal.requests.mails import send_mails


def _outbox(app) -> list:
    return mail.read_outbox(Path(app.config["MAIL_OUTBOX"]))


def test_a_mail_waits_for_the_commit_and_is_dropped_by_a_rollback(app, session):
    before = len(_outbox(app))
    with app.app_context():
        mail.send_later(session, "locataire@essai.example.org", "Lien annulé", "Ce lien ne marche pas.")
        assert len(_outbox(app)) == before  # not before the commit
        session.rollback()
        mail.send_later(session, "locataire@essai.example.org", "Votre lien", "Bonjour Alix.")
        session.commit()
    subjects = [m["Subject"] for m in _outbox(app)[before:]]
    assert subjects == ["Votre lien"]


def test_a_mail_server_that_is_away_is_logged_and_the_caller_goes_on(app, caplog):
    with app.app_context():
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)  # discard port: refused
        try:
            with caplog.at_level(logging.ERROR, logger="portal.jobs"):
                send_mails([Mail("locataire@essai.example.org", "Sujet", "Corps")])
        finally:
            app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    assert "job send_mail failed" in caplog.text and "ConnectionRefusedError" in caplog.text


def test_scan_notes_as_a_job_writes_the_report_here_without_a_queue(runner, session, tmp_path):
    from tests import builders

    someone = builders.tenant(session)
    builders.note(session, someone, "Locataire cardiaque, prévoir un relogement.")
    session.commit()
    out = tmp_path / "report"
    result = runner.invoke(args=["scan-notes", "--queue", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "no queue configured" in result.output
    with (out / "flagged_notes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["term"] for row in rows if row["tenant"] == someone.tenant_number] == ["cardiaque"]


def test_the_periodic_purge_says_so_when_the_purge_is_not_installed(app, caplog):
    import importlib.util

    if importlib.util.find_spec("portal.retention") is not None:
        return  # the retention purge is merged: its own tests cover it
    with app.app_context(), caplog.at_level(logging.WARNING, logger="portal.jobs"):
        assert jobs.run_inline("purge", {}) == "skipped: no purge module"
    assert "periodic purge skipped" in caplog.text


def test_worker_and_scheduler_need_a_queue(runner):
    for command in ("worker", "scheduler"):
        result = runner.invoke(args=[command, "--burst"] if command == "worker" else [command])
        assert result.exit_code == 2 and "QUEUE_URL" in result.output
