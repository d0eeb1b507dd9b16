"""A real `portal worker` process against the throwaway Redis of scripts/test: jobs queued
by one web app survive its end ("restart") and are done by the worker; a job that keeps
failing is retried, then filed with the failed jobs, not lost."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry

from portal import create_app, jobs, mail
from portal.db import Database
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import app_settings, build_app, login

ROOT = Path(__file__).resolve().parents[2]
SECRET = "worker-test-secret-key-0123456789abcdef"


@pytest.fixture()
def redis_url() -> str:
    url = os.environ.get("PORTAL_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("PORTAL_TEST_REDIS_URL is not set: scripts/test starts a Redis for these tests")
        pytest.skip("needs Redis: run through scripts/test (or set PORTAL_TEST_REDIS_URL)")
    return url


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nobody listens there once the socket is closed


class Site:
    """One landlord's installation: a database, a queue of its own (tests run side by
    side on one Redis) and an instance folder whose config.py the worker reads."""

    def __init__(self, tmp_path: Path, name: str, redis_url: str, **settings) -> None:
        self.tmp, self.redis_url = tmp_path, redis_url
        self.settings = {"QUEUE_URL": redis_url, "QUEUE_NAME": f"test-{uuid.uuid4().hex}",
                         "PDF_BACKGROUND_SECONDS": 0, "SECRET_KEY": SECRET, **settings}
        self.web = build_app(tmp_path, name, demo=False, **self.settings)
        self.database_url = self.web.config["SQLALCHEMY_DATABASE_URI"]
        config = "".join(f"{key} = {value!r}\n" for key, value in self.settings.items() if key != "SECRET_KEY")
        (tmp_path / "instance" / "config.py").write_text(
            config + f"MAIL_OUTBOX = {str(tmp_path / 'outbox')!r}\nDEMO_MODE = True\n")
        self.queue = Queue(self.settings["QUEUE_NAME"], connection=Redis.from_url(redis_url))

    def restart_web(self):
        """The web process ends (its app and connections go) and a new one starts."""
        Database.state(self.web).engine.dispose()
        self.web = create_app(app_settings(self.tmp, self.database_url, **self.settings))
        return self.web

    def run_worker(self) -> subprocess.CompletedProcess:
        """`portal worker --burst` in a process of its own, configured like a server's."""
        env = dict(os.environ, DATABASE_URL=self.database_url, SECRET_KEY=SECRET,
                   PORTAL_INSTANCE_PATH=str(self.tmp / "instance"))
        for name in ("PORTAL_TEST_DB", "PORTAL_TEST_DATABASE_URL", "QUEUE_URL"):
            env.pop(name, None)
        return subprocess.run([sys.executable, "-c", "from portal.cli import main; main()", "worker", "--burst"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    def close(self) -> None:
        self.queue.delete(delete_jobs=True)
        Database.state(self.web).engine.dispose()


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_queued_copy_and_mail_survive_a_web_restart_and_a_worker_does_them(tmp_path, redis_url):
    site = Site(tmp_path, "queued", redis_url)
    try:
        with builders.committed(site.web) as s:
            someone, account = builders.tenant_with_account(s, first_name="Alix", last_name="Rossignol")
        client = site.web.test_client()
        login(client, account.email, PASSWORD)
        first = client.get("/me/export.pdf?lang=fr")
        page = first.get_data(as_text=True)
        assert first.status_code == 202 and "Votre copie PDF est en préparation" in page
        assert 'http-equiv="refresh"' in page
        assert client.get("/me/export.pdf?lang=fr").status_code == 202  # still waiting, not queued twice
        client.post("/password/forgot", data={"email": account.email})
        assert not (tmp_path / "outbox").exists()  # the mail waits on the queue too
        assert site.queue.count == 2

        fresh = site.restart_web().test_client()
        login(fresh, account.email, PASSWORD)  # before the worker: a login is part of the file
        done = site.run_worker()
        assert done.returncode == 0, done.stderr[-3000:]
        assert site.queue.count == 0

        response = fresh.get("/me/export.pdf?lang=fr")
        assert response.status_code == 200, done.stderr[-3000:]
        assert response.mimetype == "application/pdf"
        text = _pdf_text(response.data, tmp_path)
        assert someone.tenant_number in text and "Rossignol" in text
        [message] = mail.read_outbox(tmp_path / "outbox")
        assert message["To"] == account.email
        assert "/password/reset/" in message.get_content()
    finally:
        site.close()


def test_a_failing_job_is_retried_then_kept_with_the_failed_jobs(tmp_path, redis_url):
    site = Site(tmp_path, "failing", redis_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port(),
                JOB_RETRY_DELAYS=[0])
    try:
        with site.web.app_context():
            job_id = jobs.enqueue("send_mail", to="locataire@essai.example.org", subject="Test", body="Body")
        site.restart_web()
        done = site.run_worker()
        assert done.returncode == 0, done.stderr[-3000:]
        assert "ConnectionRefusedError" in done.stderr  # the worker's log says why
        assert job_id in FailedJobRegistry(queue=site.queue).get_job_ids()
        job = Job.fetch(job_id, connection=site.queue.connection)
        assert job.retries_left == 0  # tried 1 + 5 times
        assert "ConnectionRefusedError" in job.latest_result().exc_string
    finally:
        site.close()
