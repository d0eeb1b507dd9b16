"""Issue 22, "what an attacker found": one test (at least) per finding, each failing
without its fix."""

from __future__ import annotations

import re
from pathlib import Path

from portal import mail
from tests.conftest import build_app
from tests.security.helpers import CAMILLE, KARIM

DEMO_PASSWORD = "demo-portal-2026"


# --- 1. Reset-link poisoning -----------------------------------------------------------

def test_a_forged_host_header_never_reaches_the_reset_link(tmp_path):
    app = build_app(tmp_path, "hostpoison", PUBLIC_URL="https://portail.example.org")
    client = app.test_client()
    client.post("/password/forgot", data={"email": CAMILLE}, headers={"Host": "evil.example"})
    message = mail.read_outbox(Path(app.config["MAIL_OUTBOX"]))[-1].get_content()
    assert "evil.example" not in message
    assert re.search(r"https://portail\.example\.org/password/reset/\S+", message)


def test_the_admins_choose_your_password_link_ignores_the_host_header(tmp_path):
    app = build_app(tmp_path, "hostpoison2", PUBLIC_URL="https://portail.example.org")
    client = app.test_client()
    evil = {"Host": "evil.example"}
    client.post("/login", data={"email": "admin@example.org", "password": DEMO_PASSWORD}, headers=evil)
    client.post("/admin/staff/new", headers=evil,
                data={"email": "new.person@example.org", "role": "admin", "display_name": "New Person"})
    message = mail.read_outbox(Path(app.config["MAIL_OUTBOX"]))[-1]
    assert message["To"] == "new.person@example.org"
    assert "evil.example" not in message.get_content()
    assert "https://portail.example.org/password/reset/" in message.get_content()


def test_trusted_hosts_refuse_another_host(tmp_path):
    app = build_app(tmp_path, "trusted", demo=False, TRUSTED_HOSTS=["portail.example.org"])
    client = app.test_client()
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "portail.example.org"}).status_code == 200


# --- 6. Throttle behind a proxy, no lock a stranger can set off --------------------------

def test_behind_a_proxy_each_tenant_has_its_own_address(tmp_path):
    app = build_app(tmp_path, "proxied", RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1)
    client = app.test_client()
    nginx = {"REMOTE_ADDR": "127.0.0.1"}
    for i in range(40):  # one attacker, behind the same nginx as everyone
        client.post("/login", data={"email": f"x{i}@example.org", "password": "wrong-guess-Xy!1"},
                    environ_base=nginx, headers={"X-Forwarded-For": "203.0.113.9"})
    other = app.test_client().post("/login", data={"email": CAMILLE, "password": DEMO_PASSWORD},
                                   environ_base=nginx, headers={"X-Forwarded-For": "198.51.100.7"})
    assert other.status_code == 302


def test_a_stranger_cannot_lock_someone_elses_account(throttled):
    stranger = throttled.test_client()
    for i in range(25):
        stranger.post("/login", data={"email": KARIM, "password": f"guess-{i}-Xy!"},
                      environ_base={"REMOTE_ADDR": "203.0.113.50"})
    owner = throttled.test_client().post("/login", data={"email": KARIM, "password": DEMO_PASSWORD},
                                         environ_base={"REMOTE_ADDR": "198.51.100.20"})
    assert owner.status_code == 302


def test_the_delay_grows_but_never_reaches_an_hour(throttled):
    from portal.web import throttle

    with throttled.app_context():
        guard = throttled.extensions[throttle.EXTENSION]
        delays = [guard.delay_after(n) for n in range(1, 40)]
    assert delays[:4] == [0, 0, 0, 0] and delays[4] == 60 and delays[5] == 120
    assert delays == sorted(delays) and max(delays) <= 15 * 60


# --- 3. Roles that read tenant data need the DPO's approval --------------------------------

def _login(client, email: str, password: str = DEMO_PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_the_admin_cannot_give_himself_a_dpo_account(tmp_path):
    from tests.access.helpers import tenant_id

    app = build_app(tmp_path, "fourEyes")
    admin = app.test_client()
    _login(admin, "admin@example.org")
    admin.post("/admin/staff/new", data={"email": "it.guy@example.net", "role": "dpo", "display_name": "It Guy"})
    message = mail.read_outbox(Path(app.config["MAIL_OUTBOX"]))[-1].get_content()
    token = re.search(r"/password/reset/(\S+)", message).group(1)
    strong = "Velours-Lune-73-Brique?"
    app.test_client().post(f"/password/reset/{token}", data={"password": strong, "password_confirm": strong})
    rogue = app.test_client()
    assert _login(rogue, "it.guy@example.net", strong).status_code == 302
    camille = tenant_id(app, "LOC-000101")
    assert rogue.get(f"/staff/tenants/{camille}").status_code == 403
    assert rogue.get("/staff/audit").status_code == 403
    assert rogue.get("/me/export.json").status_code in (302, 403, 404)
    # The DPO sees who waits, and approves: only then the role works.
    dpo = app.test_client()
    _login(dpo, "dpo@example.org")
    page = dpo.get("/admin/approvals?lang=en").get_data(as_text=True)
    assert "it.guy@example.net" in page and "Data-protection officer" in page
    from portal.db import Database
    from portal.models import User
    from sqlalchemy import select

    with app.app_context():
        s = Database.state(app).factory()
        rogue_id = s.scalar(select(User.id).where(User.email == "it.guy@example.net"))
        s.close()
    assert rogue.post("/admin/approvals", data={"user_id": str(rogue_id)}).status_code == 403  # not himself
    assert dpo.post("/admin/approvals", data={"user_id": str(rogue_id)}).status_code == 302
    assert rogue.get(f"/staff/tenants/{camille}").status_code == 200
