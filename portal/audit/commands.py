"""`portal audit verify`: walk the hash-chained audit log and say whether it is intact.
Exit 0 when it is; otherwise name the first entry that was altered, or whose
predecessor was removed or moved, and exit 1.

The check starts from the newest signed purge checkpoint and must pass through the
signed head kept outside the database (AUDIT_CHECKPOINT, instance/audit-checkpoint.json
by default); when the log is intact the head moves on to the chain's new end. Run it
from cron: the less time between checks, the less history a rewrite can hide. A copy of
the file kept by the DPO elsewhere can be checked with --checkpoint."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app

from portal.db import db
from portal.audit import chain as audit_service


def _read_head(path: Path) -> audit_service.Head | None:
    if not path.exists():
        return None
    return audit_service.Head.from_json(path.read_text())


def _write_head(path: Path, head: audit_service.Head) -> None:
    # Written beside, then renamed: a crash never leaves half a checkpoint (mode 600).
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(head.as_json())
    os.replace(tmp, path)


@click.group("audit")
def audit() -> None:
    """The audit log (append-only, hash-chained)."""


@audit.command("verify")
@click.option("--checkpoint", "checkpoint", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A signed head kept elsewhere (default: AUDIT_CHECKPOINT in instance/).")
def verify(checkpoint: Path | None) -> None:
    """Check every entry of the audit log against its HMAC, its predecessor and the
    signed checkpoint kept outside the database."""
    own = Path(current_app.config["AUDIT_CHECKPOINT"])
    path = checkpoint or own
    try:
        kept = _read_head(path)
    except (ValueError, KeyError) as err:
        click.echo(f"Audit log NOT verified: the checkpoint {path} is unreadable ({err}).")
        raise SystemExit(1)
    result = audit_service.verify(db.session, kept=kept)
    if result.ok:
        if result.end is not None and checkpoint is None:
            _write_head(own, result.end)
        click.echo(f"Audit log intact, {result.checked} entries.")
        return
    click.echo(f"Audit log NOT intact: entry {result.bad_id} — {result.reason}. "
               f"{result.checked} entries before it are intact.", err=False)
    raise SystemExit(1)


COMMANDS = [audit]
