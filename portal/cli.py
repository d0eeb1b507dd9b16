"""The `portal` command line (the same as `flask --app portal …`). Each area declares its
commands next to the logic they run (a `COMMANDS` list in its commands module); this
module gathers them, runs each inside an app context and is the console script."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from portal import schema
from portal.accounts import commands as account_commands
from portal.audit import commands as audit_commands
from portal.devdata import commands as devdata_commands
from portal.exchange import commands as exchange_commands
from portal.jobs import commands as job_commands
from portal.notes import commands as notes_commands
from portal.mailings import commands as mailing_commands
from portal.retention import commands as retention_commands


def main() -> None:
    from portal import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), help="The tenant privacy portal.")
    cli.main(prog_name="portal")


COMMANDS = [*schema.COMMANDS, *devdata_commands.COMMANDS, *account_commands.COMMANDS,
            *notes_commands.COMMANDS, *audit_commands.COMMANDS, *exchange_commands.COMMANDS,
            *job_commands.COMMANDS, *retention_commands.COMMANDS, *mailing_commands.COMMANDS]

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
