"""A tenant sees their whole file, by category, with the Art. 15 information."""

from __future__ import annotations

import json

import pytest

from tests import builders
from tests.conftest import login


@pytest.fixture()
def reader(client, session):
    """A tenant with a long-standing tenant's file (tests/builders.rich_file: 72 rent calls,
    73 payments) and a note about her health, logged in on `client`."""
    someone, account = builders.tenant_with_account(session)
    builders.rich_file(session, someone)
    builders.note(session, someone, "Locataire cardiaque : prévoir un accès facile pour les secours.")
    session.commit()
    login(client, account.email, builders.PASSWORD)
    return someone


def test_a_tenant_sees_every_category_with_its_explanation_in_french(client, reader):
    page = client.get("/me").get_data(as_text=True)
    for title in ("Identité", "Coordonnées", "Foyer", "Bail et logement", "Ressources",
                  "Loyers et paiements", "Incidents", "Notes rédigées par nos équipes",
                  "Correspondance", "Compte sur le portail", "Mes demandes",
                  "Qui a consulté mon dossier"):
        assert title in page, title
    assert "Pourquoi nous détenons ces données" in page
    assert "Caisse d&#39;allocations familiales (CAF)" in page or "Caisse d'allocations familiales (CAF)" in page
    # The notes are shown, sensitive ones included: the tenant reads what staff wrote.
    assert "Locataire cardiaque" in page
    assert "06 00 98 76 54" in page
    assert "520,00" in page and "612,40" in page  # rent and a payment, formatted for French


def test_english_on_request_and_it_sticks(client, reader):
    page = client.get("/me?lang=en").get_data(as_text=True)
    assert "Everything we hold about you" in page and "Why we hold this" in page
    assert "Family allowance fund (CAF)" in page
    assert 'lang="en"' in page
    again = client.get("/me").get_data(as_text=True)
    assert "Everything we hold about you" in again


def test_long_lists_are_paginated_but_every_page_is_reachable(client, reader):
    first = client.get("/me").get_data(as_text=True)
    assert "Page 1 sur 4" in first  # 72 rent calls, 20 per page
    last = client.get("/me?page.payments.rent_calls=4").get_data(as_text=True)
    assert "Page 4 sur 4" in last


def test_a_paged_section_opens_its_category_and_its_links_keep_the_other_pages(client, reader):
    page = client.get("/me?lang=en&page.payments.rent_calls=2&page.payments.payments=3").get_data(as_text=True)
    payments = page[page.index('<section class="category" id="payments">'):]
    payments = payments[:payments.index("</section>")]
    assert payments.split(">", 2)[1].strip().startswith('<details class="category-details" open')
    assert "Page 2 of 4" in payments and "Page 3 of 4" in payments
    # "Next" on the rent calls keeps the payments on their page 3, and lands on the category.
    nav = payments[payments.index('aria-label="Pages of Rent calls"'):]
    following = nav[nav.index(">Previous</a>") + 1:].split('<a href="', 1)[1].split('"', 1)[0]
    assert "page.payments.rent_calls=3" in following and "page.payments.payments=3" in following
    assert following.endswith("#payments") and "&amp;" in following
    identity = page[page.index('<section class="category" id="identity">'):]
    assert 'open>' not in identity.split("</summary>", 1)[0]


def test_export_json_has_the_public_structure(client, session):
    someone, account = builders.tenant_with_account(session, first_name="Yves", last_name="Roussel")
    builders.request(session, someone, kind="portability", ref="DPR-TEST-JSON1")
    login(client, account.email, builders.PASSWORD)
    response = client.get("/me/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = json.loads(response.data)
    # PRODUCT.md §8: subject (with tenant_id), categories with their Art. 15 keys, access_log, requests.
    assert data["subject"]["tenant_id"] == someone.id and data["subject"]["tenant_number"] == someone.tenant_number
    assert {"categories", "access_log", "requests"} <= set(data)
    for cat in data["categories"]:
        assert {"key", "purpose", "legal_basis", "recipients", "retention", "source", "records"} <= set(cat)
    identity = next(c for c in data["categories"] if c["key"] == "identity")
    assert (identity["records"][0]["first_name"], identity["records"][0]["last_name"]) == ("Yves", "Roussel")
    lease = next(c for c in data["categories"] if c["key"] == "lease")
    assert lease["records"][0]["rent"] == "520.00"  # builders.tenant: 520 euros a month
    assert [(r["ref"], r["kind"]) for r in data["requests"]] == [("DPR-TEST-JSON1", "portability")]


def test_me_needs_a_login(client):
    response = client.get("/me")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_staff_have_no_tenant_file_of_their_own(client, session):
    dpo = builders.account(session, "dpo")
    login(client, dpo.email, builders.PASSWORD)
    assert client.get("/me").status_code == 403
