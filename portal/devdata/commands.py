"""`portal demo` (the demo landlord and its accounts) and `portal seed-scale` (a synthetic
landlord of any size)."""

from __future__ import annotations

import time

import click
from flask import current_app

from portal.db import db
from portal.i18n import gettext as _
from portal.i18n import in_locale
from portal.progress import LANG, Bar, number, progress_bar


@click.command("demo")
def demo() -> None:
    """Create the demo data and accounts (idempotent) and print the accounts."""
    from portal.devdata import demo as demo_service

    accounts = demo_service.load(db.session, current_app.config, progress=click.echo)
    db.session.commit()
    from portal.accounts.commands import mark_demo_instance

    mark_demo_instance()
    click.echo("")
    click.echo(f"Demo accounts (password: {demo_service.DEMO_PASSWORD}):")
    for email, role, what in accounts:
        click.echo(f"  {email:32} {role:10} {what}")


@click.command("seed-scale")
@click.option("--tenants", type=click.IntRange(1, 5_000_000), required=True,
              help="How many tenants to create.")
@click.option("--seed", "seed_value", type=click.IntRange(0, 10**6), default=1, show_default=True,
              help="Random seed: the same seed gives the same data.")
@LANG
def seed_scale(tenants: int, seed_value: int, lang: str) -> None:
    """Generate realistic synthetic data (buildings, leases, tenants, payments, notes,
    requests in every state) in bulk, alongside whatever the database holds."""
    from portal.accounts import service as accounts
    from portal.devdata import scale

    with in_locale(lang):
        pw_hash = accounts.hasher_for(current_app.config).hash("demo-portal-2026")
        db.session.close()  # the load needs the only connection to an SQLite file
        started = time.perf_counter()
        try:
            with progress_bar(tenants, _("Generating tenants")) as bar:
                result = scale.seed(db.engine, tenants, seed_value, password_hash=pw_hash, progress=Bar(bar))
        except scale.AlreadySeeded:
            raise click.ClickException(_("Seed %(seed)s is already loaded in this database: choose another "
                                         "--seed.", seed=seed_value))
        seconds = time.perf_counter() - started
        total = sum(result.rows.values())
        click.echo(_("%(tenants)s tenants and %(rows)s rows in %(seconds).1f s.", tenants=number(result.tenants),
                     rows=number(total), seconds=seconds))
        for name, count in scale.describe(result):
            click.echo(f"  {name:24} {count:>12,}")
        if result.heavy_emails or result.sample_emails:
            click.echo(_("Accounts with the demo password: heavy tenants %(heavy)s; typical tenants %(typical)s",
                         heavy=", ".join(result.heavy_emails[:3]), typical=", ".join(result.sample_emails[:3])))


COMMANDS = [demo, seed_scale]
