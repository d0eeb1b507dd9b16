"""No N+1: the number of SQL statements a main page runs does not grow with the number of
records behind it. Each page is measured for a small file and for the same file with
many more records; the counts must be equal."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from typing import Iterator

import pytest
from sqlalchemy import event

from portal.db import Database
from portal.models import Dwelling, Incident, Lease, Note, Payment, PrivacyRequest, RentCall, Tenant
from portal.formatting import landlord_today
from tests import builders
from tests.builders import PASSWORD
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
    building_id = session.get(Dwelling, session.get(Lease, tenant.lease_id).dwelling_id).building_id
    for i in range(n):
        session.add(RentCall(lease_id=tenant.lease_id, period=start + timedelta(days=31 * i),
                             rent_cents=50000, charges_cents=10000, issued_on=start))
        session.add(Payment(lease_id=tenant.lease_id, paid_on=start + timedelta(days=31 * i),
                            amount_cents=60000, method="transfer"))
        session.add(Note(tenant_id=tenant.id, body=f"Note de suivi {i}", author_name="Gestion"))
        session.add(Incident(building_id=building_id, tenant_id=tenant.id, kind="technical",
                             reported_on=start + timedelta(days=i), title=f"Incident {i}"))
    session.commit()


def _measure(app, client, url: str) -> int:
    with count_statements(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.parametrize("url", ["/me", "/me/export.json", "/me?page.payments.payments=3"])
def test_tenant_pages_run_the_same_number_of_queries_for_a_heavy_file(app, client, session, url):
    tenant, account = builders.tenant_with_account(session)
    builders.rich_file(session, tenant)  # four pages of payments: page 3 exists
    session.commit()
    login(client, account.email, PASSWORD)
    client.get(url)  # warm-up: first-request work (locale, templates) is not counted
    small = _measure(app, client, url)
    _grow_file(session, tenant, 150)
    large = _measure(app, client, url)
    assert large == small, f"{url}: {small} statements for a full file, {large} with 600 more records"


def _dpo(client, session) -> None:
    dpo = builders.account(session, "dpo")
    session.commit()
    login(client, dpo.email, PASSWORD)


def test_staff_queue_runs_the_same_number_of_queries_with_more_requests(app, client, session):
    tenants = [builders.tenant(session) for _ in range(4)]
    builders.request(session, tenants[0])
    _dpo(client, session)
    client.get("/staff/requests")
    small = _measure(app, client, "/staff/requests")
    received = landlord_today() - timedelta(days=3)
    for i in range(60):
        session.add(PrivacyRequest(ref=f"DPR-BULK-{i:04d}", tenant_id=tenants[i % len(tenants)].id,
                                   kind="access", status="received", received_on=received,
                                   clock_start=received, due_on=received + timedelta(days=30)))
    session.commit()
    large = _measure(app, client, "/staff/requests")
    assert large == small


def test_tenant_search_runs_the_same_number_of_queries_with_more_matches(app, client, session):
    lease_id = builders.tenant(session, last_name="Vasseur").lease_id
    _dpo(client, session)
    url = "/staff/tenants?q=Vasseur"
    client.get(url)
    small = _measure(app, client, url)
    for i in range(60):
        session.add(Tenant(tenant_number=f"SRCH-{i:05d}", first_name=f"Jean{i}", last_name="Vasseur",
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


def test_a_read_only_page_ends_its_transaction_with_a_commit(tmp_path):
    """psycopg forgets a connection's prepared statements on every ROLLBACK: a read-only
    page that wrote nothing commits instead, so the next page finds them prepared. A
    page that fails still rolls back."""
    from flask import Blueprint
    from sqlalchemy import event, text

    from portal.db import db
    from tests.conftest import build_app

    app = build_app(tmp_path, "commit-reads", demo=False)
    with builders.committed(app) as s:
        email = builders.tenant_with_account(s)[1].email
    bp = Blueprint("failing_read", __name__)

    @bp.route("/_test/fails")
    def fails():
        db.session.execute(text("SELECT 1"))
        raise RuntimeError("boom")

    app.register_blueprint(bp)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    engine = Database.state(app).engine
    ends: list[str] = []
    event.listen(engine, "commit", lambda _conn: ends.append("commit"))
    event.listen(engine, "rollback", lambda _conn: ends.append("rollback"))
    client = app.test_client()
    login(client, email, PASSWORD)
    ends.clear()
    assert client.get("/me").status_code == 200
    assert ends == ["commit"]
    ends.clear()
    assert client.get("/_test/fails").status_code == 500
    assert "commit" not in ends
    engine.dispose()


def test_postgresql_keeps_a_files_statements_prepared_and_plans_each_search(tmp_path):
    """A file's statements stay prepared from one page to the next (psycopg prepares what
    runs often: parsed once per connection); the search, whose best plan depends on what
    was typed, is planned for each query (db.make_engine: force_custom_plan)."""
    from tests.conftest import build_app

    app = build_app(tmp_path, "plans", demo=False)
    engine = Database.state(app).engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache only")
    with builders.committed(app) as s:
        someone, account = builders.tenant_with_account(s, last_name="Vasseur")
        builders.rich_file(s, someone)
        dpo = builders.account(s, "dpo")
    tenant, staff = app.test_client(), app.test_client()
    login(tenant, account.email, PASSWORD)
    login(staff, dpo.email, PASSWORD)
    engine.dispose()  # sequential requests from here: one pooled connection
    # psycopg prepares a statement on its sixth run; PostgreSQL then plans it for its values
    # five times before it may settle on one plan.
    for _ in range(13):
        assert tenant.get("/me").status_code == 200
        assert staff.get("/staff/tenants?q=Vasseur").status_code == 200
    with engine.connect() as conn:
        plans = conn.exec_driver_sql("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements").all()
    assert plans, "nothing stayed prepared from one page to the next"
    file_plans = [p for p in plans if "FROM payments" in p.statement]
    assert file_plans and all(p.custom_plans >= 2 for p in file_plans)
    search_plans = [p for p in plans if "lower(tenants.last_name)" in p.statement]
    assert search_plans and all(p.generic_plans == 0 and p.custom_plans >= 2 for p in search_plans)
    engine.dispose()
