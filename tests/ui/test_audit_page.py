"""The audit log reads as labels and values, not JSON (issue 23)."""

from __future__ import annotations

from tests.conftest import login


def test_audit_details_are_labelled_not_json(client):
    login(client, "dpo@example.org")
    client.get("/staff/tenants?q=Martin")
    for lang, label in (("fr", "Recherche"), ("en", "Search terms")):
        page = client.get(f"/staff/audit?lang={lang}&action=search").get_data(as_text=True)
        assert '<dl class="detail-list">' in page and f"<dt>{label}</dt><dd>Martin</dd>" in page
        assert '{&#34;' not in page and '{"q"' not in page
