"""Shared steps of the request tests."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from portal.models import PrivacyRequest
from portal import mail
from tests.builders import PASSWORD
from tests.conftest import login


def file_request(client, email: str, lang: str = "fr", password: str = PASSWORD, **data) -> str:
    """Log in as a tenant (a built account by default: tests/builders), file a request
    through the form, return its reference."""
    login(client, email, password)
    form = {"kind": "rectification", "field": "contact.phone", "proposed_value": "01 45 67 89 10",
            "details": "Nouveau numéro."}
    form.update(data)
    response = client.post(f"/me/requests/new?lang={lang}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    ref = re.search(r"/me/requests/([A-Z0-9-]+)$", response.headers["Location"]).group(1)
    client.post("/logout")
    return ref


def switch(client, email: str) -> None:
    client.post("/logout")
    login(client, email)


def load(session, ref: str) -> PrivacyRequest:
    session.expire_all()
    return session.scalar(select(PrivacyRequest).where(PrivacyRequest.ref == ref))


def mails_about(app, ref: str) -> list:
    box = Path(app.config["MAIL_OUTBOX"])
    return [m for m in mail.read_outbox(box) if ref in str(m["Subject"])] if box.exists() else []


def text(response) -> str:
    return response.get_data(as_text=True)


def plain_session(app):
    """A session in the test's transaction WITHOUT pushing an app context: the conftest
    `session` fixture keeps one app context open, which every test-client request would
    then share (one `g`, so one cached actor for every user of the test)."""
    from portal.db import Database

    return Database.state(app).factory()
