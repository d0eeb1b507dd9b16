"""Schema management with Alembic: `portal init-db` brings any database to the latest
revision; `portal db-revision` (developers) autogenerates one. Migrations live in portal/migrations/versions."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from portal.db import db

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str | None = None, connection: Connection | None = None) -> None:
    """Bring the database to the latest schema (idempotent)."""
    command.upgrade(alembic_config(url, connection), "head")


def revision(url: str, message: str) -> None:
    """Autogenerate a new migration from the models (developers only)."""
    command.revision(alembic_config(url), message=message, autogenerate=True)


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema to the latest version."""
    with db.engine.begin() as conn:
        upgrade(connection=conn)
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")


@click.command("db-revision")
@click.argument("message")
def db_revision(message: str) -> None:
    """(Developers) autogenerate a migration from the models."""
    revision(db.engine.url.render_as_string(hide_password=False), message)


COMMANDS = [init_db, db_revision]
