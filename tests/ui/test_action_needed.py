"""A tenant sees the landlord's question first (issue 23): a banner at the top of /me, the
question quoted above the reply box, and an empty reply gets an error summary."""

from __future__ import annotations

import re

from tests import builders
from tests.conftest import login

WAITING = "DPR-TEST-WAIT1"
QUESTION = "Merci de préciser quelles notes sont concernées."


def _tenant_asked_a_question(client, session) -> None:
    """A tenant (builders) whose erasure request waits for their answer, logged in."""
    someone, account = builders.tenant_with_account(session)
    builders.request(session, someone, kind="erasure", status="waiting_info", info_kind="clarification",
                     ref=WAITING, asked=QUESTION)
    login(client, account.email, builders.PASSWORD)


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_home_opens_with_the_action_the_tenant_owes(client, session):
    _tenant_asked_a_question(client, session)
    page = _text(client.get("/me?lang=fr"))
    banner = page.index("Action requise")
    assert banner < page.index("Vos données, par catégorie")
    assert f"/me/requests/{WAITING}#h-provide" in page


def test_question_is_quoted_above_the_reply_box_in_both_languages(client, session):
    _tenant_asked_a_question(client, session)
    for lang, heading in (("fr", "Action requise"), ("en", "Action needed")):
        page = _text(client.get(f"/me/requests/{WAITING}?lang={lang}"))
        question = page.index('class="question"')
        assert QUESTION in page[question:question + 400]
        assert page.index(heading) < question < page.index('name="message"') < page.index('id="h-history"')


def test_empty_reply_shows_an_error_summary_linked_to_the_box(client, session):
    _tenant_asked_a_question(client, session)
    response = client.post(f"/me/requests/{WAITING}?lang=en", data={"action": "provide_info", "message": ""})
    assert response.status_code == 400
    page = _text(response)
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', page, re.S)
    assert summary and 'href="#message"' in summary.group(1) and "There is a problem" in summary.group(1)
