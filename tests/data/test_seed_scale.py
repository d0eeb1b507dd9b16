"""portal seed-scale: synthetic data alongside the demo, reproducible from --seed,
bulk-loaded with the indexes the staff pages need."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, inspect, select

from portal import request_kinds
from portal.db import Database
from portal.models import (Building, Dwelling, Incident, Note, Payment, PrivacyRequest, RentCall, Tenant,
                           User)
from portal.models.requests import REQUEST_STATUSES
from tests.conftest import build_app
from tests.data.helpers import cli


def _session(app):
    return Database.state(app).factory()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("seed")
    app = build_app(tmp, "seed_a", demo=True)
    result = cli(app, "seed-scale", "--tenants", "200", "--seed", "3", "--lang", "en")
    yield app, result
    Database.state(app).engine.dispose()


def test_seed_scale_adds_tenants_next_to_the_demo_data(seeded):
    app, result = seeded
    assert result.exit_code == 0, result.output
    assert "200 tenants and" in result.output
    with app.app_context():
        s = _session(app)
        assert s.scalar(select(func.count()).select_from(Tenant)) == 205  # 5 demo + 200
        assert s.scalar(select(Tenant.first_name).where(Tenant.tenant_number == "LOC-000101")) == "Camille"
        dwellings = s.scalar(select(func.count()).select_from(Dwelling).where(Dwelling.ref.like("LOG-S3-%")))
        buildings = s.scalar(select(func.count()).select_from(Building).where(Building.ref.like("BAT-S3-%")))
        assert buildings == -(-dwellings // 40)  # about 40 dwellings per building
        # Three years of monthly rent calls for a typical lease, thirty for the heavy one.
        per_lease = s.execute(select(RentCall.lease_id, func.count()).where(RentCall.ext_id.like("BAIL-S3-%"))
                              .group_by(RentCall.lease_id)).all()
        counts = sorted(c for _id, c in per_lease)
        assert counts[-1] == 360 and counts[len(counts) // 2] == 36
        assert s.scalar(select(func.count()).select_from(Payment)) > 30 * len(per_lease)
        statuses = set(s.scalars(select(PrivacyRequest.status).where(PrivacyRequest.ref.like("DPR-S3-%"))))
        assert statuses == set(REQUEST_STATUSES)
        kinds = set(s.scalars(select(PrivacyRequest.kind).where(PrivacyRequest.ref.like("DPR-S3-%"))))
        assert kinds == {k.key for k in request_kinds.KINDS}  # every kind the portal knows, none other
        assert s.scalar(select(func.count()).select_from(Note).where(Note.review_status == "pending",
                                                                     Note.ext_id.like("LOC-S3-%"))) > 0
        assert s.scalar(select(func.count()).select_from(Incident).where(Incident.ext_id.like("LOC-S3-%"))) > 0
        s.close()


def test_heavy_tenant_can_log_in_and_read_their_file(seeded):
    app, result = seeded
    email = result.output.split("heavy tenants ")[1].split(",")[0].split(";")[0].strip()
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": "demo-portal-2026"})
    assert response.status_code == 302
    page = client.get("/me?lang=en")
    assert page.status_code == 200 and "Rent and payments" in page.get_data(as_text=True)


def test_the_same_seed_is_refused_twice_and_another_seed_adds_more(seeded):
    app, _result = seeded
    again = cli(app, "seed-scale", "--tenants", "10", "--seed", "3", "--lang", "en")
    assert again.exit_code != 0 and "Seed 3 is already loaded" in again.output
    other = cli(app, "seed-scale", "--tenants", "10", "--seed", "4")
    assert other.exit_code == 0, other.output
    assert "10 locataires" in other.output


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # expression indexes
def test_indexes_for_search_and_queue_exist_after_the_load(seeded):
    app, _result = seeded
    engine = Database.state(app).engine
    insp = inspect(engine)
    indexed = {tuple(ix["column_names"]) for t in ("tenants", "rent_calls", "privacy_requests", "notes")
               for ix in insp.get_indexes(t)}
    unique = {tuple(u["column_names"]) for u in insp.get_unique_constraints("tenants")}
    for columns in (("last_name",), ("lease_id",), ("status", "kind", "due_on"), ("due_on", "id", "status", "kind"),
                    ("status", "info_kind", "kind", "due_on"), ("review_status",)):
        assert columns in indexed, columns
    assert ("tenant_number",) in unique or ("tenant_number",) in indexed


def _digest(app) -> str:
    with app.app_context():
        s = _session(app)
        rows = s.execute(select(Tenant.tenant_number, Tenant.first_name, Tenant.last_name, Tenant.birth_date,
                                Tenant.phone).where(Tenant.tenant_number.like("LOC-S9-%"))
                         .order_by(Tenant.tenant_number)).all()
        pays = s.execute(select(Payment.ext_id, Payment.amount_cents, Payment.paid_on)
                         .where(Payment.ext_id.like("BAIL-S9-%")).order_by(Payment.ext_id)).all()
        s.close()
    return hashlib.sha256(repr((rows, pays)).encode()).hexdigest()


def test_the_same_seed_gives_the_same_data(tmp_path):
    one = build_app(tmp_path, "seed_b", demo=False)
    two = build_app(tmp_path, "seed_c", demo=True)  # other data present: same result
    for app in (one, two):
        assert cli(app, "seed-scale", "--tenants", "50", "--seed", "9").exit_code == 0
    assert _digest(one) == _digest(two)
    with one.app_context():
        s = _session(one)
        assert s.scalar(select(func.count()).select_from(User).where(User.role == "dpo")) == 1
        s.close()
    for app in (one, two):
        Database.state(app).engine.dispose()


def test_the_planner_has_fresh_statistics_after_the_load(seeded):
    """After a bulk load the database holds planner statistics for the loaded tables (a
    planner left guessing from an empty database chooses scans at Paris scale)."""
    app, _result = seeded
    engine = Database.state(app).engine
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            analysed = {t for (t,) in conn.exec_driver_sql("SELECT DISTINCT tbl FROM sqlite_stat1")}
        else:
            analysed = {t for (t,) in conn.exec_driver_sql(
                "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")}
    assert {"tenants", "payments", "rent_calls", "privacy_requests", "audit_log"} <= analysed


def test_a_bulk_load_on_postgresql_lets_the_foreign_key_checks_keep_their_plans(tmp_path):
    """The portal plans each statement for its values (portal/db.py); inside a bulk load the
    per-row foreign-key checks of COPY must keep their cached plans, or a Paris-sized load
    spends most of its time planning them again."""
    from portal import bulk

    app = build_app(tmp_path, "bulk_plans", demo=False)
    engine = Database.state(app).engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"
    with bulk.loading(engine) as loader:
        cur = loader.raw.cursor()
        cur.execute("SHOW plan_cache_mode")
        assert cur.fetchone()[0] == "auto"
        cur.close()
    engine.dispose()
