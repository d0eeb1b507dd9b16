"""Apps for the attack suite: CSRF on, rate limits on, 2FA required — each its own
database (build_app) without the demo (tests build the people they need), so what one attack changes never leaks into another test."""

from __future__ import annotations

import pytest

from tests.conftest import build_app


@pytest.fixture(scope="module")
def hardened(tmp_path_factory):
    """CSRF on, throttling on (memory storage), staff two-factor required."""
    return build_app(tmp_path_factory.mktemp("hardened"), "hardened", demo=False, WTF_CSRF_ENABLED=True,
                     RATELIMIT_ENABLED=True, REQUIRE_STAFF_2FA=True, DEMO_MODE=False)


@pytest.fixture()
def throttled(tmp_path):
    """A fresh app with throttling on, for tests that lock accounts."""
    return build_app(tmp_path, "throttled", demo=False, RATELIMIT_ENABLED=True)
