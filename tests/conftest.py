"""Test fixtures: one migrated database with the demo data per test worker (SQLite by
default, PostgreSQL when PORTAL_TEST_DB=postgresql), and one rolled-back transaction
per test: the code under test commits into savepoints that vanish afterwards.

Passwords use a cheap argon2 profile (a real hash costs ~0.1 s)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from portal import create_app
from portal.db import Database
from portal.formatting import landlord_today

DEMO_PASSWORD = "demo-portal-2026"
CHEAP_HASH = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def make_database_url(tmp_dir: Path, name: str) -> str:
    """A new, empty database for this worker: a SQLite file, or a PostgreSQL database."""
    if os.environ.get("PORTAL_TEST_DB", "sqlite") == "postgresql":
        base = os.environ["PORTAL_TEST_DATABASE_URL"]
        dbname = re.sub(r"\W", "_", f"portal_{name}_{_worker()}").lower()
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{dbname}"'))
        admin.dispose()
        return base.rsplit("/", 1)[0] + f"/{dbname}"
    return f"sqlite:///{tmp_dir / (name + '.db')}"


def app_settings(tmp_dir: Path, url: str, **extra: Any) -> dict[str, Any]:
    return {"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
            "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "REQUIRE_STAFF_2FA": False,
            "DEMO_MODE": True, "MAIL_OUTBOX": str(tmp_dir / "outbox"),
            "LOGIN_FAILURE_MIN_SECONDS": 0,  # the timing test sets its own
            **CHEAP_HASH, **extra}


def build_app(tmp_dir: Path, name: str, demo: bool = True, **extra: Any):
    """A fresh app over a fresh, migrated database (with the demo data by default)."""
    from portal import schema
    from portal.devdata import demo as demo_service

    os.environ["PORTAL_INSTANCE_PATH"] = str(tmp_dir / "instance")
    url = make_database_url(tmp_dir, name)
    app = create_app(app_settings(tmp_dir, url, **extra))
    with app.app_context():
        state = Database.state(app)
        with state.engine.begin() as conn:
            schema.upgrade(connection=conn)
        if demo:
            session = state.factory()
            demo_service.load(session, app.config)
            session.commit()
            session.close()
    return app


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("portal")
    application = build_app(tmp, "shared")
    yield application
    Database.state(application).engine.dispose()


@pytest.fixture(autouse=True)
def _isolated(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test runs inside one outer transaction that is rolled back at the end."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    state = Database.state(application)
    original = state.factory
    # DEFERRED: the test's own extra connections must not be locked out before it writes
    # (portal/db.py; the requests inside use savepoints of this transaction).
    connection = state.engine.connect().execution_options(sqlite_begin="DEFERRED")
    outer = connection.begin()
    state.factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                                 expire_on_commit=False)
    try:
        yield
    finally:
        state.factory = original
        outer.rollback()
        connection.close()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def session(app):
    """A session inside the test's transaction, for arranging and checking data.
    No app context is held open: requests made during the test get their own."""
    s = Database.state(app).factory()
    yield s
    s.close()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


def login(client, email: str, password: str = DEMO_PASSWORD):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, f"login failed for {email}"
    return response


@pytest.fixture()
def as_user(client):
    """as_user("camille.martin@example.org") logs the client in and returns it."""
    def _login(email: str):
        login(client, email)
        return client
    return _login


@pytest.fixture()
def today() -> date:
    return landlord_today()


# --- Tests that touch no database run once -------------------------------------------
# scripts/test runs the suite on SQLite, then on PostgreSQL. A test that never opens a
# database (the deadline arithmetic, the guard, translations, bandit…) proves nothing
# more the second time, so the PostgreSQL run keeps only the tests that can reach one:
# those using a fixture built on `app` (client, session, runner…) or another fixture that
# builds its own app, and those whose module or function can build an app itself
# (build_app / create_app / app_settings among its names).
DATABASE_FIXTURES = {"app", "hardened", "live_server", "servers", "throttled"}
APP_BUILDERS = {"build_app", "create_app", "app_settings", "make_database_url"}


def uses_database(item: pytest.Item) -> bool:
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    module = getattr(item, "module", None)
    code = getattr(getattr(item, "function", None), "__code__", None)
    names = set(vars(module)) if module is not None else set()
    if code is not None:
        names |= set(code.co_names) | set(code.co_varnames)
    return bool(APP_BUILDERS & names)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("PORTAL_TEST_DB", "sqlite") != "postgresql":
        return
    kept = [item for item in items if uses_database(item)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
        items[:] = kept
