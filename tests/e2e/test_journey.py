"""The journey of issue 9, in a real browser: Camille logs in, reads her notes, downloads
her PDF, asks to correct her phone number; the DPO grants it from the queue; Camille sees
the new number and downloads the letter. Once at desktop width in French, once at phone
width in English; every page on the way is screenshot and checked by axe-core."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.e2e

CAMILLE = "camille.martin@example.org"
DPO = "dpo@example.org"
TEXT = {
    "fr": {"pdf": "Télécharger mon dossier (PDF)", "contact": "Coordonnées", "notes": "Notes rédigées par nos équipes"},
    "en": {"pdf": "Download my file (PDF)", "contact": "Contact details", "notes": "Notes written by our staff"},
}


def _pdf_text(download) -> str:
    data = open(download.path(), "rb").read()
    assert data.startswith(b"%PDF"), "not a PDF"
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(("viewport", "lang", "new_phone"), [
    ("desktop", "fr", "01 45 67 89 10"),
    ("phone", "en", "01 45 67 89 20"),
])
def test_camille_corrects_her_phone_and_the_dpo_grants_it(visit, viewport, lang, new_phone):
    t = TEXT[lang]
    v = visit(viewport, lang)
    page = v.page
    step = iter(range(1, 100))

    def check(name: str) -> None:
        v.check(f"journey-{next(step):02d}-{name}")

    # 1. Camille logs in and reads the notes our staff wrote about her.
    v.goto("/login")
    v.login(CAMILLE)
    assert page.url.endswith("/me") or "/me?" in page.url
    check("tenant-home")
    page.click("#notes summary")
    assert "Madame est sous chimiothérapie" in page.locator("#notes").inner_text()
    check("tenant-notes")

    # 2. She downloads her PDF copy.
    with page.expect_download() as info:
        page.get_by_role("link", name=t["pdf"]).click()
    assert "Camille" in _pdf_text(info.value)

    # 3. She asks to correct her phone number, from the phone line of her contact details.
    page.click("#contact summary")
    page.locator("#contact .record-row", has=page.locator("dt", has_text=re.compile(r"^(Téléphone|Phone)$"))) \
        .locator("a.correct-link").click()
    assert page.locator("select[name=field], input[name=field]").first.input_value() == "contact.phone"
    page.fill("[name=proposed_value]", new_phone)
    if page.locator("[name=details]").count():
        page.fill("[name=details]", "Nouveau numéro depuis octobre." if lang == "fr" else "New number since October.")
    check("tenant-request-form")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    # Check your answers, then send.
    assert new_phone in page.locator("main").inner_text()
    check("tenant-request-check")
    with page.expect_navigation():
        page.click("main form button.primary[type=submit]")
    ref = re.search(r"/me/requests/([A-Z0-9-]+)", page.url)
    assert ref, page.url
    ref = ref.group(1)
    assert ref in page.locator("main").inner_text()
    check("tenant-request-filed")
    v.logout()

    # 4. The DPO finds it in the queue and grants it.
    v.login(DPO, next_path="/staff/requests")
    v.goto("/staff/requests")
    assert ref in page.locator("main").inner_text()
    check("staff-queue")
    with page.expect_navigation():
        page.get_by_role("link", name=ref).first.click()
    check("staff-request")
    if page.locator("button[name=action][value=assign]").count():
        with page.expect_navigation():
            page.click("button[name=action][value=assign]")
    grant = page.locator("form:has(button[name=action][value=grant])")
    if grant.locator("[name=message]").count():
        grant.locator("[name=message]").fill("Numéro corrigé." if lang == "fr" else "Number corrected.")
    with page.expect_navigation():
        grant.locator("button[name=action][value=grant]").click()
    # "Check and send": the decision, the change, the letter; the button says what it does.
    final = page.locator("form:has(input[name=confirm]) button[name=action][value=grant]")
    assert final.inner_text() == ("Appliquer la correction et envoyer le courrier" if lang == "fr"
                                  else "Apply the correction and send the letter")
    check("staff-request-review")
    with page.expect_navigation():
        final.click()
    assert page.locator(".flash-error").count() == 0, page.locator(".flash-error").all_inner_texts()
    check("staff-request-granted")
    v.logout()

    # 5. Camille sees her new number and downloads the letter.
    v.login(CAMILLE)
    page.click("#contact summary")
    assert _squash(new_phone) in _squash(page.locator("#contact").inner_text())
    check("tenant-home-new-number")
    v.goto(f"/me/requests/{ref}")
    check("tenant-request-answered")
    with page.expect_download() as info:
        page.locator(f"a[href*='/me/requests/{ref}/letter.pdf']").first.click()
    letter = _pdf_text(info.value)
    assert ref in letter
