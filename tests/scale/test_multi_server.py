"""Several app servers over one PostgreSQL and one Redis (docs/deploy.md): two gunicorn
processes on different ports share sessions, the login throttle counts across both, and
concurrent staff actions on one request stay consistent.

Runs in the PostgreSQL pass of scripts/test, which starts both servers."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from portal.db import Database
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import build_app

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    os.environ.get("PORTAL_TEST_DB") != "postgresql" or not os.environ.get("PORTAL_TEST_REDIS_URL"),
    reason="needs PostgreSQL and Redis: runs in the PostgreSQL pass of scripts/test")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A cookie-keeping HTTP client. Cookies belong to the host name, not the port, so one
    browser talking to 127.0.0.1 on two ports is like a user behind a proxy whose
    requests land on either server."""

    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> tuple[int, str]:
        try:
            r = self.opener.open(url, timeout=20)
            return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def post(self, url: str, data: dict, form_url: str | None = None) -> tuple[int, str]:
        _, html = self.get(form_url or url)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        payload = dict(data, csrf_token=token.group(1) if token else "")
        try:
            r = self.opener.open(url, urlencode(payload).encode(), timeout=20)
            return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("multi")
    app = build_app(tmp, "multi", demo=False)
    with builders.committed(app) as s:
        people = builders.estate(s)
        people.tenant.tenant_number = "MULTI-000101"
        builders.request(s, people.tenant, ref="DPR-TEST-MULTI")  # received, nobody assigned yet
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    instance = tmp / "instance"
    instance.mkdir(exist_ok=True)
    (instance / "config.py").write_text(
        "DEMO_MODE = True\nREQUIRE_STAFF_2FA = False\nRATELIMIT_ENABLED = True\n")
    env = dict(os.environ, DATABASE_URL=url, PORTAL_INSTANCE_PATH=str(instance),
               SECRET_KEY="shared-secret-key-for-both-servers-0123456789",
               RATELIMIT_STORAGE_URI=os.environ["PORTAL_TEST_REDIS_URL"])
    env.pop("PORTAL_TEST_DB", None)
    ports = [_free_port(), _free_port()]
    procs = [subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{p}",
                               "--log-level", "warning", "portal:create_app()"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for p in ports]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        for base in bases:
            for _ in range(150):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail(f"{base} did not start")
        yield app, bases, people  # people: tests/builders.estate, with a request of the tenant
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
        Database.state(app).engine.dispose()


def test_a_session_opened_on_one_server_works_on_the_other(servers):
    _app, (a, b), people = servers
    user = Browser()
    status, _ = user.post(a + "/login", {"email": people.tenant_account.email,
                                         "password": PASSWORD})
    assert status == 200  # redirected to /me and followed
    status, page = user.get(b + "/me")
    assert status == 200 and "MULTI-000101" in page


def test_the_login_throttle_counts_across_both_servers(servers):
    _app, (a, b), people = servers
    target = people.neighbour_account.email
    attacker = Browser()
    statuses = []
    for i in range(8):
        base = a if i % 2 == 0 else b
        status, _page = attacker.post(base + "/login", {"email": target, "password": f"wrong-{i}"})
        statuses.append(status)
    # Five failures spread over two servers already count as five: the next ones wait.
    assert 429 in statuses[5:], statuses
    # And the right password is refused too while the delay runs, on either server.
    status, _ = Browser().post(b + "/login", {"email": target, "password": PASSWORD})
    assert status == 429


def test_concurrent_staff_actions_on_one_request_stay_consistent(servers):
    app, (a, b), people = servers
    from portal.models import PrivacyRequest, RequestEvent

    first, second = Browser(), Browser()
    for who, base in ((first, a), (second, b)):
        status, _ = who.post(base + "/login", {"email": people.dpo.email, "password": PASSWORD})
        assert status == 200
    ref = "DPR-TEST-MULTI"  # received, nobody assigned yet
    _, page_a = first.get(a + f"/staff/requests/{ref}")
    _, page_b = second.get(b + f"/staff/requests/{ref}")
    version_a = re.search(r'name="version"[^>]*value="(\d+)"', page_a).group(1)
    version_b = re.search(r'name="version"[^>]*value="(\d+)"', page_b).group(1)
    assert version_a == version_b
    token_a = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page_a).group(1)
    token_b = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page_b).group(1)
    data = {"action": "assign", "message": "", "assignee": "me"}

    def send(who, base, token, version):
        try:
            r = who.opener.open(base + f"/staff/requests/{ref}",
                                urlencode(dict(data, csrf_token=token, version=version)).encode(), timeout=20)
            return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    s1, _ = send(first, a, token_a, version_a)
    s2, body2 = send(second, b, token_b, version_b)  # the same, stale, form on the other server
    assert s1 == 200
    assert s2 == 409 or "modifiée entre-temps" in body2 or "changed meanwhile" in body2.lower()
    with app.app_context():
        s = Database.state(app).factory()
        req = s.scalar(select(PrivacyRequest).where(PrivacyRequest.ref == ref))
        assigns = s.scalar(select(func.count()).select_from(RequestEvent)
                           .where(RequestEvent.request_id == req.id, RequestEvent.action == "assign"))
        s.close()
    assert assigns == 1 and req.status == "in_progress"
