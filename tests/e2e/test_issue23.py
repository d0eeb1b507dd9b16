"""Issue 23 in a real browser (both languages, phone and desktop, axe-core on each page):
Karim sees the landlord's question first; withdrawing asks first and can be undone;
filing a correction is one question per page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

KARIM = "karim.benali@example.org"
CAMILLE = "camille.martin@example.org"
SOPHIE = "sophie.petit@example.org"
WAITING = "DPR-DEMO-0003"
CASES = [("phone", "fr"), ("desktop", "en")]


@pytest.mark.parametrize(("viewport", "lang"), CASES)
def test_karim_sees_the_question_first_and_an_empty_answer_is_caught(visit, viewport, lang):
    v = visit(viewport, lang)
    page = v.page
    v.login(KARIM)
    banner = page.locator(".action-needed")
    assert banner.count() == 1
    # The banner is on the first phone screen.
    assert banner.bounding_box()["y"] < 740
    v.check("i23-karim-home")
    with page.expect_navigation():
        banner.get_by_role("link").first.click()
    question = page.locator("blockquote.question")
    assert question.count() == 1
    assert question.bounding_box()["y"] < page.locator("textarea[name=message]").bounding_box()["y"]
    v.check("i23-karim-request")
    with page.expect_navigation():
        page.click(".action-needed button[type=submit]")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    v.check("i23-karim-empty-answer")
