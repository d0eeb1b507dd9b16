"""No lost work (portal/web/forms.py): a form whose CSRF token expired while the tenant
was writing, or whose text holds unreadable characters, comes back with what was typed,
a message in the user's language and a fresh token; nothing is acted on, and sending it
again works."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from portal.models import PrivacyRequest, Tenant, User
from tests.conftest import DEMO_PASSWORD
from tests.security.helpers import CAMILLE, csrf_token, db_session

LONG_TEXT = "Mon dossier mentionne une dette que j'ai réglée en mars 2024, merci de la retirer. " * 30


def _filed(app) -> int:
    with app.app_context():
        s = db_session(app)
        try:
            return s.scalar(select(func.count()).select_from(PrivacyRequest).join(Tenant).join(
                User, User.tenant_id == Tenant.id).where(User.email == CAMILLE))
        finally:
            s.close()


def _logged_in(app):
    client = app.test_client()
    response = client.post("/login", data={"email": CAMILLE, "password": DEMO_PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    return client


def _fresh_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]{20,})"', page).group(1)


def test_an_expired_token_keeps_the_request_text_and_files_nothing(hardened):
    client = _logged_in(hardened)
    token = csrf_token(client, "/me/requests/new?kind=access")
    before = _filed(hardened)
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
    assert _filed(hardened) == before
    # Sent again with the token of the page shown: filed.
    again = client.post("/me/requests/new", data={"kind": "access", "details": LONG_TEXT,
                                                  "csrf_token": _fresh_token(page)})
    assert again.status_code in (302, 303)
    assert _filed(hardened) == before + 1


def test_the_expired_form_message_is_in_french_too(hardened):
    client = _logged_in(hardened)
    response = client.post("/me/requests/new", data={"kind": "access", "details": LONG_TEXT,
                                                     "csrf_token": "expired"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "ce formulaire avait expiré" in page
    assert "réglée en mars 2024" in page


def test_unreadable_characters_are_removed_and_the_rest_kept(hardened):
    client = _logged_in(hardened)
    token = csrf_token(client, "/me/requests/new?kind=access")
    before = _filed(hardened)
    response = client.post("/me/requests/new?lang=en", data={
        "kind": "access", "details": "Merci de corriger\x00 mon adresse au 12 rue des Lilas.", "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "characters that cannot be read" in page
    assert "Merci de corriger mon adresse au 12 rue des Lilas." in page
    assert _filed(hardened) == before


def test_a_form_without_its_own_handling_still_gets_the_global_check(hardened):
    """Logout has no form to show again: a POST without a valid token is refused outright
    (Flask-WTF's global check) and the user stays logged in."""
    client = _logged_in(hardened)
    assert client.post("/logout", data={"csrf_token": "expired"}).status_code == 400
    assert client.get("/me").status_code == 200
