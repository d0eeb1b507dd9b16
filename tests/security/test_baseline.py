"""The security baseline seen from outside: headers, throttling, sessions, 2FA,
activation, password reset, production guard, error pages."""

from __future__ import annotations

import re

import pyotp
import pytest

from portal.models import OneTimeToken
from portal.web import sessions
from portal import mail
from sqlalchemy import select
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import login


def _tenant_email(session) -> str:
    """A tenant's login e-mail (their password: builders.PASSWORD)."""
    return builders.tenant_with_account(session)[1].email


def _in(app, role: str = "tenant") -> str:
    """An account committed into an app built for its own tests (throttled, hardened)."""
    with builders.committed(app) as s:
        return _tenant_email(s) if role == "tenant" else builders.account(s, role).email


def test_every_page_carries_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # development


def test_no_template_has_inline_script_or_style():
    from pathlib import Path

    for path in Path("templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\sstyle=|<script(?![^>]*\ssrc=)", text), path


def test_logged_in_pages_are_not_cached(client, session):
    login(client, _tenant_email(session), PASSWORD)
    assert client.get("/me").headers["Cache-Control"] == "no-store"


def test_five_failures_then_even_the_right_password_waits(throttled):
    email = _in(throttled)
    client = throttled.test_client()
    for _ in range(5):
        page = client.post("/login?lang=en", data={"email": email, "password": "wrong-password-1"})
        assert page.status_code == 200
    refused = client.post("/login?lang=en", data={"email": email, "password": PASSWORD})
    assert refused.status_code == 429
    assert "Too many failed attempts. Please wait 1 minutes" in refused.get_data(as_text=True)


def test_unknown_address_is_throttled_exactly_like_a_real_one(throttled):
    known = _in(throttled)
    client = throttled.test_client()
    answers = []
    for email in (known, "nobody-here@example.org"):
        codes = [client.post("/login", data={"email": email, "password": "nope-nope-1"}).status_code
                 for _ in range(6)]
        answers.append(codes)
    assert answers[0] == answers[1] == [200] * 5 + [429]


def test_idle_session_expires(client, session, monkeypatch):
    login(client, _tenant_email(session), PASSWORD)
    assert client.get("/me").status_code == 200
    start = sessions.now()
    monkeypatch.setattr(sessions, "now", lambda: start + 31 * 60)
    response = client.get("/me")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_absolute_session_limit_even_when_active(client, session, monkeypatch):
    login(client, _tenant_email(session), PASSWORD)
    start = sessions.now()
    for minutes in range(20, 9 * 60, 20):  # active every 20 minutes for 9 hours
        monkeypatch.setattr(sessions, "now", lambda m=minutes: start + m * 60)
        response = client.get("/me")
        if response.status_code == 302:
            break
    assert minutes > 8 * 60 - 20 and "/login" in response.headers["Location"]


