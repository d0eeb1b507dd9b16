"""`portal purge [--dry-run] [--json]` (PRODUCT.md §8)."""

from __future__ import annotations

import json

import click

from portal.db import db
from portal.formatting import landlord_today
from portal.retention import purge as purge_service


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what is past its time; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: category key -> records past their time.")
def purge(dry_run: bool, as_json: bool) -> None:
    """Apply the catalogue's retention periods to every category."""
    progress = None if as_json else (lambda msg: click.echo(f"  {msg}", err=True))
    if not as_json:
        click.echo("Dry run: nothing is changed." if dry_run else "Applying the retention periods…", err=True)
    counts = purge_service.run(db.session, landlord_today(), dry_run=dry_run, progress=progress)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    if as_json:
        click.echo(json.dumps(counts, sort_keys=False))
        return
    for key, n in counts.items():
        click.echo(f"{key:16} {n}")
    click.echo(f"{sum(counts.values())} record(s) past their time" + (" (dry run: none removed)." if dry_run else "."))


COMMANDS = [purge]
