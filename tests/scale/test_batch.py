"""batch.run sends a file's statements together (one round trip on PostgreSQL): it must
return exactly what running them one by one returns, still be seen by the engine's
statement events, and fail like any other statement."""

from __future__ import annotations

import pytest
from sqlalchemy import Boolean, Date, String, Time, Uuid, bindparam, event, literal_column, select, text
from sqlalchemy.exc import DBAPIError

from portal import access, batch, catalogue
from portal.db import Database
from portal.models import Tenant
from portal.audit import access_log
from portal.file import dossier


def _file_jobs(tenant: Tenant, page_size: int | None, windows: bool = True) -> list[batch.Job]:
    params = {"tenant_id": tenant.id, "lease_id": tenant.lease_id}
    actor = access.Actor(user_id=0, role="tenant", tenant_id=tenant.id)
    jobs = []
    for cat in catalogue.CATEGORIES:
        readable = access.readable_fields(actor, cat.key, tenant.id)
        for section in cat.sections:
            plan = dossier._plan(section, actor, readable, 1, page_size, params, windows)
            if plan.job is not None:
                jobs.append(plan.job)
    return jobs


@pytest.mark.parametrize("windows", [True, False])
@pytest.mark.parametrize("page_size", [None, 3])
def test_batched_file_statements_answer_as_the_same_statements_one_by_one(session, page_size, windows):
    tenants = session.scalars(select(Tenant).order_by(Tenant.id)).all()
    assert len(tenants) >= 3
    for tenant in tenants:
        jobs = _file_jobs(tenant, page_size, windows) + access_log.reads_jobs(tenant.id)
        together = batch.run(session, jobs)
        conn = session.connection()
        one_by_one = [[tuple(r) for r in conn.execute(stmt, params).all()] for stmt, params in jobs]
        assert [[tuple(r) for r in rows] for rows in together] == one_by_one
    # Dates, datetimes, money, the reads' JSON detail and empty sections are all compared.
    assert any(rows for rows in together)


@pytest.mark.parametrize("page_size", [None, 3])
def test_a_sections_total_and_newest_date_are_the_same_by_windows_or_subqueries(session, page_size):
    # PostgreSQL reads them with window functions, SQLite with subqueries (dossier._statement):
    # either form runs on both databases and gives the same rows, totals and dates.
    for tenant in session.scalars(select(Tenant).order_by(Tenant.id)).all():
        by_windows = batch.run(session, _file_jobs(tenant, page_size, windows=True))
        by_subqueries = batch.run(session, _file_jobs(tenant, page_size, windows=False))
        assert by_windows == by_subqueries
        if page_size:  # pages were cut: the totals compared above count beyond them
            assert all(len(rows) <= page_size for rows in by_windows)
            assert any(len(rows) == page_size for rows in by_windows)


def test_every_batched_statement_is_seen_by_the_engine_events(app, session):
    tenant = session.scalar(select(Tenant).where(Tenant.tenant_number == "LOC-000101"))
    jobs = _file_jobs(tenant, 20)
    seen: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    engine = Database.state(app).engine
    session.connection()  # the transaction is open: only the file's statements are counted
    event.listen(engine, "before_cursor_execute", before)
    try:
        batch.run(session, jobs)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert len(seen) == len(jobs) > 15


_FAILING = select((bindparam("a") / bindparam("b")).label("q"))


def test_a_failing_statement_in_a_batch_raises_and_the_session_recovers(session):
    ok = select(Tenant.tenant_number).where(Tenant.id == bindparam("tenant_id"))
    tenant_id = session.scalar(select(Tenant.id).where(Tenant.tenant_number == "LOC-000101"))
    if session.get_bind().dialect.name == "sqlite":
        pytest.skip("SQLite divides by zero without an error")
    with pytest.raises(DBAPIError):
        batch.run(session, [(ok, {"tenant_id": tenant_id}), (_FAILING, {"a": 1, "b": 0})])
    session.rollback()
    assert batch.run(session, [(ok, {"tenant_id": tenant_id}), (ok, {"tenant_id": tenant_id})]) == [
        [("LOC-000101",)], [("LOC-000101",)]]


@pytest.mark.parametrize("email", ["dpo@example.org", "gestion@example.org"])
def test_queue_statements_with_lists_in_them_answer_as_run_one_by_one(session, email, today):
    from datetime import timedelta

    from portal.models import User
    from portal.requests import queue as request_queue

    user = session.scalar(select(User).where(User.email == email))
    actor = access.actor_for(session, user)
    params = {"q_today": today, "q_soon_until": today + timedelta(days=7), "q_assignee": user.id,
              "q_limit": 50, "q_offset": 0}
    compared = 0
    for status in ("open", "all", "completed"):
        for assignee in ("", "me", "none", "id"):
            jobs = [(stmt, params) for stmt in request_queue._statements(actor, status, "", assignee, False, False)]
            together = batch.run(session, jobs)
            conn = session.connection()
            assert [[tuple(r) for r in rows] for rows in together] == [
                [tuple(r) for r in conn.execute(stmt, p).all()] for stmt, p in jobs]
            compared += sum(len(rows) for rows in together)
    assert compared > 0


