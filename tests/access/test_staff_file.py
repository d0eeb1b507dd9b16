"""The staff view of a tenant's file: need-to-know by role and scope, every view audited
with the categories shown and the purpose, attempts outside the scope "not found" and
logged. The done-when scenario of issue 5 is the first test."""

from __future__ import annotations

from tests.access.helpers import entries_after, last_entry, text_of
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import login


def _client(app, user):
    client = app.test_client()
    login(client, user.email, PASSWORD)
    return client


def test_caretaker_sees_only_name_phone_dwelling_and_technical_incidents_then_the_tenant_sees_the_visit(app, session):
    people = builders.estate(session)
    someone = people.tenant
    someone.first_name, someone.last_name = "Alix", "Rossignol"
    record = builders.full_file(session, someone)
    session.commit()
    before = last_entry(app).id
    staff = _client(app, people.caretaker)
    page = staff.get(f"/staff/tenants/{someone.id}?lang=en")
    assert page.status_code == 200
    text = text_of(page)
    for shown in ("Alix", "Rossignol", "01 40 00 12 34", "06 00 98 76 54", record.dwelling.ref, people.building.name,
                  "Door", record.dwelling.door, "Radiateur froid dans la chambre", "Technical"):
        assert shown in text, shown
    for hidden in ("Household", "Séraphin", "Resources", "Declared yearly income", "23 456", "Rent and payments",
                   "Payments received", "612,40", "Notes written by our staff", "Relance loyer",
                   "My privacy requests", record.request.ref, "Correspondence", "Régularisation des charges",
                   "Date of birth", "1979", people.tenant_account.email, "Neighbourhood", "Tapage au troisième",
                   "Monthly rent"):
        assert hidden not in text, hidden
    assert "Purpose of this consultation: Technical intervention." in text
    assert "The tenant can read what is written here" in text  # next to the incidents' free text

    assert staff.get(f"/staff/tenants/{people.neighbour.id}").status_code == 404

    read, denied = entries_after(app, before)
    assert (read.action, read.actor_role, read.tenant_id) == ("read", "caretaker", someone.id)
    assert read.categories == "identity,contact,lease,incidents"
    assert read.purpose == "Intervention technique"
    assert (denied.action, denied.tenant_id) == ("denied", people.neighbour.id)

    tenant = _client(app, people.tenant_account)
    log = text_of(tenant.get("/me/access-log"))
    newest = log.split("du plus récent au plus ancien.")[1].split("Motif")[0]
    assert "Gardien(ne) d'immeuble" in newest  # the visit just made comes first
    assert "Motif : Intervention technique" in log
    assert "Parties de votre dossier consultées : Identité, Coordonnées, Bail et logement, Incidents et réparations" in log
    log_en = text_of(tenant.get("/me/access-log?lang=en"))
    newest = log_en.split("newest first.")[1].split("Purpose:")[0]
    assert "Building caretaker" in newest
    assert people.caretaker.display_name not in log_en  # no staff names unless the landlord turns them on


def test_caretaker_search_finds_only_their_buildings_and_logs_searches_outside(app, session):
    people = builders.estate(session)
    people.tenant.first_name, people.tenant.last_name = "Alix", "Rossignol"
    people.neighbour.first_name, people.neighbour.last_name = "Basile", "Zephyrin"
    session.flush()
    client = _client(app, people.caretaker)
    before = last_entry(app).id
    page = client.get("/staff/tenants?q=rossi&lang=en")
    found = text_of(page)
    assert "Rossignol Alix" in found and people.tenant.tenant_number in found
    link = page.get_data(as_text=True).split(">Rossignol Alix</a>")[0].rsplit('href="', 1)[1].split('"')[0]
    assert link == f"/staff/tenants/{people.tenant.id}"  # the result opens that file
    outside = client.get("/staff/tenants?q=Zephyrin&lang=en")
    assert outside.status_code == 200
    assert "No tenant found among the files you are in charge of." in text_of(outside)
    assert "Zephyrin" not in text_of(outside).replace("“Zephyrin”", "")
    by_number = text_of(client.get(f"/staff/tenants?q={people.neighbour.tenant_number}&lang=en"))
    assert "No tenant found" in by_number and "Basile" not in by_number
    entries = entries_after(app, before)
    assert [e.action for e in entries] == ["search", "search", "denied", "search", "denied"]
    assert entries[2].detail == {"what": "search", "asked": "Zephyrin"}


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
    assert "Fabre" not in text


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


