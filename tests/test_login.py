"""Login and logout."""

from __future__ import annotations

from tests import builders
from tests.builders import PASSWORD
from tests.conftest import DEMO_PASSWORD, login


def _tenant_email(session) -> str:
    """The login of a built tenant (password: builders.PASSWORD)."""
    _, account = builders.tenant_with_account(session)
    session.commit()
    return account.email


def test_same_message_for_unknown_email_and_wrong_password(client, session):
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "whatever-123"})
    wrong = client.post("/login", data={"email": _tenant_email(session), "password": "wrong-pass"})
    assert unknown.status_code == wrong.status_code == 200
    msg = "Adresse e-mail ou mot de passe incorrect."
    assert msg in unknown.get_data(as_text=True) and msg in wrong.get_data(as_text=True)


def test_empty_form_says_what_is_missing_in_english(client):
    page = client.post("/login?lang=en", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Enter your e-mail address." in page and "Enter your password." in page


def test_every_demo_account_logs_in_and_lands_on_its_home(client):
    # About the demo itself (PRODUCT.md §8: these accounts exist and log in): kept on the demo.
    homes = {"camille.martin@example.org": "/me", "karim.benali@example.org": "/me",
             "gardien.lilas@example.org": "/staff/tenants", "gestion@example.org": "/staff/requests",
             "dpo@example.org": "/staff/requests", "admin@example.org": "/admin/staff"}
    for email, home in homes.items():
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and response.headers["Location"].endswith(home), email
        client.post("/logout")


def test_logout_kills_a_copied_cookie(app, session):
    first = app.test_client()
    login(first, _tenant_email(session), PASSWORD)
    cookie = first.get_cookie("session")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/me").status_code == 200
    first.post("/logout")
    assert thief.get("/me").status_code == 302  # back to the login page


def test_next_never_leaves_the_site(client, session):
    email = _tenant_email(session)
    for target in ("https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"):
        response = client.post(f"/login?next={target}",
                               data={"email": email, "password": PASSWORD})
        assert response.headers["Location"].endswith("/me"), target
        client.post("/logout")
