"""The staff view of a tenant's file: need-to-know by role and scope, every view audited
with the categories shown and the purpose, attempts outside the scope "not found" and
logged. The done-when scenario of issue 5 is the first test."""

from __future__ import annotations

from tests.access.helpers import db_session, entries_after, last_entry, tenant_id, text_of
from tests import builders
from tests.conftest import login

CARETAKER, MANAGER, DPO = "gardien.lilas@example.org", "gestion@example.org", "dpo@example.org"


def test_caretaker_sees_only_name_phone_dwelling_and_technical_incidents_then_the_tenant_sees_the_visit(app):
    camille, karim = tenant_id(app, "LOC-000101"), tenant_id(app, "LOC-000202")
    before = last_entry(app).id
    staff = app.test_client()
    login(staff, CARETAKER)
    page = staff.get(f"/staff/tenants/{camille}?lang=en")
    assert page.status_code == 200
    text = text_of(page)
    for shown in ("Camille", "Martin", "01 43 56 78 90", "06 12 34 56 78", "LOG-101", "Résidence Les Lilas",
                  "Door", "32", "Fuite d'eau sous l'évier", "Technical"):
        assert shown in text, shown
    for hidden in ("Household", "Julien", "Resources", "Declared yearly income", "Rent and payments",
                   "Payments received", "Notes written by our staff", "cardiaque", "chimiothérapie",
                   "My privacy requests", "DPR-DEMO", "Correspondence", "Date of birth", "1984",
                   "camille.martin@example.org", "Neighbourhood", "Bruit nocturne", "Monthly rent", "612,40"):
        assert hidden not in text, hidden
    assert "Purpose of this consultation: Technical intervention." in text
    assert "The tenant can read what is written here" in text  # next to the incidents' free text

    assert staff.get(f"/staff/tenants/{karim}").status_code == 404

    read, denied = entries_after(app, before)
    assert (read.action, read.actor_role, read.tenant_id) == ("read", "caretaker", camille)
    assert read.categories == "identity,contact,lease,incidents"
    assert read.purpose == "Intervention technique"
    assert (denied.action, denied.tenant_id) == ("denied", karim)

    tenant = app.test_client()
    login(tenant, "camille.martin@example.org")
    log = text_of(tenant.get("/me/access-log"))
    newest = log.split("du plus récent au plus ancien.")[1].split("Motif")[0]
    assert "Gardien(ne) d'immeuble" in newest  # the visit just made comes first
    assert "Motif : Intervention technique" in log
    assert "Parties de votre dossier consultées : Identité, Coordonnées, Bail et logement, Incidents et réparations" in log
    log_en = text_of(tenant.get("/me/access-log?lang=en"))
    newest = log_en.split("newest first.")[1].split("Purpose:")[0]
    assert "Building caretaker" in newest
    assert "Gardien Les Lilas" not in log_en  # no staff names unless the landlord turns them on


def test_caretaker_search_finds_only_their_buildings_and_logs_searches_outside(app):
    client = app.test_client()
    login(client, CARETAKER)
    before = last_entry(app).id
    page = client.get("/staff/tenants?q=mar&lang=en")
    found = text_of(page)
    assert "Martin Camille" in found and "LOC-000101" in found
    link = page.get_data(as_text=True).split(">Martin Camille</a>")[0].rsplit('href="', 1)[1].split('"')[0]
    assert link == f"/staff/tenants/{tenant_id(app, 'LOC-000101')}"  # the result opens that file
    outside = client.get("/staff/tenants?q=Benali&lang=en")
    assert outside.status_code == 200
    assert "No tenant found among the files you are in charge of." in text_of(outside)
    assert "Benali" not in text_of(outside).replace("“Benali”", "")
    by_number = text_of(client.get("/staff/tenants?q=LOC-000202&lang=en"))
    assert "No tenant found" in by_number and "Karim" not in by_number
    entries = entries_after(app, before)
    assert [e.action for e in entries] == ["search", "search", "denied", "search", "denied"]
    assert entries[2].detail == {"what": "search", "asked": "Benali"}


def _caretaker_of_one_building(session):
    """A caretaker (builders) looking after one building of two tenants, and a tenant elsewhere."""
    home = builders.building(session)
    inside = (builders.tenant(session, home, first_name="Lucie", last_name="Garnier"),
              builders.tenant(session, home, first_name="Paul", last_name="Moreau"))
    outside = builders.tenant(session, first_name="Inès", last_name="Fabre")
    caretaker = builders.account(session, "caretaker", buildings=(home,))
    return caretaker, inside, outside


def test_caretaker_home_lists_only_their_tenants(app, session):
    caretaker, _inside, _outside = _caretaker_of_one_building(session)
    client = app.test_client()
    login(client, caretaker.email, builders.PASSWORD)
    text = text_of(client.get("/staff/tenants?lang=fr"))
    assert "Garnier Lucie" in text and "Moreau Paul" in text
    assert "Fabre" not in text and "Martin Camille" not in text


