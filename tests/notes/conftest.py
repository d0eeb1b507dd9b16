"""A `session` that does not push an app context. The shared fixture keeps one app
context open for the whole test, so every request of the test would share `g` (the
cached actor, the views' session, the chosen locale) — not what separate requests by
different users see. Here each request gets its own context, as in production."""

from __future__ import annotations

import pytest

from portal.db import Database


@pytest.fixture()
def session(app):
    s = Database.state(app).factory()
    yield s
    s.close()
