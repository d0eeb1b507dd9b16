"""A tenant contests a note written about them (issue 23): each note on /me has a
"Contester cette note" link that opens an erasure request with that note chosen."""

from __future__ import annotations

import re
from html import unescape

from tests import builders
from tests.conftest import login


def test_each_note_has_a_contest_link_that_opens_an_erasure_request_for_it(client, session):
    someone, account = builders.tenant_with_account(session)
    notes = {builders.note(session, someone, "Passage pour le relevé des compteurs.").id,
             builders.note(session, someone, "Rappel : entretien de la chaudière en mars.").id}
    builders.note(session, builders.tenant(session), "Note sur un autre locataire.")
    login(client, account.email, builders.PASSWORD)
    page = client.get("/me?lang=fr&open=notes").get_data(as_text=True)
    links = [unescape(h) for h in re.findall(r'<a class="correct-link" href="([^"]+)">Contester cette note</a>', page)]
    assert {int(re.search(r"target=notes(?:%3A|:)(\d+)", h).group(1)) for h in links} == notes
    form = client.get(links[0]).get_data(as_text=True)
    chosen = re.search(r"target=notes(?:%3A|:)(\d+)", links[0]).group(1)
    [box] = [tag for tag in re.findall(r"<input[^>]*>", form) if f'value="notes:{chosen}"' in tag]
    assert " checked" in box  # that note is the one ticked
    assert all(" checked" not in tag for tag in re.findall(r"<input[^>]*>", form)
               if 'name="targets"' in tag and tag != box)
    english = client.get("/me?lang=en&open=notes").get_data(as_text=True)
    assert "Contest this note" in english and "Contester cette note" not in english


def test_staff_views_of_a_file_have_no_contest_link(client, session):
    mine = builders.portfolio(session)
    someone = builders.tenant(session, builders.building(session, portfolio_id=mine.id))
    builders.note(session, someone, "Passage pour le relevé des compteurs.")
    manager = builders.account(session, "manager", portfolios=(mine,))
    login(client, manager.email, builders.PASSWORD)
    page = client.get(f"/staff/tenants/{someone.id}?lang=fr").get_data(as_text=True)
    assert "Passage pour le relevé des compteurs." in page  # the note is there, without the link
    assert "Contester cette note" not in page