def test_totp_enrolment_login_and_no_replay(hardened):
    dpo = _in(hardened, "dpo")
    client = hardened.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": dpo, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    # Not enrolled: every page leads to enrolment.
    assert client.get("/staff").headers["Location"].endswith("/account/two-factor")
    page = client.get("/account/two-factor?lang=en").get_data(as_text=True)
    assert "<svg" in page and "Scan this QR code" in page
    secret = re.search(r'<code class="ref">([A-Z2-7]+)</code>', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    code = pyotp.TOTP(secret).now()
    codes_page = client.post("/account/two-factor?lang=en", data={"code": code, "csrf_token": token})
    assert codes_page.status_code == 200
    recovery = re.findall(r'<code class="ref">([0-9a-f]{6}-[0-9a-f]{6})</code>', codes_page.get_data(as_text=True))
    assert len(recovery) == 10
    client.post("/logout", data={"csrf_token": token})

    fresh = hardened.test_client()
    page = fresh.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    step = fresh.post("/login", data={"email": dpo, "password": PASSWORD, "csrf_token": token})
    assert step.headers["Location"].endswith("/login/two-factor")
    page = fresh.get("/login/two-factor").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    # The code used at enrolment is refused: a TOTP code works once.
    again = fresh.post("/login/two-factor?lang=en", data={"code": code, "csrf_token": token})
    assert again.status_code == 200 and "This code is not valid" in again.get_data(as_text=True)
    ok = fresh.post("/login/two-factor", data={"code": recovery[0], "csrf_token": token})
    assert ok.status_code == 302 and "/login" not in ok.headers["Location"]


def test_activation_letter_code_password_and_email_confirmation(app, runner, session, tmp_path):
    builders.tenant(session, tenant_number="ESSAI-9999", first_name="Nadia", last_name="Haddad")
    session.commit()
    result = runner.invoke(args=["activation-letters", "--out", str(tmp_path), "--tenant", "ESSAI-9999"])
    assert result.exit_code == 0, result.output
    letter = (tmp_path / "activation-ESSAI-9999.txt").read_text(encoding="utf-8")
    assert "Code d'activation" in letter
    code = re.search(r"([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})", letter).group(1)
    client = app.test_client()
    weak = client.post("/activate?lang=en", data={"code": code, "email": "nadia@example.org",
                                                   "password": "password1234", "password_confirm": "password1234"})
    assert "common or leaked" in weak.get_data(as_text=True) or "too weak" in weak.get_data(as_text=True)
    good = "Tilleul-Orage-42-Sable!"
    done = client.post("/activate?lang=en", data={"code": code, "email": "nadia@example.org",
                                                   "password": good, "password_confirm": good})
    assert "open it to confirm your address" in done.get_data(as_text=True)
    reuse = client.post("/activate?lang=en", data={"code": code, "email": "other@example.org",
                                                    "password": good, "password_confirm": good})
    assert "not valid, or was already used" in reuse.get_data(as_text=True)
    not_yet = client.post("/login?lang=en", data={"email": "nadia@example.org", "password": good})
    assert "confirm your e-mail address first" in not_yet.get_data(as_text=True)
    message = mail.read_outbox(__import__("pathlib").Path(app.config["MAIL_OUTBOX"]))[-1]
    link = re.search(r"http://localhost(/confirm-email/\S+)", message.get_content()).group(1)
    assert client.get(link).status_code == 302
    assert client.get(link).status_code == 404  # single use
    assert client.post("/login", data={"email": "nadia@example.org", "password": good}).status_code == 302


def test_password_reset_link_works_once(app, session):
    email = _tenant_email(session)
    client = app.test_client()
    page = client.post("/password/forgot?lang=en", data={"email": email}).get_data(as_text=True)
    unknown = client.post("/password/forgot?lang=en", data={"email": "ghost@example.org"}).get_data(as_text=True)
    assert "If an account uses this address" in page and "If an account uses this address" in unknown
    message = mail.read_outbox(__import__("pathlib").Path(app.config["MAIL_OUTBOX"]))[-1]
    assert message["To"] == email
    link = re.search(r"http://localhost(/password/reset/\S+)", message.get_content()).group(1)
    new = "Lune-Velours-73-Brique?"
    assert client.post(link, data={"password": new, "password_confirm": new}).status_code == 302
    assert client.post(link, data={"password": new, "password_confirm": new}).status_code == 404
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 200  # the old one is gone
    assert client.post("/login", data={"email": email, "password": new}).status_code == 302
    stored = session.scalar(select(OneTimeToken).where(OneTimeToken.purpose == "reset"))
    assert len(stored.token_hash) == 64 and stored.token_hash not in link


def test_production_refuses_a_test_secret_debug_and_unsaid_sqlite(tmp_path, monkeypatch):
    from portal import create_app
    from portal.settings import UnsafeSettings

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(UnsafeSettings) as err:
        create_app({"ENV_PROFILE": "production", "SECRET_KEY": "dev", "DEBUG": True,
                    "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    text = str(err.value)
    assert "SECRET_KEY" in text and "debug" in text and "SQLite" in text
    app = create_app({"ENV_PROFILE": "production", "SECRET_KEY": "k" * 64, "PROCESSES": "1",
                      "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/login")
    assert "max-age" in response.headers["Strict-Transport-Security"]
