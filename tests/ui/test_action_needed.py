"""Karim sees the landlord's question first (issue 23): a banner at the top of /me, the
question quoted above the reply box, and an empty reply gets an error summary."""

from __future__ import annotations

import re

from tests.conftest import login

KARIM = "karim.benali@example.org"
WAITING = "DPR-DEMO-0003"  # Karim's erasure, waiting for information (demo data)


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_home_opens_with_the_action_the_tenant_owes(client):
    login(client, KARIM)
    page = _text(client.get("/me?lang=fr"))
    banner = page.index("Action requise")
    assert banner < page.index("Vos données, par catégorie")
    assert f"/me/requests/{WAITING}#h-provide" in page


def test_question_is_quoted_above_the_reply_box_in_both_languages(client):
    login(client, KARIM)
    for lang, heading in (("fr", "Action requise"), ("en", "Action needed")):
        page = _text(client.get(f"/me/requests/{WAITING}?lang={lang}"))
        question = page.index('class="question"')
        assert page.index(heading) < question < page.index('name="message"') < page.index('id="h-history"')


def test_empty_reply_shows_an_error_summary_linked_to_the_box(client):
    login(client, KARIM)
    response = client.post(f"/me/requests/{WAITING}?lang=en", data={"action": "provide_info", "message": ""})
    assert response.status_code == 400
    page = _text(response)
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', page, re.S)
    assert summary and 'href="#message"' in summary.group(1) and "There is a problem" in summary.group(1)
