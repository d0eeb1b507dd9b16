"""The `portal` command line (the same as `flask --app portal …`). Each command parses
its arguments and calls a service; the work itself lives in the services."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from portal.accounts.staff_commands import create_staff
from portal.audit.commands import audit
from portal.db import db
from portal.exchange.commands import COMMANDS as DATA_COMMANDS
from portal.notes.commands import scan_notes
from portal.accounts.commands import activation_letters
from portal.mailings.commands import mailing_list
from portal.retention.commands import purge


def main() -> None:
    from portal import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), help="The tenant privacy portal.")
    cli.main(prog_name="portal")


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema to the latest version."""
    from portal import schema

    with db.engine.begin() as conn:
        schema.upgrade(connection=conn)
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")


@click.command("db-revision")
@click.argument("message")
def db_revision(message: str) -> None:
    """(Developers) autogenerate a migration from the models."""
    from portal import schema

    schema.revision(db.engine.url.render_as_string(hide_password=False), message)


@click.command("demo")
def demo() -> None:
    """Create the demo data and accounts (idempotent) and print the accounts."""
    from portal.devdata import demo as demo_service

    accounts = demo_service.load(db.session, current_app, progress=click.echo)
    db.session.commit()
    from portal.accounts.commands import mark_demo_instance

    mark_demo_instance()
    click.echo("")
    click.echo(f"Demo accounts (password: {demo_service.DEMO_PASSWORD}):")
    for email, role, what in accounts:
        click.echo(f"  {email:32} {role:10} {what}")


COMMANDS = [init_db, db_revision, demo, activation_letters, scan_notes, audit, create_staff, purge, mailing_list,
            *DATA_COMMANDS]


def _in_app_context(command: click.Command) -> None:
    """Run every command (and sub-command) inside an app context, whoever invokes it
    (the `portal` script, `flask --app portal`, or a test runner)."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _in_app_context(sub)
    elif command.callback is not None and not getattr(command.callback, "_portal_ctx", False):
        command.callback = with_appcontext(command.callback)
        command.callback._portal_ctx = True


def register_commands(app: Flask) -> None:
    for command in COMMANDS:
        _in_app_context(command)
        app.cli.add_command(command)
