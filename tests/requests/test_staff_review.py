"""Staff "check and send" (issue 23): the browser's answer form shows the decision and
the letter before anything is final; a POST with confirm=1 is final at once (§8)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests import builders
from tests.builders import PASSWORD
from tests.conftest import login
from tests.requests.helpers import file_request, load, text


@pytest.fixture()
def filed(client, dbs):
    """file(**form): a built tenant (phone 01 43 56 78 90) files a request through the
    form; a built DPO is then logged in on `client`. Returns the request's reference."""
    someone, account = builders.tenant_with_account(dbs, phone="01 43 56 78 90")
    dpo = builders.account(dbs, "dpo")
    dbs.commit()

    def file(**form) -> str:
        ref = file_request(client, account.email, password=PASSWORD, **form)
        login(client, dpo.email, PASSWORD)
        return ref
    return file


def test_review_step_saves_nothing_and_the_confirm_button_says_what_it_does(client, dbs, filed):
    ref = filed()  # a phone correction
    review = client.post(f"/staff/requests/{ref}?lang=fr", data={"action": "grant", "step": "review",
                                                                "message": "Numéro corrigé."})
    page = text(review)
    assert review.status_code == 200 and load(dbs, ref).status == "received"
    assert "Vérifier et envoyer" in page and "Appliquer la correction et envoyer le courrier" in page
    assert 'name="confirm" value="1"' in page and "Numéro corrigé." in page
    done = client.post(f"/staff/requests/{ref}", data={"action": "grant", "confirm": "1",
                                                       "message": "Numéro corrigé."})
    assert done.status_code == 303 and load(dbs, ref).outcome == "granted"


def test_the_review_opens_the_real_letter_with_the_typed_message_and_reason(client, dbs, filed):
    import html

    from tests.documents._pdftext import pdf_text

    ref = filed(kind="access", details="")
    page = text(client.post(f"/staff/requests/{ref}?lang=fr", data={
        "action": "refuse", "step": "review", "message": "Demande répétée chaque semaine.",
        "refusal_reason": "manifestly_excessive"}))
    url = html.unescape(re.search(r'href="([^"]*letter-preview\.pdf[^"]*)"', page).group(1))
    letter = pdf_text(client.get(url).data)
    assert "Demande répétée chaque semaine." in letter and "manifestement excessive" in letter
    assert load(dbs, ref).status == "received" and load(dbs, ref).refusal_reason is None


def test_a_refusal_without_reason_stops_at_the_form_not_the_review(client, dbs, filed):
    ref = filed(kind="access", details="")
    response = client.post(f"/staff/requests/{ref}?lang=en", data={"action": "refuse", "step": "review",
                                                                   "message": "Non."})
    assert response.status_code == 400 and "Choose the legal reason for the refusal." in text(response)


def test_late_request_says_overdue_by_n_days(client, dbs, filed):
    ref = filed(kind="access", details="")
    req = load(dbs, ref)
    req.due_on = req.due_on - timedelta(days=60)
    dbs.commit()
    page = text(client.get(f"/staff/requests/{ref}?lang=fr"))
    assert re.search(r"En retard de \d+ jours", page) and "Jours restants : -" not in page
    assert "Répondez maintenant" in page
