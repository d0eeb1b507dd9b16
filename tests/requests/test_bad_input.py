"""Bad input gets a clear message on the form, in the user's language; nothing is saved
and what was typed is shown again."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.models import HouseholdMember, PrivacyRequest, Tenant
from tests import builders
from tests.conftest import login
from tests.requests.helpers import file_request, load, text


def _tenant_logged_in(client, dbs, **values) -> Tenant:
    """A new tenant (builders) whose phone is 01 43 56 78 90, logged in."""
    someone, account = builders.tenant_with_account(dbs, **{"phone": "01 43 56 78 90", **values})
    dbs.commit()
    login(client, account.email, builders.PASSWORD)
    return someone


def _dpo_logged_in(client, dbs) -> None:
    dpo = builders.account(dbs, "dpo")
    dbs.commit()
    login(client, dpo.email, builders.PASSWORD)


def _filed_then_dpo(client, dbs) -> str:
    """A new tenant (phone 01 43 56 78 90) files a phone correction through the form; a
    built DPO is then logged in. Returns the request's reference."""
    _someone, account = builders.tenant_with_account(dbs, phone="01 43 56 78 90")
    dbs.commit()
    ref = file_request(client, account.email, password=builders.PASSWORD)
    _dpo_logged_in(client, dbs)
    return ref


def _count(dbs) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(PrivacyRequest))


@pytest.mark.parametrize(("data", "fr", "en"), [
    ({"kind": "teleportation"}, "Choisissez le type de demande", "Choose the kind of request"),
    ({"kind": ""}, "Choisissez le type de demande", "Choose the kind of request"),
    ({"kind": "rectification", "field": "contact.fax", "proposed_value": "x"},
     "Choisissez dans la liste la donnée à corriger", "Choose the data to correct"),
    ({"kind": "rectification", "field": "identity.tenant_number", "proposed_value": "LOC-1"},
     "Choisissez dans la liste la donnée à corriger", "Choose the data to correct"),
    ({"kind": "rectification", "field": "contact.email", "proposed_value": "camille@"},
     "Saisissez une adresse e-mail", "Enter an e-mail address like"),
    ({"kind": "rectification", "field": "contact.phone", "proposed_value": "call me maybe"},
     "Saisissez un numéro de téléphone", "Enter a phone number like"),
    ({"kind": "rectification", "field": "identity.birth_date", "proposed_value": "31/02/1984"},
     "Saisissez une date comme", "Enter a date like"),
    ({"kind": "rectification", "field": "identity.birth_date", "proposed_value": "01/01/2990"},
     "comprise entre 1900", "between 1900 and today"),
    ({"kind": "rectification", "field": "identity.last_name", "proposed_value": "   "},
     "Indiquez la valeur exacte", "Give the correct value"),
    ({"kind": "rectification", "field": "identity.last_name", "proposed_value": "M" * 101},
     "Ce texte est trop long : 101 caractères, 100 au maximum", "This text is too long: 101 characters, 100 at most"),
    ({"kind": "rectification", "field": "contact.phone", "proposed_value": "01 43 56 78 90"},
     "C'est déjà la valeur que nous détenons", "This is already the value we hold"),
    ({"kind": "objection", "details": ""}, "Décrivez votre demande", "Describe your request"),
    ({"kind": "access", "details": "x" * 5001},
     "Ce texte est trop long : 5001 caractères, 5000 au maximum", "This text is too long: 5001 characters, 5000 at most"),
    ({"kind": "erasure", "targets": ["notes:999999"]},
     "ne fait pas partie de votre dossier", "is not part of your file"),
])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_bad_request_form_gets_a_clear_message_and_saves_nothing(client, dbs, data, fr, en, lang):
    _tenant_logged_in(client, dbs)
    before = _count(dbs)
    response = client.post(f"/me/requests/new?lang={lang}", data=data)
    assert response.status_code == 400
    page = text(response)
    assert (fr if lang == "fr" else en).replace("'", "&#39;") in page or (fr if lang == "fr" else en) in page
    assert 'class="error-summary"' in page
    for key in ("proposed_value", "details"):  # what was typed is kept
        value = data.get(key)
        if value and value.strip() and len(value) < 200:
            assert value in page
    assert _count(dbs) == before


def test_another_tenants_note_cannot_be_named(client, dbs):
    note = builders.note(dbs, builders.tenant(dbs), "Note sur un autre locataire.")
    _tenant_logged_in(client, dbs)
    response = client.post("/me/requests/new?lang=en", data={"kind": "erasure", "targets": [f"notes:{note.id}"]})
    assert response.status_code == 400 and "is not part of your file" in text(response)