def test_guessed_ids_are_not_found_and_logged(app, session):
    caretaker, _inside, outside = _caretaker_of_one_building(session)
    client = app.test_client()
    login(client, caretaker.email, builders.PASSWORD)
    before = last_entry(app).id
    for guess in (outside.id, 99999999):
        response = client.get(f"/staff/tenants/{guess}?lang=en")
        assert response.status_code == 404
        assert "Inès" not in response.get_data(as_text=True)
    entries = entries_after(app, before)
    assert [(e.action, e.tenant_id) for e in entries] == [("denied", outside.id), ("denied", None)]
    assert entries[1].detail["asked"] == "99999999"


def test_manager_reads_the_full_file_of_the_portfolio_and_nothing_outside(app):
    client = app.test_client()
    login(client, MANAGER)
    karim, amina = tenant_id(app, "LOC-000202"), tenant_id(app, "LOC-000305")
    text = text_of(client.get(f"/staff/tenants/{karim}?lang=en"))
    for shown in ("Household", "Nadia", "Declared yearly income", "Payments received", "Notes written by our staff",
                  "My privacy requests", "DPR-DEMO-0003", "Purpose of this consultation: Rental management."):
        assert shown in text, shown
    assert "Portal account" not in text and "Who consulted my file" not in text  # DPO only
    assert client.get(f"/staff/tenants/{amina}").status_code == 404
    assert last_entry(app).action == "denied"


def test_dpo_states_a_purpose_before_any_file_opens(app):
    client = app.test_client()
    login(client, DPO)
    amina = tenant_id(app, "LOC-000305")
    before = last_entry(app).id
    ask = client.get(f"/staff/tenants/{amina}?lang=en")
    assert ask.status_code == 200
    text = text_of(ask)
    assert "Why are you opening this file?" in text and "Diallo" in text
    assert "Moussa" not in text and "Households" not in text  # no data yet
    assert entries_after(app, before) == []

    missing = client.post(f"/staff/tenants/{amina}?lang=en", data={"purpose": "other", "purpose_other": "  "})
    assert missing.status_code == 422
    assert "Describe the purpose of this consultation." in text_of(missing)
    none = client.post(f"/staff/tenants/{amina}?lang=fr", data={})
    assert none.status_code == 422 and "Choisissez le motif de cette consultation." in text_of(none)

    done = client.post(f"/staff/tenants/{amina}", data={"purpose": "other",
                                                          "purpose_other": "Plainte reçue par la CNIL"})
    assert done.status_code == 302
    text = text_of(client.get(f"/staff/tenants/{amina}?lang=en"))
    assert "Moussa" in text and "Plainte reçue par la CNIL" in text
    read = last_entry(app)
    assert (read.action, read.purpose, read.tenant_id) == ("read", "Plainte reçue par la CNIL", amina)
    assert "access_log" in read.categories.split(",") and "notes" in read.categories.split(",")

    # Another file: the purpose is asked again.
    camille = tenant_id(app, "LOC-000101")
    assert "Pourquoi ouvrez-vous ce dossier ?" in text_of(client.get(f"/staff/tenants/{camille}?lang=fr"))


def test_a_known_purpose_is_written_in_the_tenants_language(app):
    client = app.test_client()
    login(client, DPO)
    john = tenant_id(app, "LOC-000204")  # reads the portal in English
    client.post(f"/staff/tenants/{john}", data={"purpose": "privacy_request"})
    client.get(f"/staff/tenants/{john}")
    assert last_entry(app).purpose == "Answering a privacy request"
    assert last_entry(app).detail == {"purpose_key": "privacy_request"}


def test_restriction_banner_shows_while_a_restriction_is_in_force(app):
    from portal.models import Restriction

    camille = tenant_id(app, "LOC-000101")
    with db_session(app) as s:
        s.add(Restriction(tenant_id=camille, category_key="contact", active=True))
        s.commit()
    client = app.test_client()
    login(client, CARETAKER)
    text = text_of(client.get(f"/staff/tenants/{camille}?lang=en"))
    assert "Restriction of use (GDPR Art. 18) in force." in text
    assert "Contact details" in text.split("restriction is lifted:")[1]
    fr = text_of(client.get(f"/staff/tenants/{camille}?lang=fr"))
    assert "Limitation du traitement (RGPD art. 18) en vigueur." in fr


def test_no_restriction_no_banner(app):
    client = app.test_client()
    login(client, MANAGER)
    text = text_of(client.get(f"/staff/tenants/{tenant_id(app, 'LOC-000202')}?lang=en"))
    assert "Restriction of use" not in text
    assert text.count("The tenant can read what is written here") == 2  # incidents and notes


def test_tenant_on_staff_urls_gets_403_and_no_data(app):
    client = app.test_client()
    login(client, "camille.martin@example.org")
    karim = tenant_id(app, "LOC-000202")
    for url in ("/staff/tenants", "/staff/tenants?q=benali", f"/staff/tenants/{karim}", "/staff/audit"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Benali" not in response.get_data(as_text=True)


def test_anonymous_on_staff_urls_goes_to_the_login_page(app):
    response = app.test_client().get(f"/staff/tenants/{tenant_id(app, 'LOC-000101')}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_sees_no_tenant_file(app):
    client = app.test_client()
    login(client, "admin@example.org")
    assert client.get(f"/staff/tenants/{tenant_id(app, 'LOC-000101')}").status_code == 403
    assert client.get("/staff/tenants?q=martin").status_code == 403
