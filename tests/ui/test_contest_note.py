"""A tenant contests a note written about them (issue 23): each note on /me has a
"Contester cette note" link that opens an erasure request with that note chosen."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from portal.models import Note, User
from tests.conftest import login


def test_each_note_has_a_contest_link_that_opens_an_erasure_request_for_it(client, session):
    login(client, "camille.martin@example.org")
    camille_id = session.scalar(select(User.tenant_id).where(User.email == "camille.martin@example.org"))
    note_ids = set(session.scalars(select(Note.id).where(Note.tenant_id == camille_id)))
    page = client.get("/me?lang=fr&open=notes").get_data(as_text=True)
    links = [unescape(h) for h in re.findall(r'<a class="correct-link" href="([^"]+)">Contester cette note</a>', page)]
    assert links and {int(re.search(r"target=notes(?:%3A|:)(\d+)", h).group(1)) for h in links} <= note_ids
    form = client.get(links[0]).get_data(as_text=True)
    chosen = re.search(r"target=notes(?:%3A|:)(\d+)", links[0]).group(1)
    [box] = [tag for tag in re.findall(r"<input[^>]*>", form) if f'value="notes:{chosen}"' in tag]
    assert " checked" in box  # that note is the one ticked
    assert all(" checked" not in tag for tag in re.findall(r"<input[^>]*>", form)
               if 'name="targets"' in tag and tag != box)
    english = client.get("/me?lang=en&open=notes").get_data(as_text=True)
    assert "Contest this note" in english and "Contester cette note" not in english


def test_staff_views_of_a_file_have_no_contest_link(client, session):
    login(client, "gestion@example.org")
    camille_id = session.scalar(select(User.tenant_id).where(User.email == "camille.martin@example.org"))
    page = client.get(f"/staff/tenants/{camille_id}?lang=fr").get_data(as_text=True)
    assert "Contester cette note" not in page
