"""The dashboard page as staff and others see it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests import builders
from tests.builders import PASSWORD
from tests.conftest import login
from portal.formatting import landlord_today


@pytest.fixture()
def dpo_with_a_late_request(client, session):
    """The DPO logged in; an objection due two days ago and an access request just received."""
    today = landlord_today()
    someone = builders.tenant(session)
    builders.request(session, someone, "objection", received_on=today - timedelta(days=40),
                     due_on=today - timedelta(days=2), ref="DPR-TEST-LATE")
    builders.request(session, someone, "access", ref="DPR-TEST-NEW")
    login(client, builders.account(session, "dpo").email, PASSWORD)
    return client


def test_dashboard_page_in_french_and_english(dpo_with_a_late_request):
    client = dpo_with_a_late_request
    fr = client.get("/staff?lang=fr").get_data(as_text=True)
    assert "Tableau de bord" in fr and "En retard" in fr and "DPR-TEST-LATE" in fr and "DPR-TEST-NEW" not in fr
    assert 'role="img"' in fr and "Demandes reçues par mois" in fr
    assert 'style="' not in fr and not re.search(r"<script(?![^>]*\bsrc=)", fr)  # no inline script
    en = client.get("/staff?lang=en").get_data(as_text=True)
    assert "Overdue" in en and "Requests received per month" in en and "Open requests by assignee" in en


def test_dashboard_is_for_request_handlers_only(client, session):
    people = builders.estate(session)
    assert client.get("/staff").status_code == 302  # to the login page
    for user, status in ((people.tenant_account, 403), (people.caretaker, 403), (people.manager, 200),
                         (people.dpo, 200)):
        login(client, user.email, PASSWORD)
        assert client.get("/staff").status_code == status, user.role
        client.post("/logout")


def test_dashboard_figures_lead_to_the_filtered_queue(dpo_with_a_late_request):
    client = dpo_with_a_late_request
    page = client.get("/staff?lang=en").get_data(as_text=True)
    assert 'href="/staff/requests?overdue=1"' in page
    assert 'href="/staff/requests?kind=objection"' in page
    assert 'href="/staff/requests?assignee=none"' in page
    queue = client.get("/staff/requests?overdue=1&lang=en").get_data(as_text=True)
    assert "DPR-TEST-LATE" in queue and "DPR-TEST-NEW" not in queue