def _postgresql_only(session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's prepared statements only")


_NUMBER = select(Tenant.tenant_number).where(Tenant.id == bindparam("tenant_id"))


def test_prepared_statements_outlive_a_rollback_and_are_reused(app, session):
    """The portal prepares its batched statements by name once per connection; psycopg's
    own preparing is off, so a rollback (which makes psycopg deallocate everything it
    prepared) leaves them in place, and the next batch reuses them."""
    from sqlalchemy.orm import Session

    _postgresql_only(session)
    tenant_id = session.scalar(select(Tenant.id).where(Tenant.tenant_number == "LOC-000101"))
    engine = Database.state(app).engine
    with Session(engine) as own:
        assert batch.run(own, [(_NUMBER, {"tenant_id": tenant_id})]) == [[("LOC-000101",)]]
        own.rollback()
        prepared = own.execute(select(literal_column("name")).select_from(text("pg_prepared_statements"))
                               .where(literal_column("statement").like("%tenants.tenant_number%"))).scalars().all()
        assert len(prepared) == 1 and prepared[0].startswith("portal_")
        assert batch.run(own, [(_NUMBER, {"tenant_id": tenant_id})] * 3) == [[("LOC-000101",)]] * 3
        again = own.execute(select(literal_column("name")).select_from(text("pg_prepared_statements"))
                            .where(literal_column("statement").like("%tenants.tenant_number%"))).scalars().all()
        assert again == prepared  # reused, not prepared again
        own.rollback()


def test_a_batch_prepares_again_what_the_server_holds_but_the_portal_forgot(session):
    """Should the record of what is prepared be lost (it is dropped after any error), the
    names already on the server are closed and prepared again instead of failing."""
    _postgresql_only(session)
    tenant_id = session.scalar(select(Tenant.id).where(Tenant.tenant_number == "LOC-000101"))
    assert batch.run(session, [(_NUMBER, {"tenant_id": tenant_id})]) == [[("LOC-000101",)]]
    session.connection().connection.info["portal_named"].names.clear()
    assert batch.run(session, [(_NUMBER, {"tenant_id": tenant_id}), (_NUMBER, {"tenant_id": -1})]) == [
        [("LOC-000101",)], []]


def test_batched_parameters_keep_their_types(session):
    """Parameters go to PostgreSQL in text form and the statement's casts give them their
    types: dates, booleans, text and numbers select what they select through SQLAlchemy."""
    from datetime import date

    from portal.models import PrivacyRequest

    tenant_id = session.scalar(select(Tenant.id).where(Tenant.tenant_number == "LOC-000101"))
    stmt = (select(PrivacyRequest.ref).where(PrivacyRequest.tenant_id == bindparam("tenant_id"),
                                             PrivacyRequest.received_on >= bindparam("since", type_=Date),
                                             PrivacyRequest.extended == bindparam("flag", type_=Boolean),
                                             PrivacyRequest.ref.like(bindparam("pattern", type_=String)))
            .order_by(PrivacyRequest.ref))
    params = {"tenant_id": tenant_id, "since": date(2000, 1, 1), "flag": False, "pattern": "DPR-%"}
    (batched,) = batch.run(session, [(stmt, params)])
    assert batched == list(session.execute(stmt, params).all()) and batched


def test_a_batch_too_large_to_send_at_once_or_with_an_odd_parameter_runs_through_sqlalchemy(session, monkeypatch):
    """The libpq pipeline sends at most batch._MAX_SENT bytes (so that sending can never
    wait on a server busy writing answers) and parameters with a plain text form; any
    other batch runs statement by statement through SQLAlchemy, with the same answers."""
    from datetime import time
    from uuid import UUID

    _postgresql_only(session)
    tenant = session.scalar(select(Tenant).where(Tenant.tenant_number == "LOC-000101"))
    jobs = _file_jobs(tenant, 20)
    expected = batch.run(session, jobs)
    routes: list[str] = []
    through_sqlalchemy = session.connection().execute

    def counting(statement, *args, **kwargs):
        routes.append("sqlalchemy")
        return through_sqlalchemy(statement, *args, **kwargs)

    monkeypatch.setattr(batch, "_MAX_SENT", 100)
    monkeypatch.setattr(session.connection(), "execute", counting)
    assert batch.run(session, jobs) == expected and len(routes) == len(jobs)
    monkeypatch.setattr(batch, "_MAX_SENT", 64 * 1024)
    routes.clear()
    odd = select(literal_column("1")).where(bindparam("at", type_=Time) < bindparam("until", type_=Time),
                                            bindparam("key", type_=Uuid) == bindparam("key", type_=Uuid))
    assert batch.run(session, [(odd, {"at": time(8), "until": time(9), "key": UUID(int=7)})]) == [[(1,)]]
    assert routes == ["sqlalchemy"]


def test_a_connection_keeps_a_bounded_number_of_prepared_statements(session, monkeypatch):
    """Past batch._KEEP_NAMED statements on a connection, all are closed and the batch's
    own prepared again: the server's memory for them stays bounded."""
    _postgresql_only(session)
    tenant = session.scalar(select(Tenant).where(Tenant.tenant_number == "LOC-000101"))
    jobs = _file_jobs(tenant, 20)
    expected = batch.run(session, jobs)
    monkeypatch.setattr(batch, "_KEEP_NAMED", 5)
    assert batch.run(session, jobs) == expected
    assert batch.run(session, jobs[:3]) == expected[:3]
    held = session.execute(select(literal_column("count(*)")).select_from(text("pg_prepared_statements"))
                           .where(literal_column("name").like("portal\\_%"))).scalar()
    assert held == 3  # the last batch's three; the file's twenty-odd were closed
