"""Issue 23 in a real browser (both languages, phone and desktop, axe-core on each page):
a tenant asked for information sees the landlord's question first; withdrawing asks
first and can be undone; filing a correction is one question per page. Each test builds
its tenant in the live server's database (tests/builders)."""

from __future__ import annotations

import pytest

from portal.db import db
from tests import builders
from tests.builders import PASSWORD

pytestmark = pytest.mark.e2e

CASES = [("phone", "fr"), ("desktop", "en")]


@pytest.fixture()
def tenant_in(live_server):
    """tenant_in(fill): a tenant with an account, built in the live server's database and
    passed to fill(session, tenant) for the rest of their file; returns their e-mail."""
    def build(fill=lambda session, tenant: None) -> str:
        with live_server.app.app_context():
            tenant, account = builders.tenant_with_account(db.session, phone="01 43 11 22 33")
            fill(db.session, tenant)
            db.session.commit()
            return account.email
    return build


@pytest.mark.parametrize(("viewport", "lang"), CASES)
def test_the_tenant_sees_the_question_first_and_an_empty_answer_is_caught(visit, tenant_in, viewport, lang):
    asked = "Merci de préciser quelles notes sont concernées."
    email = tenant_in(lambda s, t: builders.request(s, t, kind="erasure", status="waiting_info", asked=asked))
    v = visit(viewport, lang)
    page = v.page
    v.login(email, password=PASSWORD)
    banner = page.locator(".action-needed")
    assert banner.count() == 1
    # The banner is on the first phone screen.
    assert banner.bounding_box()["y"] < 740
    v.check("i23-karim-home")
    with page.expect_navigation():
        banner.get_by_role("link").first.click()
    question = page.locator("blockquote.question")
    assert question.count() == 1 and asked in question.inner_text()
    assert question.bounding_box()["y"] < page.locator("textarea[name=message]").bounding_box()["y"]
    v.check("i23-karim-request")
    with page.expect_navigation():
        page.click(".action-needed button[type=submit]")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    v.check("i23-karim-empty-answer")


@pytest.mark.parametrize(("viewport", "lang", "phone"), [("phone", "fr", "06 11 22 33 44"),
                                                        ("desktop", "en", "06 11 22 33 55")])
def test_a_tenant_corrects_her_phone_one_question_per_page_then_withdraws_and_undoes(visit, tenant_in, viewport,
                                                                                    lang, phone):
    email = tenant_in()
    v = visit(viewport, lang)
    page = v.page
    v.login(email, password=PASSWORD)
    v.goto("/me/requests/new")
    v.check("i23-new-kind")
    page.check("input[name=kind][value=rectification]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    v.check("i23-new-field")
    page.select_option("select[name=field]", "contact.phone")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    # One question, with what we hold now; the page is short on a phone.
    assert page.locator("h1 label[for=proposed_value]").count() == 1
    assert page.locator("textarea, input[type=text]").count() <= 2
    assert page.evaluate("document.body.scrollHeight") < 1600
    v.check("i23-new-question")
    # An empty answer: error summary with focus, nothing filed.
    with page.expect_navigation():
        page.click("main form button.primary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    v.check("i23-new-question-error")
    page.fill("[name=proposed_value]", phone)
    with page.expect_navigation():
        page.click("main form button.primary")
    assert phone in page.locator(".check-answers").inner_text()
    v.check("i23-new-check")
    with page.expect_navigation():
        page.click("main form button.primary")
    assert page.locator(".panel-confirm").count() == 1
    assert page.locator("a", has_text="Retirer" if lang == "fr" else "Withdraw").count() == 0
    v.check("i23-new-confirmation")
    # Reloading the page: the panel is gone, the withdraw link is there and asks first.
    page.reload()
    assert page.locator(".panel-confirm").count() == 0
    with page.expect_navigation():
        page.click("a[href$='/withdraw']")
    v.check("i23-withdraw-confirm")
    with page.expect_navigation():
        page.click("main form button.danger")
    v.check("i23-withdrawn")
    with page.expect_navigation():
        page.click("main form button.primary")
    status = page.locator(".record-row", has=page.locator("dt", has_text="Statut" if lang == "fr" else "Status"))
    assert ("Reçue" if lang == "fr" else "Received") in status.inner_text()
    v.check("i23-undone")


@pytest.mark.parametrize(("viewport", "lang"), CASES)
def test_getting_started_help_line_show_password_and_passphrase(visit, viewport, lang):
    v = visit(viewport, lang)
    page = v.page
    v.goto("/login")
    # The help line (phone, hours, desk) from the landlord's settings, on every page.
    assert "01 23 45 67 89" in page.locator(".help-line").inner_text()
    page.fill("input[name=password]", "secret words")
    page.click("[data-password-toggle=password]")
    assert page.get_attribute("input[name=password]", "type") == "text"
    page.click("details.no-email summary")
    v.check("i23-login")
    v.goto("/activate")
    page.click("[data-passphrase-for]")
    sentence = page.input_value("input[name=password]")
    assert len(sentence.split()) == 7 and page.input_value("input[name=password_confirm]") == sentence
    assert page.locator("#password-rule p").first.inner_text().count("7") == 1
    v.check("i23-activate")


@pytest.mark.parametrize(("viewport", "lang"), [("phone390", "fr"), ("phone390", "en"), ("desktop", "fr")])
def test_a_full_home_has_one_main_action_and_one_list_of_categories(visit, tenant_in, viewport, lang):
    email = tenant_in(builders.rich_file)
    v = visit(viewport, lang)
    page = v.page
    v.login(email, password=PASSWORD)
    main = page.locator("main")
    assert main.locator("a.button.primary").count() == 1  # the PDF copy
    assert main.locator("#h-formats").count() == 1
    assert main.locator(".glance-list").count() == 0  # one list of categories, not two
    reasons = main.locator(".category-reason")
    assert reasons.count() == main.locator(".category").count() >= 10
    assert all(r.strip() for r in reasons.all_inner_texts())
    height = page.evaluate("document.body.scrollHeight")
    print(f"home height {viewport} {lang}: {height}px")
    if viewport == "phone390":
        assert height <= 2500, height
    v.check("i23-home")
