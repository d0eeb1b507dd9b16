"""Account commands: `portal create-staff` (a staff account from the command line, the first
administrator included) and `portal activation-letters`: one letter per tenant without an
activated account, each with a new one-time activation code (text files, to print and post)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from portal import settings
from portal.db import db
from portal.accounts import activation, passwords
from portal.accounts import staff as staff_service
from portal.accounts import service as accounts


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






@click.command("create-staff")
@click.argument("email_arg", metavar="[EMAIL]", required=False)
@click.option("--email", "email_opt", help="E-mail address (login).")
@click.option("--role", required=True, type=click.Choice(staff_service.ROLES), help="The staff role.")
@click.option("--name", default=None, help="Name shown to colleagues (default: from the e-mail address).")
@click.option("--password", default=None, help="The password (asked for, hidden, when not given).")
@click.option("--building", "buildings", multiple=True, help="Building reference (caretaker; repeatable).")
@click.option("--portfolio", "portfolios", multiple=True, help="Portfolio code (rental manager; repeatable).")
@click.option("--language", default="fr", type=click.Choice(["fr", "en"]), help="Interface language.")
def create_staff(email_arg: str | None, email_opt: str | None, role: str, name: str | None,
                 password: str | None, buildings: tuple[str, ...], portfolios: tuple[str, ...],
                 language: str) -> None:
    """Create a staff account with a role (and its buildings or portfolios)."""
    email = (email_opt or email_arg or "").strip()
    if not email:
        raise click.UsageError("give the e-mail address (EMAIL or --email)")
    name = name or email.split("@")[0].replace(".", " ").title()
    if buildings and role != "caretaker":
        raise click.UsageError("--building is for caretakers only")
    if portfolios and role != "manager":
        raise click.UsageError("--portfolio is for rental managers only")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problems = passwords.check_policy(password, email, (name,))
    if problems:
        raise click.ClickException("password refused: " + " ".join(p.message for p in problems))
    try:
        building_ids = staff_service.building_ids_for_refs(db.session, buildings)
        portfolio_ids = staff_service.portfolio_ids_for_codes(db.session, portfolios)
        user = staff_service.create_staff(
            db.session, None, email, role, name, building_ids=building_ids, portfolio_ids=portfolio_ids,
            password_hash=passwords.hash_password(accounts.hasher_for(current_app.config), password), language=language,
            no_building_ok=True)  # a script's choice stands; the warning below says what it means
    except staff_service.StaffError as err:
        db.session.rollback()
        messages = {"bad_email": f"not an e-mail address: {err.value}",
                    "email_taken": f"an account already uses {err.value}",
                    "unknown_building": f"no building with the reference {err.value}",
                    "unknown_portfolio": f"no portfolio with the code {err.value}",
                    "no_name": "the name is empty", "name_too_long": "the name is too long"}
        raise click.ClickException(messages.get(err.code, err.code))
    db.session.commit()
    where = ""
    if buildings:
        where = f", buildings {', '.join(buildings)}"
    elif portfolios:
        where = f", portfolios {', '.join(portfolios)}"
    click.echo(f"Staff account created: {user.email} ({role}{where}).")
    if staff_service.sees_no_tenant(role, building_ids):
        click.echo("Warning: a caretaker without a building sees no tenant; assign one with --building "
                   "or on the administration page.", err=True)


COMMANDS = [activation_letters, create_staff]
