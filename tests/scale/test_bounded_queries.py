"""No N+1: the number of SQL statements a main page runs does not grow with the number of
records behind it. Each page is measured for a small file and for the same file with
many more records; the counts must be equal."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from typing import Iterator

import pytest
from sqlalchemy import event, select

from portal.db import Database
from portal.models import Incident, Note, Payment, PrivacyRequest, RentCall, Tenant
from tests.conftest import login


@contextmanager
def count_statements(app) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = Database.state(app).engine

    def before(_conn, _cursor, statement, _params, _context, _many):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _grow_file(session, tenant: Tenant, n: int) -> None:
    start = date(2000, 1, 1)
    for i in range(n):
        session.add(RentCall(lease_id=tenant.lease_id, period=start + timedelta(days=31 * i),
                             rent_cents=50000, charges_cents=10000, issued_on=start))
        session.add(Payment(lease_id=tenant.lease_id, paid_on=start + timedelta(days=31 * i),
                            amount_cents=60000, method="transfer"))
        session.add(Note(tenant_id=tenant.id, body=f"Note de suivi {i}", author_name="Gestion"))
        session.add(Incident(building_id=1, tenant_id=tenant.id, kind="technical",
                             reported_on=start + timedelta(days=i), title=f"Incident {i}"))
    session.commit()


def _measure(app, client, url: str) -> int:
    with count_statements(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.parametrize("url", ["/me", "/me/export.json", "/me?page.payments.payments=3"])
def test_tenant_pages_run_the_same_number_of_queries_for_a_heavy_file(app, client, session, url):
    login(client, "camille.martin@example.org")
    client.get(url)  # warm-up: first-request work (locale, templates) is not counted
    small = _measure(app, client, url)
    tenant = session.scalar(select(Tenant).where(Tenant.tenant_number == "LOC-000101"))
    _grow_file(session, tenant, 150)
    large = _measure(app, client, url)
    assert large == small, f"{url}: {small} statements for the demo file, {large} with 600 more records"


def test_staff_queue_runs_the_same_number_of_queries_with_more_requests(app, client, session):
    login(client, "dpo@example.org")
    client.get("/staff/requests")
    small = _measure(app, client, "/staff/requests")
    tenants = session.scalars(select(Tenant)).all()
    received = date.today() - timedelta(days=3)
    for i in range(60):
        session.add(PrivacyRequest(ref=f"DPR-BULK-{i:04d}", tenant_id=tenants[i % len(tenants)].id,
                                   kind="access", status="received", received_on=received,
                                   clock_start=received, due_on=received + timedelta(days=30)))
    session.commit()
    large = _measure(app, client, "/staff/requests")
    assert large == small


def test_tenant_search_runs_the_same_number_of_queries_with_more_matches(app, client, session):
    login(client, "dpo@example.org")
    url = "/staff/tenants?q=Martin"
    client.get(url)
    small = _measure(app, client, url)
    lease_id = session.scalar(select(Tenant.lease_id).where(Tenant.tenant_number == "LOC-000101"))
    for i in range(60):
        session.add(Tenant(tenant_number=f"LOC-9{i:05d}", first_name=f"Jean{i}", last_name="Martin",
                           lease_id=lease_id))
    session.commit()
    large = _measure(app, client, url)
    assert large == small


def test_postgresql_plans_each_query_for_its_values(app):
    """One SQL text serves searches by name and by tenant number: a cached generic plan
    would serve one of them badly at scale, so connections plan for the values at hand."""
    engine = Database.state(app).engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache only")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"
