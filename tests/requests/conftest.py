"""Fixtures of the request tests."""

from __future__ import annotations

import pytest

from tests.requests.helpers import plain_session


@pytest.fixture()
def dbs(app):
    s = plain_session(app)
    yield s
    s.close()
