"""Response letters: reference, outcome, legal mentions, archived unchanged, downloads."""

from __future__ import annotations

import hashlib
import io

from datetime import date

import pytest
from pypdf import PdfReader

from portal.requests import letters
from tests import builders
from tests.conftest import login
from tests.documents._pdftext import pdf_text, squash


@pytest.mark.parametrize("lang, outcome, cnil, court, reason", [
    ("fr", "Votre demande est refusée", "CNIL", "tribunal judiciaire", "manifestement excessive"),
    ("en", "Your request is refused", "CNIL", "judicial remedy", "manifestly excessive"),
])
def test_refusal_letter_states_reasons_cnil_and_court(app, session, lang, outcome, cnil, court, reason):
    req = builders.request(session, builders.tenant(session), status="answered", outcome="refused",
                           refusal_reason="manifestly_excessive", ref="DPR-TEST-LREF")
    with app.test_request_context():
        text = squash(pdf_text(letters.render(req, "refused", lang, app.config)))
    for expected in ("DPR-TEST-LREF", outcome, cnil, court, reason, "12(4)", "12(5)",
                     "Office Public de l'Habitat Exemple"):
        assert squash(expected) in text, expected


@pytest.mark.parametrize("lang, words", [
    ("fr", ["Prolongation du délai de réponse", "Demande complexe", "12(3)", "au plus tard le", "28/04/2026"]),
    ("en", ["Extension of the time to answer", "Demande complexe", "12(3)", "at the latest", "Apr 28, 2026"]),
])
def test_extension_letter_gives_reason_and_new_due_date(app, session, lang, words):
    # Received 30 January 2026: first month to Monday 2 March, two more to 28 April.
    req = builders.request(session, builders.tenant(session), kind="restriction", status="in_progress",
                           received_on=date(2026, 1, 30), due_on=date(2026, 4, 28), extended=True,
                           extension_reason="Demande complexe : plusieurs services concernés.", ref="DPR-TEST-LEXT")
    with app.test_request_context():
        text = squash(pdf_text(letters.render(req, "extension", lang, app.config)))
    for expected in words + ["DPR-TEST-LEXT", "CNIL"]:
        assert squash(expected) in text, expected


def test_partial_grant_always_states_reasons_and_remedies(app, session):
    req = builders.request(session, builders.tenant(session, preferred_language="en"), kind="portability",
                           status="answered", outcome="partly_granted", refusal_reason="rights_of_others")
    with app.test_request_context():
        text = squash(pdf_text(letters.render(req, "partly_granted", "en", app.config,
                                              answer="Two notes name your neighbours.")))
    for expected in ("partly granted", "15(4)", "Two notes name your neighbours.", "CNIL", "Article 79"):
        assert squash(expected) in text, expected


def test_info_request_letter_carries_the_question(app, session):
    req = builders.request(session, builders.tenant(session), kind="erasure", status="waiting_info",
                           asked="Merci de préciser quelles notes sont concernées.")
    with app.test_request_context():
        text = squash(pdf_text(letters.render(req, "info_request", "fr", app.config)))
    assert squash("Merci de préciser quelles notes sont concernées.") in text
    assert squash("Demande d'informations") in text


def test_granted_access_letter_comes_with_the_copy_of_the_file(app, session):
    someone = builders.tenant(session, first_name="Léonie", last_name="Brassac")
    builders.full_file(session, someone)
    req = builders.request(session, someone, kind="access", status="answered", outcome="granted")
    with app.test_request_context():
        text = squash(pdf_text(letters.render(req, "granted", "fr", app.config)))
    assert squash("Votre demande est acceptée") in text
    assert squash("la copie complète des données que nous détenons sur vous suit ce courrier") in text
    assert squash("Copie de votre dossier de données personnelles") in text
    assert squash("Qui a consulté mon dossier") in text
    assert squash("Léonie Brassac") in text and squash("Radiateur froid dans la chambre") in text  # her file


def test_issued_letter_is_archived_with_its_hash_and_downloaded_by_its_tenant(app, client, session):
    someone, account = builders.tenant_with_account(session)
    req = builders.request(session, someone, kind="rectification", status="in_progress")
    with app.test_request_context():
        letter = letters.issue(session, req, "granted", None, "fr", app.config)
    session.commit()
    assert letter.sha256 == hashlib.sha256(letter.pdf).hexdigest()
    root = PdfReader(io.BytesIO(letter.pdf)).trailer["/Root"]
    # PDF/UA-1 (tagged, for screen readers; issue 23) keeping the sRGB output intent and the
    # file identifier of the former PDF/A-3b; the XMP says which standard it follows.
    assert "/OutputIntents" in root and "/StructTreeRoot" in root
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    login(client, account.email, builders.PASSWORD)
    response = client.get(f"/me/requests/{req.ref}/letter.pdf")
    assert response.status_code == 200 and response.data == letter.pdf


def test_another_tenants_letter_is_404(app, client, session):
    req = builders.request(session, builders.tenant(session), kind="rectification", status="in_progress")
    with app.test_request_context():
        letters.issue(session, req, "granted", None, "fr", app.config)
    _stranger, account = builders.tenant_with_account(session)
    session.commit()
    login(client, account.email, builders.PASSWORD)
    assert client.get(f"/me/requests/{req.ref}/letter.pdf").status_code == 404
    assert client.get("/me/requests/DPR-NOPE/letter.pdf").status_code == 404


def test_no_letter_yet_gives_a_clear_404_page(client, session):
    someone, account = builders.tenant_with_account(session)
    builders.request(session, someone, kind="erasure", status="waiting_info", ref="DPR-TEST-LNONE")
    login(client, account.email, builders.PASSWORD)
    response = client.get("/me/requests/DPR-TEST-LNONE/letter.pdf?lang=fr")
    assert response.status_code == 404
    assert "Aucun courrier n'a encore été émis pour la demande DPR-TEST-LNONE" in response.get_data(as_text=True)


def test_dpo_previews_a_letter_before_issuing_it(client, session):
    ref = builders.request(session, builders.tenant(session), kind="access").ref
    dpo = builders.account(session, "dpo")
    session.commit()
    login(client, dpo.email, builders.PASSWORD)
    response = client.get(f"/staff/requests/{ref}/letter-preview.pdf?kind=refused&letter_lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Your request is refused" in pdf_text(response.data)
    assert client.get(f"/staff/requests/{ref}/letter-preview.pdf?kind=bogus").status_code == 400
    assert client.get("/staff/requests/DPR-NOPE/letter-preview.pdf?kind=refused").status_code == 404


def test_manager_may_not_preview_an_access_letter_nor_a_tenant_may(client, session):
    people = builders.estate(session)
    ref = builders.request(session, people.tenant, kind="access").ref  # in the manager's portfolio
    session.commit()
    url = f"/staff/requests/{ref}/letter-preview.pdf?kind=granted"
    login(client, people.dpo.email, builders.PASSWORD)
    assert client.get(url).status_code == 200  # the letter exists: the refusals below are about who asks
    for user, refused in ((people.manager, 404), (people.tenant_account, 403)):
        client.post("/logout")
        login(client, user.email, builders.PASSWORD)
        response = client.get(url)
        assert response.status_code == refused and response.mimetype != "application/pdf", user.role
