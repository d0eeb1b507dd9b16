"""Issue 23 (items 8 and 11) in a real browser, phone (390 px) and desktop, French and
English, axe-core on each page: the notes on a tenant's file print no empty label and
say in plain words where the data protection officer's check stands; an administrator
who gives the caretaker role without a building is warned and must confirm."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import User
from tests import builders
from tests.conftest import DEMO_PASSWORD
from tests.e2e.conftest import SHOTS

pytestmark = pytest.mark.e2e

CASES = [("phone390", "fr"), ("phone390", "en"), ("desktop", "fr"), ("desktop", "en")]
_accounts = itertools.count(1)

PENDING = {"fr": "Cette note est en cours de vérification par notre délégué à la protection des données",
           "en": "This note is being checked by our data protection officer"}
KEPT = {"fr": "Vérifiée par notre délégué à la protection des données : conservée telle quelle",
        "en": "Checked by our data protection officer: kept as written"}
REDACTED = {"fr": "Vérifiée par notre délégué à la protection des données : les passages sensibles ont été retirés",
            "en": "Checked by our data protection officer: the sensitive words were removed"}
JARGON = ("En attente de revue", "Awaiting review", "Revue le", "Décision de revue", "Reviewed on",
          "Review decision")
CONTEST = {"fr": "Contester cette note", "en": "Contest this note"}


def _tenant_with_notes(app) -> str:
    """A tenant who can log in, with a note waiting for the DPO, one checked and kept (with
    the writer's reason, the legal ground and the DPO's reason) and one redacted."""
    email = f"notes.{next(_accounts)}@example.org"
    with app.app_context():
        session = db.session
        tenant = builders.tenant(session, first_name="Nadia")
        builders.note(session, tenant, "Locataire hospitalisée, rappeler la famille.", review_status="pending")
        builders.note(session, tenant, "Litige sur les charges, dossier transmis à l'avocat.", review_status="kept",
                      justification="Nécessaire au suivi du contentieux.", legal_ground="9_2_f",
                      reviewed_at=datetime(2026, 11, 3, 10, 30), review_reason="Utile au contentieux en cours.")
        builders.note(session, tenant, "Appel reçu au sujet du chauffage.", review_status="redacted",
                      reviewed_at=datetime(2026, 11, 4, 9, 0))
        builders.account(session, "tenant", tenant, email=email, password=DEMO_PASSWORD)
        session.commit()
    return email


def _visible_empty_cells(page) -> list[str]:
    """The labels of values shown on screen with nothing in them (table cells labelled for
    phones, or the lines of a card)."""
    return page.evaluate("""() => [
        ...[...document.querySelectorAll('#notes td[data-label]')]
            .filter(td => td.getClientRects().length && !td.textContent.trim()).map(td => td.dataset.label),
        ...[...document.querySelectorAll('#notes dl.record > div')]
            .filter(div => !div.querySelector('dd').textContent.trim()).map(div => div.querySelector('dt').textContent)]""")


@pytest.mark.parametrize(("viewport", "lang"), CASES)
def test_notes_print_no_empty_label_and_say_plainly_where_the_check_stands(visit, live_server, viewport, lang):
    v = visit(viewport, lang)
    page = v.page
    v.login(_tenant_with_notes(live_server.app))
    v.goto("/me?open=notes")
    notes = page.locator("#notes")
    text = notes.inner_text()
    assert PENDING[lang] in text and KEPT[lang] in text and REDACTED[lang] in text
    assert "Utile au contentieux en cours." in text and "Nécessaire au suivi du contentieux." in text
    assert not [word for word in JARGON if word in text]
    assert notes.get_by_role("link", name=CONTEST[lang]).count() == 3
    # One card per note (eight fields of text make no table), a field with no value has no
    # label either, the DPO's decision is there, and nothing needs scrolling sideways.
    assert notes.locator("li.record-card").count() == 3
    assert _visible_empty_cells(page) == []
    assert notes.locator("dt", has_text="Décision et motif" if lang == "fr" else "Decision and reason").count() == 1
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert all(link.bounding_box()["x"] + link.bounding_box()["width"] <= width
               for link in notes.get_by_role("link", name=CONTEST[lang]).all())
    v.check("i23-notes")
    notes.screenshot(path=str(SHOTS / f"i23-notes-section-{viewport}-{lang}.png"))


@pytest.mark.parametrize(("viewport", "lang"), [("phone390", "fr"), ("desktop", "en")])
def test_demo_tenant_notes_have_no_empty_label(visit, viewport, lang):
    """Camille's notes (none checked yet): no "Reviewed on" or "Justification" label alone."""
    v = visit(viewport, lang)
    v.login("camille.martin@example.org")
    v.goto("/me?open=notes")
    if viewport != "desktop":  # on a computer, a table: an empty cell under its column header is fine
        assert _visible_empty_cells(v.page) == []
    assert PENDING[lang] in v.page.locator("#notes").inner_text()


WARNING = {"fr": "Un gardien sans immeuble ne voit aucun locataire",
           "en": "A caretaker without a building sees no tenant"}


def _admin_form(v, path: str) -> None:
    """A built administrator (in the live server's database) opens `path`."""
    with v.server.app.app_context():
        admin = builders.account(db.session, "admin", email=f"admin.{next(_accounts)}@essai.example.org")
        db.session.commit()
        email = admin.email
    v.login(email, password=builders.PASSWORD)
    v.goto(path)


@pytest.mark.parametrize(("viewport", "lang"), [("phone390", "fr"), ("desktop", "en"), ("desktop", "fr"),
                                                ("phone390", "en")])
def test_admin_creating_a_caretaker_without_a_building_is_warned_and_must_confirm(visit, live_server, viewport, lang):
    v = visit(viewport, lang)
    page = v.page
    email = f"gardien.sans.immeuble.{viewport}.{lang}@example.org"
    _admin_form(v, "/admin/staff/new")
    page.fill("input[name=email]", email)
    page.fill("input[name=display_name]", "Gardien sans immeuble")
    page.check("input[name=role][value=caretaker]")
    with page.expect_navigation():
        page.click("main form button.primary")
    # Not created: an error summary with focus, the warning, a box to confirm.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    warning = page.locator(".warning-text")
    assert WARNING[lang] in warning.inner_text()
    assert warning.bounding_box()["y"] < page.locator("input[name=no_building_ok]").bounding_box()["y"]
    with live_server.app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == email)) is None
    v.check("i23-caretaker-warning")
    # Confirming creates it, the warning said what it means.
    page.check("input[name=no_building_ok]")
    with page.expect_navigation():
        page.click("main form button.primary")
    assert "/admin/staff/new" not in page.url
    with live_server.app.app_context():
        assert db.session.scalar(select(User.role).where(User.email == email)) == "caretaker"
    # The list says this caretaker sees nobody yet.
    row = page.locator("tr", has_text=email)
    assert ("aucun immeuble" if lang == "fr" else "no building") in row.inner_text().lower()
    v.check("i23-caretaker-created")
