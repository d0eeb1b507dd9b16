"""Small tools for the attack suite: CSRF tokens, URL filling, who is who."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from portal.db import Database
from portal.models import PrivacyRequest, Tenant, User

CAMILLE = "camille.martin@example.org"
KARIM = "karim.benali@example.org"
CARETAKER = "gardien.lilas@example.org"
PAYLOAD = '<script>alert("pwn")</script><img src=x onerror=alert(1)>'


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def db_session(app):
    return Database.state(app).factory()


def ids(app) -> dict[str, Any]:
    """Real ids of the demo data: Camille's and Karim's tenant ids and request refs."""
    with app.app_context():
        s = db_session(app)
        try:
            camille = s.scalar(select(Tenant).join(User, User.tenant_id == Tenant.id).where(User.email == CAMILLE))
            karim = s.scalar(select(Tenant).join(User, User.tenant_id == Tenant.id).where(User.email == KARIM))
            refs = {t.id: list(s.scalars(select(PrivacyRequest.ref).where(PrivacyRequest.tenant_id == t.id)))
                    for t in (camille, karim)}
            return {"camille": camille.id, "karim": karim.id, "camille_refs": refs[camille.id],
                    "karim_refs": refs[karim.id]}
        finally:
            s.close()


def fill(rule: str, values: dict[str, str]) -> str:
    """/me/requests/<ref>/letter.pdf + {"ref": "X"} → /me/requests/X/letter.pdf"""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values.get(m.group(1), "1")), rule)


def rules(app, prefix: str = "", method: str = "GET") -> list[str]:
    return sorted({r.rule for r in app.url_map.iter_rules()
                   if r.rule.startswith(prefix) and method in (r.methods or ()) and r.endpoint != "static"})
