"""The embedded SQLite database under concurrent audited reads: every staff search and
file view writes an audit entry, so two requests at once both read then write. With
BEGIN IMMEDIATE (the default outside the test fixture) the second waits its turn
instead of failing with "database is locked" (a 503 for the user)."""

from __future__ import annotations

import os
import threading

import pytest

from portal.db import Database
from tests.conftest import build_app, login

pytestmark = pytest.mark.skipif(os.environ.get("PORTAL_TEST_DB", "sqlite") != "sqlite",
                                reason="SQLite's locking only")


def _hammer(app, statuses: list[int], n: int) -> None:
    client = app.test_client()
    login(client, "dpo@example.org")
    for i in range(n):
        statuses.append(client.get(f"/staff/tenants?q=Mar{'t' if i % 2 else ''}").status_code)


def test_concurrent_audited_searches_all_succeed(tmp_path):
    app = build_app(tmp_path, "concurrent", SQLITE_BEGIN_IMMEDIATE=True)
    statuses: list[int] = []
    threads = [threading.Thread(target=_hammer, args=(app, statuses, 25)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    Database.state(app).engine.dispose()
    assert len(statuses) == 100 and set(statuses) == {200}, sorted(set(statuses))