def test_manager_reads_the_full_file_of_the_portfolio_and_nothing_outside(app, session):
    people = builders.estate(session)
    record = builders.full_file(session, people.neighbour)
    outsider = builders.tenant(session, builders.building(session, portfolio_id=builders.portfolio(session).id))
    client = _client(app, people.manager)
    text = text_of(client.get(f"/staff/tenants/{people.neighbour.id}?lang=en"))
    for shown in ("Household", "Séraphin", "Declared yearly income", "Payments received", "Notes written by our staff",
                  "Relance loyer de janvier", "My privacy requests", record.request.ref, "Tapage au troisième",
                  "Purpose of this consultation: Rental management."):
        assert shown in text, shown
    assert "Portal account" not in text and "Who consulted my file" not in text  # DPO only
    assert client.get(f"/staff/tenants/{outsider.id}").status_code == 404
    assert (last_entry(app).action, last_entry(app).tenant_id) == ("denied", outsider.id)


def test_dpo_states_a_purpose_before_any_file_opens(app, session):
    someone = builders.tenant(session, last_name="Diallo-Essai")
    builders.full_file(session, someone)
    other = builders.tenant(session)
    client = _client(app, builders.account(session, "dpo"))
    before = last_entry(app).id
    ask = client.get(f"/staff/tenants/{someone.id}?lang=en")
    assert ask.status_code == 200
    text = text_of(ask)
    assert "Why are you opening this file?" in text and "Diallo-Essai" in text
    assert "Séraphin" not in text and "Households" not in text  # no data yet
    assert entries_after(app, before) == []

    missing = client.post(f"/staff/tenants/{someone.id}?lang=en", data={"purpose": "other", "purpose_other": "  "})
    assert missing.status_code == 422
    assert "Describe the purpose of this consultation." in text_of(missing)
    none = client.post(f"/staff/tenants/{someone.id}?lang=fr", data={})
    assert none.status_code == 422 and "Choisissez le motif de cette consultation." in text_of(none)

    done = client.post(f"/staff/tenants/{someone.id}", data={"purpose": "other",
                                                              "purpose_other": "Plainte reçue par la CNIL"})
    assert done.status_code == 302
    text = text_of(client.get(f"/staff/tenants/{someone.id}?lang=en"))
    assert "Séraphin" in text and "Plainte reçue par la CNIL" in text
    read = last_entry(app)
    assert (read.action, read.purpose, read.tenant_id) == ("read", "Plainte reçue par la CNIL", someone.id)
    assert "access_log" in read.categories.split(",") and "notes" in read.categories.split(",")

    # Another file: the purpose is asked again.
    assert "Pourquoi ouvrez-vous ce dossier ?" in text_of(client.get(f"/staff/tenants/{other.id}?lang=fr"))


def test_a_known_purpose_is_written_in_the_tenants_language(app, session):
    reader = builders.tenant(session, preferred_language="en")  # reads the portal in English
    client = _client(app, builders.account(session, "dpo"))
    client.post(f"/staff/tenants/{reader.id}", data={"purpose": "privacy_request"})
    client.get(f"/staff/tenants/{reader.id}")
    assert last_entry(app).purpose == "Answering a privacy request"
    assert last_entry(app).detail == {"purpose_key": "privacy_request"}


def test_restriction_banner_shows_while_a_restriction_is_in_force(app, session):
    from portal.models import Restriction

    people = builders.estate(session)
    session.add(Restriction(tenant_id=people.tenant.id, category_key="contact", active=True))
    session.commit()
    client = _client(app, people.caretaker)
    text = text_of(client.get(f"/staff/tenants/{people.tenant.id}?lang=en"))
    assert "Restriction of use (GDPR Art. 18) in force." in text
    assert "Contact details" in text.split("restriction is lifted:")[1]
    fr = text_of(client.get(f"/staff/tenants/{people.tenant.id}?lang=fr"))
    assert "Limitation du traitement (RGPD art. 18) en vigueur." in fr


def test_no_restriction_no_banner(app, session):
    people = builders.estate(session)
    builders.full_file(session, people.neighbour)
    client = _client(app, people.manager)
    text = text_of(client.get(f"/staff/tenants/{people.neighbour.id}?lang=en"))
    assert "Restriction of use" not in text
    assert text.count("The tenant can read what is written here") == 2  # incidents and notes


def test_tenant_on_staff_urls_gets_403_and_no_data(app, session):
    people = builders.estate(session)
    people.neighbour.last_name = "Zephyrin"
    session.flush()
    client = _client(app, people.tenant_account)
    for url in ("/staff/tenants", "/staff/tenants?q=zephyrin", f"/staff/tenants/{people.neighbour.id}",
                "/staff/audit"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Zephyrin" not in response.get_data(as_text=True)


def test_anonymous_on_staff_urls_goes_to_the_login_page(app, session):
    someone = builders.tenant(session)
    response = app.test_client().get(f"/staff/tenants/{someone.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_sees_no_tenant_file(app, session):
    people = builders.estate(session)
    client = _client(app, people.admin)
    assert client.get(f"/staff/tenants/{people.tenant.id}").status_code == 403
    assert client.get(f"/staff/tenants?q={people.tenant.last_name}").status_code == 403
