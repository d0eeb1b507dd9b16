"""A large file's PDF copy is made by the `pdf_copy` job. With no queue configured (the
embedded default) the job runs in the request, once the pending row is committed, and the
tenant gets the copy at once; tests/jobs/test_worker.py covers the queue."""

from __future__ import annotations

import subprocess

from sqlalchemy import select

from portal.db import Database
from portal.models.audit import DocumentCache
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import build_app, login


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_without_a_queue_the_large_copy_job_runs_in_the_request(tmp_path):
    app = build_app(tmp_path, "background", demo=False, PDF_BACKGROUND_SECONDS=0)
    try:
        with builders.committed(app) as s:
            someone, account = builders.tenant_with_account(s)
            builders.full_file(s, someone)
        client = app.test_client()
        login(client, account.email, PASSWORD)
        response = client.get("/me/export.pdf?lang=fr")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = _text(response.data, tmp_path)
        assert someone.tenant_number in text and "Radiateur froid dans la chambre" in text
        assert client.get("/me/export.pdf").data == response.data  # then from the cache
        with Database.state(app).factory() as session:
            copies = session.execute(select(DocumentCache.tenant_id, DocumentCache.status)).all()
        assert copies == [(someone.id, "ready")]  # one job, done
    finally:
        Database.state(app).engine.dispose()
