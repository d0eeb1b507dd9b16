"""The dashboard page as staff and others see it."""

from __future__ import annotations

import re

from tests.conftest import login


def test_dashboard_page_in_french_and_english(client):
    login(client, "dpo@example.org")
    fr = client.get("/staff?lang=fr").get_data(as_text=True)
    assert "Tableau de bord" in fr and "En retard" in fr and "DPR-DEMO-0004" in fr
    assert 'role="img"' in fr and "Demandes reçues par mois" in fr
    assert 'style="' not in fr and not re.search(r"<script(?![^>]*\bsrc=)", fr)  # no inline script
    en = client.get("/staff?lang=en").get_data(as_text=True)
    assert "Overdue" in en and "Requests received per month" in en and "Open requests by assignee" in en


def test_dashboard_is_for_request_handlers_only(client):
    assert client.get("/staff").status_code == 302  # to the login page
    login(client, "camille.martin@example.org")
    assert client.get("/staff").status_code == 403
    client.post("/logout")
    login(client, "gardien.lilas@example.org")
    assert client.get("/staff").status_code == 403


def test_dashboard_figures_lead_to_the_filtered_queue(client):
    login(client, "dpo@example.org")
    page = client.get("/staff?lang=en").get_data(as_text=True)
    assert 'href="/staff/requests?overdue=1"' in page
    assert 'href="/staff/requests?kind=objection"' in page
    assert 'href="/staff/requests?assignee=none"' in page
    queue = client.get("/staff/requests?overdue=1&lang=en").get_data(as_text=True)
    assert "DPR-DEMO-0004" in queue and "DPR-DEMO-0002" not in queue
