"""Small tools for the attack suite: CSRF tokens, URL filling, who is who."""

from __future__ import annotations

import re
from types import SimpleNamespace

from sqlalchemy.orm import Session

from portal.db import Database
from tests import builders

PAYLOAD = '<script>alert("pwn")</script><img src=x onerror=alert(1)>'


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def db_session(app):
    return Database.state(app).factory()


def cast(session: Session) -> SimpleNamespace:
    """Who is who for an attack (tests/builders.estate): the tenant Apolline Verdier with
    one request, her neighbour Bastien Quenault (another building of the same portfolio)
    with two, the caretaker of her building only, the manager, the DPO, the admin. Names
    are found nowhere else, so a page that shows them shows these people."""
    people = builders.estate(session)
    people.tenant.first_name, people.tenant.last_name = "Apolline", "Verdier"
    people.neighbour.first_name, people.neighbour.last_name = "Bastien", "Quenault"
    people.neighbour.tenant_number = "NUM-QUENAULT"
    people.tenant_account.display_name, people.neighbour_account.display_name = "Apolline Verdier", "Bastien Quenault"
    people.own_refs = [builders.request(session, people.tenant).ref]
    people.neighbour_refs = [builders.request(session, people.neighbour).ref,
                             builders.request(session, people.neighbour, kind="rectification", status="closed").ref]
    session.flush()
    return people


def committed_cast(app) -> SimpleNamespace:
    """`cast`, committed into an app a test built for itself (hardened, throttled…)."""
    with builders.committed(app) as s:
        return cast(s)


def fill(rule: str, values: dict[str, str]) -> str:
    """/me/requests/<ref>/letter.pdf + {"ref": "X"} → /me/requests/X/letter.pdf"""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values.get(m.group(1), "1")), rule)


def rules(app, prefix: str = "", method: str = "GET") -> list[str]:
    return sorted({r.rule for r in app.url_map.iter_rules()
                   if r.rule.startswith(prefix) and method in (r.methods or ()) and r.endpoint != "static"})
