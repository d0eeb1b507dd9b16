"""Commands that move the landlord's data in bulk: `seed-scale` (synthetic data at any
size), `export-csv DIR`, `import PATH` (with `--dry-run`) and `import-doc` (prints
docs/import.md from the catalogue). Messages follow `--lang fr|en` (French by default)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask_babel import force_locale, get_locale
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


def _num(value: int) -> str:
    """1,234,567 in English, 1 234 567 (narrow no-break spaces) in French."""
    text = f"{value:,}"
    return text.replace(",", "\u202f") if str(get_locale()) == "fr" else text


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
    from portal.accounts import service as accounts
    from portal.devdata import scale

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
        click.echo(_("%(tenants)s tenants and %(rows)s rows in %(seconds).1f s.", tenants=_num(result.tenants),
                     rows=_num(total), seconds=seconds))
        for name, count in scale.describe(result):
            click.echo(f"  {name:24} {count:>12,}")
        if result.heavy_emails or result.sample_emails:
            click.echo(_("Accounts with the demo password: heavy tenants %(heavy)s; typical tenants %(typical)s",
                         heavy=", ".join(result.heavy_emails[:3]), typical=", ".join(result.sample_emails[:3])))


@click.command("export-csv")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@LANG
def export_csv(directory: Path, lang: str) -> None:
    """Write every tenant's data as CSV files (one per category, plus buildings, dwellings,
    portfolios and staff assignments) and a manifest.json with row counts and checksums."""
    from portal.exchange import export as csvexport

    with force_locale(lang):
        db.session.close()
        started = time.perf_counter()
        with db.engine.begin() as conn:
            added = csvexport.backfill_identifiers(conn)
        with db.engine.connect() as conn:
            with _bar(csvexport.count_rows(conn), _("Exporting")) as bar:
                manifest = csvexport.export(conn, directory, progress=_Bar(bar))
        for name, info in manifest["files"].items():
            click.echo(f"  {name:28} {info['rows']:>12,}")
        if added:
            click.echo(_("%(count)s records written in the portal received a stable identifier (ext_id).",
                         count=added))
        click.echo(_("Exported %(rows)s rows to %(dir)s in %(seconds).1f s.",
                     rows=_num(sum(f["rows"] for f in manifest["files"].values())), dir=str(directory),
                     seconds=time.perf_counter() - started))


@click.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the files and report what would change, write nothing.")
@LANG
def import_data(path: Path, dry_run: bool, lang: str) -> None:
    """Import the landlord's CSV files (a directory, or one file): all or nothing,
    idempotent. See docs/import.md for the files and columns."""
    from portal.exchange import importer as importing

    with force_locale(lang):
        db.session.close()
        started = time.perf_counter()
        with _bar(importing.total_size(path) if path.exists() else 1, _("Importing")) as bar:
            report = importing.run(db.engine, path, dry_run=dry_run, progress=_Bar(bar))
        seconds = time.perf_counter() - started
        if not report.ok:
            for problem in report.problems:
                click.echo(str(problem), err=True)
            click.echo(_("Nothing was imported: %(count)s problem(s) found.", count=len(report.problems)), err=True)
            sys.exit(1)
        for f in report.files:
            click.echo(_("%(file)s: %(rows)s rows, %(created)s new, %(updated)s updated, %(unchanged)s unchanged",
                         file=f.name, rows=_num(f.rows), created=_num(f.created), updated=_num(f.updated),
                         unchanged=_num(f.unchanged)))
            for change in f.changes:
                click.echo(_("  updated %(change)s", change=change))
        if report.flagged:
            click.echo(_("%(count)s notes or incidents flagged by the sensitive-data guard await the DPO's review.",
                         count=_num(report.flagged)))
        if dry_run:
            click.echo(_("Dry run: nothing was written (%(seconds).1f s).", seconds=seconds))
        elif report.changed:
            click.echo(_("Import complete in %(seconds).1f s.", seconds=seconds))
        else:
            click.echo(_("Nothing changed: the database already holds these files (%(seconds).1f s).",
                         seconds=seconds))


@click.command("import-doc")
def import_doc() -> None:
    """Print docs/import.md (the CSV files and columns), generated from the catalogue."""
    from portal.exchange import doc as importdoc

    with force_locale("en"):
        click.echo(importdoc.render(), nl=False)


COMMANDS = [seed_scale, export_csv, import_data, import_doc]

