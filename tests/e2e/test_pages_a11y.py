"""Every main page, in French and English, at desktop and phone width: screenshot, the
`lang` attribute, and axe-core with no serious or critical violation. Each page names
the endpoint it is served by: a renamed or removed route fails the test (it must be
followed here), never drops the page from the check."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest

from portal.db import db
from tests import builders
from tests.builders import PASSWORD

pytestmark = pytest.mark.e2e
_casts = itertools.count(1)

# (screenshot name, path, endpoint that serves it); {ref}: the built tenant's request.
TENANT_PAGES = [
    ("tenant-home", "/me", "tenant.home"),
    ("tenant-home-notes-open", "/me?open=notes", "tenant.home"),
    ("tenant-requests", "/me/requests", "tenant.requests"),
    ("tenant-request-form", "/me/requests/new?kind=rectification&field=contact.phone", "tenant.new_request"),
    ("tenant-request", "/me/requests/{ref}", "tenant.request_detail"),
    ("tenant-access-log", "/me/access-log", "tenant.access_log"),
]
STAFF_PAGES = [
    ("staff-dashboard", "/staff", "staff.dashboard"),
    ("staff-queue", "/staff/requests", "staff.requests"),
    ("staff-request", "/staff/requests/{ref}", "staff.request_detail"),
    ("staff-tenants", "/staff/tenants?q=Aubertin", "staff.tenants"),
    ("staff-notes-review", "/staff/notes/review", "staff.notes_review"),
    ("staff-audit", "/staff/audit", "staff.audit"),
]


@pytest.fixture(scope="module")
def cast(live_server) -> SimpleNamespace:
    """Built into the live server's database: Mme Rosalie Aubertin, a tenant with a
    long-standing tenant's file (tests/builders.rich_file), a note about her health and a
    rectification request, and a DPO (password: builders.PASSWORD)."""
    n = next(_casts)
    with live_server.app.app_context():
        session = db.session
        tenant = builders.tenant(session, first_name="Rosalie", last_name="Aubertin")
        builders.rich_file(session, tenant)
        builders.note(session, tenant, "Madame est sous chimiothérapie, éviter les rendez-vous le lundi.",
                      review_status="kept")
        ref = builders.request(session, tenant, kind="rectification", ref=f"DPR-TEST-A11Y{n}").ref
        account = builders.account(session, "tenant", tenant, email=f"rosalie.{n}@essai.example.org")
        dpo = builders.account(session, "dpo", email=f"dpo.a11y.{n}@essai.example.org")
        session.commit()
        return SimpleNamespace(tenant=account.email, dpo=dpo.email, ref=ref)


def test_every_checked_page_is_still_served_by_its_endpoint(live_server):
    missing = [f"{name}: {endpoint}" for name, _path, endpoint in TENANT_PAGES + STAFF_PAGES
               if endpoint not in live_server.endpoints()]
    assert not missing, "pages checked by axe whose route is gone (follow the rename here):\n  " + "\n  ".join(missing)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_main_pages_pass_axe(visit, live_server, cast, viewport, lang):
    v = visit(viewport, lang)
    v.goto("/login")
    v.check("login")
    v.login(cast.tenant, password=PASSWORD)
    for name, path, _endpoint in TENANT_PAGES:
        assert v.goto(path.format(ref=cast.ref)).status == 200, path
        v.check(name)
    v.logout()
    v.login(cast.dpo, next_path="/staff", password=PASSWORD)
    for name, path, _endpoint in STAFF_PAGES:
        assert v.goto(path.format(ref=cast.ref)).status == 200, path
        v.check(name)
    v.goto("/staff/requests/DPR-NOPE-0000")
    v.check("not-found")


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(visit):
    v = visit("desktop", "en")
    v.goto("/login")
    v.page.keyboard.press("Tab")
    focused = v.page.evaluate("[document.activeElement.className, document.activeElement.textContent]")
    assert focused == ["skip-link", "Skip to content"]
    v.page.keyboard.press("Enter")
    assert v.page.evaluate("document.activeElement.id") == "main"
    v.page.keyboard.press("Tab")
    assert v.page.evaluate("document.activeElement.name") == "email"


def test_language_switch_keeps_the_page_and_sticks(visit, cast):
    v = visit("phone", "fr")
    v.login(cast.tenant, password=PASSWORD)
    v.goto("/me")
    assert v.page.locator("h1").inner_text() == "Tout ce que nous détenons sur vous"
    v.page.click(".lang-switch a[hreflang=en]")
    assert v.page.locator("h1").inner_text() == "Everything we hold about you"
    assert v.page.evaluate("document.documentElement.lang") == "en"
    v.page.goto(f"{v.server.url}/me")  # no ?lang: the choice sticks
    assert v.page.evaluate("document.documentElement.lang") == "en"


def test_login_errors_are_tied_to_their_fields(visit):
    v = visit("desktop", "fr")
    v.goto("/login")
    with v.page.expect_navigation():
        v.page.click("main button[type=submit]")
    email = v.page.locator("input[name=email]")
    assert email.get_attribute("aria-invalid") == "true"
    described = email.get_attribute("aria-describedby")
    assert described and v.page.locator(f"#{described.split()[0]}").inner_text().strip()
    v.check("login-errors")


def test_categories_expand_to_their_data_and_why_we_hold_it(visit, cast):
    v = visit("phone", "en")
    v.login(cast.tenant, password=PASSWORD)
    v.goto("/me")
    notes = v.page.locator("#notes details.category-details")
    assert notes.get_attribute("open") is None
    v.page.click("#notes summary")
    assert notes.get_attribute("open") is not None
    v.page.click("#notes details.why summary")
    assert v.page.locator("#notes dl.art15").is_visible()
    assert "Madame est sous chimiothérapie" in v.page.locator("#notes").inner_text()
    v.check("tenant-home-notes-expanded")
