"""`portal mailing-list --purpose survey|newsletter [--json]`: who a mailing goes to."""

from __future__ import annotations

import json

import click

from portal.db import db
from portal.mailings import service


@click.command("mailing-list")
@click.option("--purpose", required=True, help="survey, newsletter (or a processing key).")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def mailing_list(purpose: str, as_json: bool) -> None:
    """List the tenants a mailing may be sent to; those who objected (Art. 21) are left out."""
    try:
        proc = service.processing_for(purpose)
    except service.UnknownMailing:
        raise click.BadParameter(f"unknown mailing {purpose!r}; choose among: "
                                 + ", ".join(service.ALIASES), param_hint="--purpose") from None
    people = list(service.recipients(db.session, purpose))
    left_out = service.excluded_by_objection(db.session, purpose)
    if as_json:
        click.echo(json.dumps({"processing": proc.key, "excluded_by_objection": left_out,
                               "recipients": [r.__dict__ for r in people]}, ensure_ascii=False))
        return
    for r in people:
        click.echo(f"{r.tenant_number}\t{r.email}\t{r.language}\t{r.name}")
    click.echo(f"{len(people)} recipient(s); {left_out} left out because they objected (GDPR Art. 21).", err=True)


COMMANDS = [mailing_list]