def test_rectification_of_another_tenants_household_member_is_refused(client, dbs):
    other = builders.tenant(dbs)
    member = HouseholdMember(tenant_id=other.id, first_name="Nadia", last_name=other.last_name, relation="spouse")
    dbs.add(member)
    dbs.flush()
    _tenant_logged_in(client, dbs)
    response = client.post("/me/requests/new?lang=en", data={
        "kind": "rectification", "field": "household.first_name", "proposed_value": "Léa", "record": str(member.id)})
    assert response.status_code == 400 and "This record is not part of your file" in text(response)


def test_refuse_without_a_legal_reason_is_a_form_error_not_a_crash(client, dbs):
    ref = _filed_then_dpo(client, dbs)
    response = client.post(f"/staff/requests/{ref}?lang=en", data={"action": "refuse", "message": "Non."})
    assert response.status_code == 400
    assert "Choose the legal reason for the refusal." in text(response)
    assert load(dbs, ref).status == "received" and load(dbs, ref).outcome is None
    response = client.post(f"/staff/requests/{ref}?lang=fr", data={"action": "refuse", "message": "Non.",
                                                                   "refusal_reason": "because"})
    assert response.status_code == 400 and "Choisissez un motif juridique dans la liste." in text(response)
    response = client.post(f"/staff/requests/{ref}?lang=fr", data={"action": "refuse",
                                                                   "refusal_reason": "manifestly_unfounded"})
    assert response.status_code == 400 and "Rédigez un message." in text(response)
    assert load(dbs, ref).outcome is None


@pytest.mark.parametrize(("status", "action"), [
    ("closed", "grant"),
    ("withdrawn", "assign"),
    ("received", "close"),  # not answered yet
    ("answered", "refuse"),
])
def test_action_the_state_does_not_allow_is_refused_with_a_message(client, dbs, status, action):
    outcome = "granted" if status in ("answered", "closed") else None
    ref = builders.request(dbs, builders.tenant(dbs), status=status, outcome=outcome).ref
    version = load(dbs, ref).version
    _dpo_logged_in(client, dbs)
    response = client.post(f"/staff/requests/{ref}?lang=en", data={
        "action": action, "message": "x", "refusal_reason": "manifestly_unfounded"})
    assert response.status_code == 409
    assert "This action is not possible while the request is" in text(response)
    after = load(dbs, ref)
    assert (after.status, after.version) == (status, version)


def test_unknown_action_is_refused(client, dbs):
    ref = builders.request(dbs, builders.tenant(dbs)).ref
    _dpo_logged_in(client, dbs)
    response = client.post(f"/staff/requests/{ref}?lang=en", data={"action": "delete_everything"})
    assert response.status_code == 400 and "Choose an action from the list." in text(response)


def test_stale_form_version_changes_nothing(client, dbs):
    ref = _filed_then_dpo(client, dbs)
    assert client.post(f"/staff/requests/{ref}", data={"action": "assign", "version": "1"}).status_code == 303
    # A form drawn at version 1 is now stale: the grant is refused, nothing is overwritten.
    response = client.post(f"/staff/requests/{ref}?lang=en", data={"action": "grant", "message": "ok",
                                                                    "version": "1"})
    assert response.status_code == 409
    assert "changed meanwhile" in text(response)
    req = load(dbs, ref)
    assert req.status == "in_progress" and req.outcome is None and req.version == 2
    tenant = dbs.get(Tenant, req.tenant_id)
    assert tenant.phone == "01 43 56 78 90"


def test_tenant_must_write_the_information_asked_for(client, dbs):
    someone, account = builders.tenant_with_account(dbs)
    ref = builders.request(dbs, someone, status="waiting_info", info_kind="identity").ref
    _dpo_logged_in(client, dbs)
    client.post(f"/staff/requests/{ref}")  # no action posted: no crash
    client.post("/logout")
    login(client, account.email, builders.PASSWORD)
    response = client.post(f"/me/requests/{ref}?lang=en", data={"action": "provide_info", "message": " "})
    assert response.status_code == 400 and "Write the information we asked for." in text(response)
    assert load(dbs, ref).status == "waiting_info"


def test_proposed_value_longer_than_the_column_is_refused(client, dbs):
    _tenant_logged_in(client, dbs)
    response = client.post("/me/requests/new?lang=en", data={
        "kind": "rectification", "field": "contact.phone", "proposed_value": "+33 (0)1 - 45 - 67 - 89 - 10 - 11"})
    assert response.status_code == 400 and "at most" in text(response)


def test_a_double_click_files_one_request_but_a_different_one_is_filed(client, dbs):
    _tenant_logged_in(client, dbs)
    before = _count(dbs)
    data = {"kind": "access", "details": "Une copie, s'il vous plaît."}
    first = client.post("/me/requests/new", data=data)
    second = client.post("/me/requests/new?lang=en", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert "You had just sent this request" in text(client.get(second.headers["Location"]))
    assert _count(dbs) == before + 1
    other = client.post("/me/requests/new", data={"kind": "access", "details": "Et les notes aussi."})
    assert other.headers["Location"] != first.headers["Location"] and _count(dbs) == before + 2
