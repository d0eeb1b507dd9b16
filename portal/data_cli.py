"""Commands that move the landlord's data in bulk: `seed-scale` (synthetic data at any
size), `export-csv DIR`, `import PATH` (with `--dry-run`) and `import-doc` (prints
docs/import.md from the catalogue). Messages follow `--lang fr|en` (French by default)."""

from __future__ import annotations

import sys
import time
from typing import Any

import click
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.db import db

LANG = click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
                    help="Language of the messages.")


class _Bar:
    """A click progress bar fed by a service's `progress(n)` callback."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def __call__(self, n: int) -> None:
        self.bar.update(n)


def _bar(length: int, label: str) -> Any:
    return click.progressbar(length=max(1, length), label=label, file=sys.stderr,
                             show_eta=True, show_percent=True, width=30)


@click.command("seed-scale")
@click.option("--tenants", type=click.IntRange(1, 5_000_000), required=True,
              help="How many tenants to create.")
@click.option("--seed", "seed_value", type=click.IntRange(0, 10**6), default=1, show_default=True,
              help="Random seed: the same seed gives the same data.")
@LANG
def seed_scale(tenants: int, seed_value: int, lang: str) -> None:
    """Generate realistic synthetic data (buildings, leases, tenants, payments, notes,
    requests in every state) in bulk, alongside whatever the database holds."""
    from portal.services import accounts, scale

    with force_locale(lang):
        pw_hash = accounts.hasher_for(current_app).hash("demo-portal-2026")
        db.session.close()  # the load needs the only connection to an SQLite file
        started = time.perf_counter()
        try:
            with _bar(tenants, _("Generating tenants")) as bar:
                result = scale.seed(db.engine, tenants, seed_value, password_hash=pw_hash, progress=_Bar(bar))
        except scale.AlreadySeeded:
            raise click.ClickException(_("Seed %(seed)s is already loaded in this database: choose another "
                                         "--seed.", seed=seed_value))
        seconds = time.perf_counter() - started
        total = sum(result.rows.values())
        click.echo(_("%(tenants)s tenants and %(rows)s rows in %(seconds).1f s.", tenants=f"{result.tenants:,}",
                     rows=f"{total:,}", seconds=seconds))
        for name, count in scale.describe(result):
            click.echo(f"  {name:24} {count:>12,}")
        if result.heavy_emails or result.sample_emails:
            click.echo(_("Accounts with the demo password: heavy tenants %(heavy)s; typical tenants %(typical)s",
                         heavy=", ".join(result.heavy_emails[:3]), typical=", ".join(result.sample_emails[:3])))


COMMANDS = [seed_scale]

