"""`portal activation-letters`: one letter per tenant without an activated account,
each with a new one-time activation code (text files, to print and post)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from portal import settings
from portal.db import db
from portal.accounts import activation


@click.command("activation-letters")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the letters (default: instance/letters/activation).")
@click.option("--tenant", "numbers", multiple=True, help="Only this tenant number (repeatable).")
@click.option("--url", default=None, help="The portal's public address printed on the letters.")
def activation_letters(out_dir: Path | None, numbers: tuple[str, ...], url: str | None) -> None:
    """Write activation letters (one text file per tenant without an active account)."""
    out = out_dir or Path(current_app.instance_path) / "letters" / "activation"
    base = url or current_app.config.get("PUBLIC_URL") or current_app.config["LANDLORD"].get("website", "")
    link = base.rstrip("/") + "/activate"
    letters = activation.write_letters(db.session, out, link, current_app.config["ACTIVATION_CODE_DAYS"],
                                       current_app.config["LANDLORD"], numbers, progress=click.echo)
    db.session.commit()
    click.echo(f"{len(letters)} letter(s) written to {out}" if letters
               else "No tenant without an active account: no letter written.")


def mark_demo_instance() -> None:
    """`portal demo` marks its instance: staff two-factor is then optional (DEMO_MODE),
    outside the production profile only (settings.load ignores the mark there)."""
    if current_app.config.get("ENV_PROFILE") == "production":
        return
    (Path(current_app.instance_path) / settings.DEMO_MARKER).write_text(
        "Created by `portal demo`: demo mode (staff two-factor optional). Delete to leave it.\n")
    current_app.config["DEMO_MODE"] = True
