"""Fixtures of the document tests."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests import builders
from tests.builders import PASSWORD
from tests.conftest import login


@pytest.fixture()
def copy_reader(client, session) -> SimpleNamespace:
    """Capucine Lefort (tenant number COPY-000101), whose file is as full as a long-standing
    tenant's (tests/builders.rich_file) with a request DPR-TEST-COPY, logged in on `client`."""
    tenant, account = builders.tenant_with_account(session, first_name="Capucine", last_name="Lefort",
                                                   tenant_number="COPY-000101")
    record = builders.rich_file(session, tenant)
    builders.request(session, tenant, kind="access", ref="DPR-TEST-COPY")
    session.commit()
    login(client, account.email, PASSWORD)
    return SimpleNamespace(tenant=tenant, account=account, record=record)
