"""No lost work (portal/web/forms.py): a form whose CSRF token expired while the tenant
was writing, or whose text holds unreadable characters, comes back with what was typed,
a message in the user's language and a fresh token; nothing is acted on, and sending it
again works."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.models import PrivacyRequest
from tests import builders
from tests.builders import PASSWORD
from tests.security.helpers import csrf_token, db_session

LONG_TEXT = "Mon dossier mentionne une dette que j'ai réglée en mars 2024, merci de la retirer. " * 30


@pytest.fixture()
def writer(hardened):
    """A tenant of her own in the hardened app (tests/security/conftest.py), and her account."""
    with builders.committed(hardened) as s:
        return builders.tenant_with_account(s)


def _filed(app, tenant) -> list[str]:
    """The details of every request the tenant has filed."""
    with app.app_context():
        s = db_session(app)
        try:
            return list(s.scalars(select(PrivacyRequest.details).where(PrivacyRequest.tenant_id == tenant.id)))
        finally:
            s.close()


def _logged_in(app, writer):
    client = app.test_client()
    response = client.post("/login", data={"email": writer[1].email, "password": PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    return client


def _fresh_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]{20,})"', page).group(1)


def test_an_expired_token_keeps_the_request_text_and_files_nothing(hardened, writer):
    client = _logged_in(hardened, writer)
    token = csrf_token(client, "/me/requests/new?kind=access")
    limit = hardened.config["WTF_CSRF_TIME_LIMIT"]
    hardened.config["WTF_CSRF_TIME_LIMIT"] = -1  # the token the page carried is now too old
    try:
        response = client.post("/me/requests/new?lang=en",
                               data={"kind": "access", "details": LONG_TEXT, "csrf_token": token})
    finally:
        hardened.config["WTF_CSRF_TIME_LIMIT"] = limit
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400
    assert "this form had expired. Nothing was sent: your text is kept below" in page
    assert LONG_TEXT.strip() in page
    assert _filed(hardened, writer[0]) == []
    # Sent again with the token of the page shown: filed.
    again = client.post("/me/requests/new", data={"kind": "access", "details": LONG_TEXT,
                                                  "csrf_token": _fresh_token(page)})
    assert again.status_code in (302, 303)
    assert [text.strip() for text in _filed(hardened, writer[0])] == [LONG_TEXT.strip()]


def test_the_expired_form_message_is_in_french_too(hardened, writer):
    client = _logged_in(hardened, writer)
    response = client.post("/me/requests/new", data={"kind": "access", "details": LONG_TEXT,
                                                     "csrf_token": "expired"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "ce formulaire avait expiré" in page
    assert "réglée en mars 2024" in page


def test_unreadable_characters_are_removed_and_the_rest_kept(hardened, writer):
    client = _logged_in(hardened, writer)
    token = csrf_token(client, "/me/requests/new?kind=access")
    response = client.post("/me/requests/new?lang=en", data={
        "kind": "access", "details": "Merci de corriger\x00 mon adresse au 12 rue des Lilas.", "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "characters that cannot be read" in page
    assert "Merci de corriger mon adresse au 12 rue des Lilas." in page
    assert _filed(hardened, writer[0]) == []


def test_a_form_without_its_own_handling_still_gets_the_global_check(hardened, writer):
    """Logout has no form to show again: a POST without a valid token is refused outright
    (Flask-WTF's global check) and the user stays logged in."""
    client = _logged_in(hardened, writer)
    assert client.post("/logout", data={"csrf_token": "expired"}).status_code == 400
    assert client.get("/me").status_code == 200
