"""Commands that move the landlord's data in bulk: `export-csv DIR`, `import PATH` (with `--dry-run`) and `import-doc` (prints
docs/import.md from the catalogue). Messages follow `--lang fr|en` (French by default)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from portal.db import db
from portal.i18n import gettext as _
from portal.i18n import in_locale
from portal.progress import LANG, Bar, number, progress_bar



@click.command("export-csv")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@LANG
def export_csv(directory: Path, lang: str) -> None:
    """Write every tenant's data as CSV files (one per category, plus buildings, dwellings,
    portfolios and staff assignments) and a manifest.json with row counts and checksums."""
    from portal.exchange import export as csvexport

    with in_locale(lang):
        db.session.close()
        started = time.perf_counter()
        with db.engine.begin() as conn:
            added = csvexport.backfill_identifiers(conn)
        with db.engine.connect() as conn:
            with progress_bar(csvexport.count_rows(conn), _("Exporting")) as bar:
                manifest = csvexport.export(conn, directory, progress=Bar(bar))
        for name, info in manifest["files"].items():
            click.echo(f"  {name:28} {info['rows']:>12,}")
        if added:
            click.echo(_("%(count)s records written in the portal received a stable identifier (ext_id).",
                         count=added))
        click.echo(_("Exported %(rows)s rows to %(dir)s in %(seconds).1f s.",
                     rows=number(sum(f["rows"] for f in manifest["files"].values())), dir=str(directory),
                     seconds=time.perf_counter() - started))


@click.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the files and report what would change, write nothing.")
@LANG
def import_data(path: Path, dry_run: bool, lang: str) -> None:
    """Import the landlord's CSV files (a directory, or one file): all or nothing,
    idempotent. See docs/import.md for the files and columns."""
    from portal.exchange import importer as importing

    with in_locale(lang):
        db.session.close()
        started = time.perf_counter()
        with progress_bar(importing.total_size(path) if path.exists() else 1, _("Importing")) as bar:
            report = importing.run(db.engine, path, dry_run=dry_run, progress=Bar(bar))
        seconds = time.perf_counter() - started
        if not report.ok:
            for problem in report.problems:
                click.echo(str(problem), err=True)
            click.echo(_("Nothing was imported: %(count)s problem(s) found.", count=len(report.problems)), err=True)
            sys.exit(1)
        for f in report.files:
            click.echo(_("%(file)s: %(rows)s rows, %(created)s new, %(updated)s updated, %(unchanged)s unchanged",
                         file=f.name, rows=number(f.rows), created=number(f.created), updated=number(f.updated),
                         unchanged=number(f.unchanged)))
            for change in f.changes:
                click.echo(_("  updated %(change)s", change=change))
        if report.flagged:
            click.echo(_("%(count)s notes or incidents flagged by the sensitive-data guard await the DPO's review.",
                         count=number(report.flagged)))
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

    with in_locale("en"):
        click.echo(importdoc.render(), nl=False)


COMMANDS = [export_csv, import_data, import_doc]

