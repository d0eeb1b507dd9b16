"""`portal audit verify`: walk the hash-chained audit log and say whether it is intact.
Exit 0 when it is; otherwise name the first entry that was altered, or whose
predecessor was removed or moved, and exit 1."""

from __future__ import annotations

import click

from portal.db import db
from portal.audit import chain as audit_service


@click.group("audit")
def audit() -> None:
    """The audit log (append-only, hash-chained)."""


@audit.command("verify")
def verify() -> None:
    """Check every entry of the audit log against its hash and its predecessor."""
    result = audit_service.verify(db.session)
    if result.ok:
        click.echo(f"Audit log intact, {result.checked} entries.")
        return
    click.echo(f"Audit log NOT intact: entry {result.bad_id} — {result.reason}. "
               f"{result.checked} entries before it are intact.", err=False)
    raise SystemExit(1)


COMMANDS = [audit]
