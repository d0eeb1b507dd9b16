"""Migrations: `portal init-db` builds the schema the models describe, and is idempotent."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

import portal.models  # noqa: F401
from portal.db import Base, Database


def test_migrated_database_matches_the_models(app):
    with Database.state(app).engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_init_db_twice_changes_nothing(app, runner):
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    with Database.state(app).engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0005"


def test_demo_twice_duplicates_nothing(app, runner, session):
    from sqlalchemy import func, select

    from portal.models import Note, Payment, PrivacyRequest, Tenant, User

    def counts():
        return [session.scalar(select(func.count()).select_from(m)) for m in (Tenant, User, Payment, Note, PrivacyRequest)]

    before = counts()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "camille.martin@example.org" in result.output and "demo-portal-2026" in result.output
    session.expire_all()
    assert counts() == before
