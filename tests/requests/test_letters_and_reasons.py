"""Refusals and recipients (issue 21, point 9), the complete access answer (point 5) and
requests by a representative (point 10), through the pages and the letters (PDF text)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal.models import Letter, PrivacyRequest, RecipientNotice
from portal.requests import letters
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import login
from tests.documents._pdftext import pdf_text, squash
from tests.requests.helpers import load, mails_about, text


@pytest.fixture()
def someone(dbs):
    """A tenant, Mme Alix Rossignol, who logs in (tests/builders.py)."""
    tenant, account = builders.tenant_with_account(dbs, first_name="Alix", last_name="Rossignol")
    dbs.commit()
    return tenant, account


@pytest.fixture()
def dpo(dbs):
    user = builders.account(dbs, "dpo")
    dbs.commit()
    return user


def _in(client, user) -> None:
    login(client, user.email, PASSWORD)


def switch(client, user) -> None:
    client.post("/logout")
    _in(client, user)


def _file(client, account) -> str:
    """The tenant files a rectification of their phone number through the form."""
    _in(client, account)
    response = client.post("/me/requests/new?lang=fr", data={
        "kind": "rectification", "field": "contact.phone", "proposed_value": "01 45 67 89 10",
        "details": "Nouveau numéro."})
    assert response.status_code == 302, text(response)[-2000:]
    client.post("/logout")
    return response.headers["Location"].rsplit("/", 1)[-1]


def _received(dbs, tenant, kind: str, ref: str, **extra) -> PrivacyRequest:
    req = builders.request(dbs, tenant, kind, received_on=datetime.now().date() - timedelta(days=3), ref=ref, **extra)
    dbs.commit()
    return req


def _letter_text(dbs, ref: str) -> str:
    req = load(dbs, ref)
    pdf = dbs.scalars(select(Letter.pdf).where(Letter.request_id == req.id).order_by(Letter.id.desc())).first()
    return squash(pdf_text(pdf))


# --- Refusal reasons offered per kind -------------------------------------------------

def test_an_access_request_cannot_be_refused_for_legal_claims(client, dbs, someone, dpo):
    _received(dbs, someone[0], "access", "DPR-TEST-RSN1")
    _in(client, dpo)
    page = text(client.get("/staff/requests/DPR-TEST-RSN1?lang=en"))
    assert 'value="rights_of_others"' in page and 'value="legal_claims"' not in page
    refused = client.post("/staff/requests/DPR-TEST-RSN1", data={
        "action": "refuse", "message": "Contentieux en cours.", "refusal_reason": "legal_claims", "confirm": "1"})
    assert refused.status_code == 400 and load(dbs, "DPR-TEST-RSN1").status == "received"


def test_an_objection_can_be_refused_because_art21_does_not_apply_and_the_letter_says_why(client, dbs, someone,
                                                                                        dpo):
    _received(dbs, someone[0], "objection", "DPR-TEST-RSN2", details="Je m'oppose à l'envoi des avis d'échéance.")
    _in(client, dpo)
    page = text(client.get("/staff/requests/DPR-TEST-RSN2?lang=en"))
    assert "Art. 21 does not apply to this legal basis" in page and 'value="data_accurate"' not in page
    done = client.post("/staff/requests/DPR-TEST-RSN2", data={
        "action": "refuse", "message": "Les avis d'échéance exécutent le bail.",
        "refusal_reason": "objection_not_applicable", "confirm": "1"})
    assert done.status_code == 303
    letter = _letter_text(dbs, "DPR-TEST-RSN2")
    assert squash("Le droit d'opposition ne s'applique qu'aux traitements fondés sur notre intérêt légitime") in letter
    assert squash("RGPD art. 21(1)") in letter


# --- Letters: greeting, closing, one CNIL address, Paris date -----------------------------

@pytest.mark.parametrize("lang, greeting, closing", [
    ("fr", "Madame,", "Nous vous prions d'agréer, Madame, l'expression de nos salutations distinguées."),
    ("en", "Dear Madam,", "Yours faithfully,"),
])
def test_letters_greet_madame_and_close_with_the_matching_formula(app, session, lang, greeting, closing):
    req = builders.request(session, builders.tenant(session, civility="Mme", first_name="Alix", last_name="Rossignol"))
    with app.test_request_context():
        body = squash(pdf_text(letters.render(req, "refused", lang, app.config)))
    assert squash(greeting) in body and squash(closing) in body
    assert squash("Mme Alix Rossignol,") not in body and "Dear Mrs" not in body
    # The CNIL's one address, the same as in the e-mails.
    assert squash("3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07") in body


def test_a_mister_is_greeted_monsieur(app, session):
    req = builders.request(session, builders.tenant(session, civility="M.", first_name="Bruno"))
    with app.test_request_context():
        body = squash(pdf_text(letters.render(req, "extension", "fr", app.config)))
    assert squash("Monsieur,") in body and squash("agréer, Monsieur, l'expression") in body
    assert squash("Madame,") not in body


def test_the_letter_is_dated_in_paris_not_in_utc(app, session):
    req = builders.request(session, builders.tenant(session), status="in_progress")
    # 23:30 UTC on 28 February is 00:30 on 1 March in Paris.
    from unittest import mock

    with app.test_request_context(), mock.patch("portal.requests.letters.utcnow",
                                                return_value=datetime(2026, 2, 28, 23, 30)):
        ctx = letters.context(req, "refused", "fr", app.config)
    assert ctx.today == "01/03/2026"  # in UTC it would still be 28/02/2026


def test_refusal_mail_and_letter_give_the_same_cnil_address(app, client, dbs, someone, dpo):
    ref = _file(client, someone[1])
    _in(client, dpo)
    client.post(f"/staff/requests/{ref}", data={"action": "refuse", "message": "Numéro exact.",
                                                 "refusal_reason": "data_accurate", "confirm": "1"})
    bodies = [m.get_content() for m in mails_about(app, ref)]
    address = "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07"
    assert any(address in b for b in bodies)
    assert squash(address) in _letter_text(dbs, ref)
    assert not any("75007 Paris" in b for b in bodies)


# --- Recipients named in the catalogue; Art. 19 goes to them ------------------------------

def test_art19_notices_go_to_outside_recipients_not_to_the_cnil_or_the_tenant(client, dbs, someone, dpo):
    ref = _file(client, someone[1])  # rectification of contact.phone
    _in(client, dpo)
    client.post(f"/staff/requests/{ref}", data={"action": "grant", "confirm": "1"})
    names = list(dbs.scalars(select(RecipientNotice.recipient).where(
        RecipientNotice.request_id == load(dbs, ref).id)))
    assert names and not any("CNIL" in n or n in ("Vous-même", "You") for n in names)
    assert not any("gestion locative" in n for n in names)  # an internal service is not told under Art. 19


def test_payments_name_the_caf_and_the_ccapex_and_the_cnil_is_no_recipient(client, someone):
    _in(client, someone[1])
    data = json.loads(client.get("/me/export.json?lang=fr").data)
    recipients = {c["key"]: " ".join(c["recipients"]) for c in data["categories"]}
    assert "CCAPEX" in recipients["payments"] and "Caisse d'allocations familiales (CAF)" in recipients["payments"]
    assert not any("CNIL" in r or "Vous-même" in r for r in recipients.values())


# --- The complete access answer: PDF copy, letter, JSON ---------------------------------

@pytest.mark.parametrize("lang, words", [
    ("fr", ["Vos droits et comment les exercer", "Droit d'opposition (art. 21)", "Droit à la portabilité",
            "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07", "www.cnil.fr",
            "Transferts hors de l'Union européenne", "Aucun : vos données ne sont pas transférées",
            "Décisions automatisées et profilage", "CCAPEX", "dpo@example.org"]),
    ("en", ["Your rights and how to use them", "Right to object (Art. 21)", "Right to data portability",
            "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07", "www.cnil.fr",
            "Transfers outside the European Union", "None: your data is not transferred",
            "Automated decisions and profiling", "CCAPEX", "dpo@example.org"]),
])
def test_the_pdf_copy_carries_rights_cnil_transfers_automated_decisions_recipients_dpo(client, someone, lang, words):
    _in(client, someone[1])
    response = client.get(f"/me/export.pdf?lang={lang}")
    if response.status_code == 202:  # rendered in the background: ask again
        response = client.get(f"/me/export.pdf?lang={lang}")
    body = squash(pdf_text(response.data))
    for expected in words:
        assert squash(expected) in body, expected


def test_the_access_letter_carries_the_same_information(client, dbs, someone, dpo):
    _received(dbs, someone[0], "access", "DPR-TEST-ACC1")
    _in(client, dpo)
    assert client.post("/staff/requests/DPR-TEST-ACC1", data={"action": "grant", "confirm": "1"}).status_code == 303
    letter = _letter_text(dbs, "DPR-TEST-ACC1")
    for expected in ("Vos droits et comment les exercer", "Droit de rectification (art. 16)",
                     "3 place de Fontenoy", "Aucune : nous ne prenons aucune décision",
                     "Destinataires de vos données", "Commissaires de justice"):
        assert squash(expected) in letter, expected


def test_the_json_export_carries_the_same_fields(client, someone):
    _in(client, someone[1])
    data = json.loads(client.get("/me/export.json?lang=en").data)
    info = data["information"]
    assert info["complaint"]["address"].startswith("3 place de Fontenoy")
    assert info["complaint"]["website"] == "www.cnil.fr"
    assert info["transfers_outside_eu"] and info["automated_decisions"]
    assert any("Art. 21" in r["right"] or "art. 21" in r["right"] for r in info["rights"])
    assert info["dpo"]["email"] == "dpo@example.org"
    assert any("CCAPEX" in r for r in info["recipients"])
    assert data["subject"]["tenant_id"] == someone[0].id and data["categories"][0]["recipients"]


def test_the_dpo_overrides_the_transfers_text_from_instance_catalogue(app, client, someone, tmp_path):
    override = tmp_path / "catalogue.toml"
    override.write_text('[controller.fr]\ntransfers = "Hébergement chez un prestataire à Montréal (Canada, décision '
                        'd\'adéquation)."\n', encoding="utf-8")
    app.config["CATALOGUE_OVERRIDES"] = str(override)
    try:
        _in(client, someone[1])
        data = json.loads(client.get("/me/export.json?lang=fr").data)
        assert data["information"]["transfers_outside_eu"].startswith("Hébergement chez un prestataire à Montréal")
    finally:
        app.config["CATALOGUE_OVERRIDES"] = None


# --- Requests made by a representative -----------------------------------------------------

def _register(client, tenant, **extra):
    form = {"tenant_number": tenant.tenant_number, "kind": "access", "channel": "post",
            "received_on": datetime.now().date().isoformat(), "details": "Copie du dossier de Mme Martin.",
            "identity_verified": "y", "identity_note": "Jugement et pièce d'identité de la tutrice.",
            "representative_kind": "udaf", "representative_name": "UDAF de Paris — Mme Durand",
            "representative_address": "10 rue de l'Exemple, 75010 Paris",
            "representative_email": "tutelles@udaf-exemple.org",
            "representative_proof": "Jugement de tutelle du tribunal judiciaire de Paris du 12 mars 2024",
            "representative_copy_tenant": "y"}
    form.update(extra)
    return client.post("/staff/requests/register?lang=fr", data={k: v for k, v in form.items() if v is not None})


def test_staff_register_a_request_by_a_guardian_and_letters_go_to_the_representative(app, client, dbs, someone,
                                                                                     dpo):
    tenant, account = someone
    _in(client, dpo)
    form_page = text(client.get("/staff/requests/register?lang=en"))
    assert "UDAF (family association acting as guardian or curator)" in form_page
    done = _register(client, tenant)
    assert done.status_code == 303, text(done)[-1500:]
    ref = done.headers["Location"].rsplit("/", 1)[-1]
    req = load(dbs, ref)
    assert req.representative_kind == "udaf" and req.representative_copy_tenant
    staff_page = text(client.get(f"/staff/requests/{ref}"))
    assert "UDAF de Paris — Mme Durand" in staff_page and "Jugement de tutelle" in staff_page
    client.post(f"/staff/requests/{ref}", data={"action": "extend", "message": "Dossier volumineux."})
    letter = _letter_text(dbs, ref)
    assert squash("UDAF de Paris — Mme Durand") in letter and squash("pour le compte de Alix Rossignol") in letter
    assert squash("Madame, Monsieur,") in letter and squash("Copie : Alix Rossignol") in letter
    recipients = {str(m["To"]) for m in mails_about(app, ref)}
    assert "tutelles@udaf-exemple.org" in recipients and tenant.email in recipients
    switch(client, account)
    mine = text(client.get(f"/me/requests/{ref}?lang=en"))
    assert "Made on your behalf by" in mine and "UDAF de Paris — Mme Durand" in mine


def test_when_the_measure_allows_no_copy_only_the_representative_is_written_to(app, client, dbs, someone, dpo):
    _in(client, dpo)
    done = _register(client, someone[0], representative_kind="guardian", representative_copy_tenant=None)
    ref = done.headers["Location"].rsplit("/", 1)[-1]
    recipients = {str(m["To"]) for m in mails_about(app, ref)}
    assert recipients == {"tutelles@udaf-exemple.org"}
    client.post(f"/staff/requests/{ref}", data={"action": "extend", "message": "Dossier volumineux."})
    letter = _letter_text(dbs, ref)
    assert squash("UDAF de Paris — Mme Durand") in letter and squash("Copie : Alix Rossignol") not in letter


@pytest.mark.parametrize("missing", ["representative_name", "representative_proof", "representative_address"])
def test_a_representative_without_name_address_or_proof_is_refused_and_nothing_is_saved(client, dbs, someone, dpo,
                                                                                        missing):
    _in(client, dpo)
    before = dbs.scalar(select(PrivacyRequest.id).order_by(PrivacyRequest.id.desc()).limit(1))
    response = _register(client, someone[0], **{missing: ""})
    assert response.status_code == 400
    assert dbs.scalar(select(PrivacyRequest.id).order_by(PrivacyRequest.id.desc()).limit(1)) == before
    assert "UDAF de Paris" in text(response)  # nothing typed is lost
