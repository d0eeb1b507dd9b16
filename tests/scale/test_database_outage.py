"""A database that goes away mid-run gives a clear error page, loses nothing already
saved, and the portal recovers by itself when the server returns. The test stops and
restarts a PostgreSQL server of its own (scripts/pg-throwaway pause/resume)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import create_app, schema
from portal.db import Database
from tests import builders
from tests.conftest import login, app_settings

ROOT = Path(__file__).resolve().parents[2]
PG = ROOT / "scripts" / "pg-throwaway"

pytestmark = pytest.mark.skipif(
    os.environ.get("PORTAL_TEST_DB") != "postgresql",
    reason="stops a PostgreSQL server: runs in the PostgreSQL pass of scripts/test")


def test_outage_gives_a_clear_page_and_the_portal_recovers(tmp_path):
    # The cluster runs as the postgres user, which cannot enter pytest's private tmp dirs.
    cluster = Path(tempfile.mkdtemp(prefix="portal-outage-")) / "pg"
    cluster.parent.chmod(0o755)
    url = subprocess.run([str(PG), "start", str(cluster)], check=True, capture_output=True,
                         text=True).stdout.strip().splitlines()[-1]
    try:
        os.environ["PORTAL_INSTANCE_PATH"] = str(tmp_path / "instance")
        app = create_app(app_settings(tmp_path, url))
        state = Database.state(app)
        with state.engine.begin() as conn:
            schema.upgrade(connection=conn)
        s = state.factory()
        _tenant, account = builders.tenant_with_account(s, tenant_number="OUT-000101", last_name="Vernier")
        s.commit()
        s.close()
        client = app.test_client()
        login(client, account.email, builders.PASSWORD)
        assert client.get("/healthz").status_code == 200
        assert client.get("/me").status_code == 200

        subprocess.run([str(PG), "pause", str(cluster)], check=True)
        down = client.get("/me")
        assert down.status_code == 503
        assert "momentanément indisponible" in down.get_data(as_text=True)
        assert client.get("/healthz").status_code == 503

        subprocess.run([str(PG), "resume", str(cluster)], check=True)
        again = client.get("/me")
        assert again.status_code == 200 and "OUT-000101" in again.get_data(as_text=True)
        assert client.get("/healthz").status_code == 200
        from portal.models import Tenant

        with app.app_context():
            s = state.factory()
            assert s.scalar(select(Tenant.last_name).where(Tenant.tenant_number == "OUT-000101")) == "Vernier"
            s.close()
        state.engine.dispose()
    finally:
        subprocess.run([str(PG), "stop", str(cluster)], check=False)
        shutil.rmtree(cluster.parent, ignore_errors=True)
