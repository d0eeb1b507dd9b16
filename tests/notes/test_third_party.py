"""Passages about other people (issue 21, point 4; GDPR Art. 15(4), recital 63): staff mark
a passage; the tenant's page, PDF, JSON and CSV show a marker; the staff view keeps the
text; an access answer is then partly granted and says what was withheld and why; the
guard suggests marking when a note names a neighbour or a reporter."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from portal.models import Letter, Note, PrivacyRequest, WithheldPassage
from portal.notes import third_party
from tests import builders
from tests.notes.helpers import signed_in, switch_to
from tests.documents._pdftext import pdf_text, squash

PASSAGE = "par la voisine du 3e, Mme Dupont"
BODY = f"Bruit nocturne signalé {PASSAGE}, le 2 mars. Rappel du règlement envoyé."
MARKER_FR = "[information concernant un tiers retirée]"


# --- The pure part ----------------------------------------------------------------------

def test_withhold_text_replaces_merges_and_clips_spans():
    text = "abcdefghij"
    assert third_party.withhold_text(text, [(2, 4)], "#") == "ab#efghij"
    assert third_party.withhold_text(text, [(2, 5), (4, 7), (9, 40)], "#") == "ab#hi#"
    assert third_party.withhold_text(text, [(5, 5), (-3, 0)], "#") == text
    assert third_party.withhold_text("", [(0, 3)], "#") == ""


@pytest.mark.parametrize("text, word", [
    ("Plainte de la voisine du dessous pour bruit.", "voisine"),
    ("D'après le gardien, les poubelles débordent.", "D'après"),
    ("Signalement reçu hier.", "Signalement"),
    ("According to the neighbour, the dog barks all night.", "According to"),
    ("Reported by the caretaker on Monday.", "Reported by"),
])
def test_the_guard_suggests_marking_sentences_about_other_people(text, word):
    found = third_party.suggest_passages(text)
    assert found and found[0][2].lower() == word.lower()


def test_a_suggested_passage_is_the_whole_sentence_not_cut_at_a_title_or_a_time():
    text = "Gritting request from Mr Abubakar: he leaves at 5.30 for his shift. Path done."
    assert [text[a:b] for a, b, _ in third_party.suggest_passages(text)] == [
        "Gritting request from Mr Abubakar: he leaves at 5.30 for his shift"]
    text = "Plainte de M. Rey contre le voisin du 3e. Rien d'autre."
    assert [text[a:b] for a, b, _ in third_party.suggest_passages(text)] == ["Plainte de M. Rey contre le voisin du 3e"]


def test_no_suggestion_for_plain_facts():
    assert third_party.suggest_passages("Rendez-vous pris le 3 décembre pour les clés.") == []


# --- Through the pages ----------------------------------------------------------------------

@pytest.fixture()
def people(session):
    return builders.estate(session)



def _write_and_mark(client, session, people, reason="Identité de la personne qui a signalé"):
    t = people.tenant
    signed_in(client, people.manager)
    saved = client.post(f"/staff/tenants/{t.id}/notes/new?lang=fr", data={"body": BODY, "action": "check"})
    assert saved.status_code == 302 and "/third-party" in saved.headers["Location"]  # the guard's suggestion
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Ce texte semble concerner une autre personne" in page and "<mark>signalé</mark>" in page
    note = session.scalar(select(Note).where(Note.tenant_id == t.id).order_by(Note.id.desc()).limit(1))
    marked = client.post(f"/staff/tenants/{t.id}/third-party", data={
        "kind": "note", "record_id": note.id, "field": "body", "passage": PASSAGE, "reason": reason})
    assert marked.status_code == 303
    return t, note


def test_a_marked_passage_is_withheld_everywhere_the_tenant_reads_and_kept_for_staff(client, session, people):
    t, note = _write_and_mark(client, session, people)
    staff_page = client.get(f"/staff/tenants/{t.id}/third-party").get_data(as_text=True)
    assert "Mme Dupont" in staff_page and '<mark class="withheld">' in staff_page
    assert "Mme Dupont" in client.get(f"/staff/tenants/{t.id}").get_data(as_text=True)
    switch_to(client, people.tenant_account)
    page = client.get("/me?lang=fr").get_data(as_text=True)
    assert "Mme Dupont" not in page and f"Bruit nocturne signalé {MARKER_FR}, le 2 mars." in page
    data = json.loads(client.get("/me/export.json").data)
    bodies = [r["body"] for c in data["categories"] if c["key"] == "notes" for r in c["records"]]
    assert f"Bruit nocturne signalé {MARKER_FR}, le 2 mars. Rappel du règlement envoyé." in bodies
    assert "Mme Dupont" not in json.dumps(data, ensure_ascii=False)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/me/export.zip").data))
    csv_text = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    assert MARKER_FR in csv_text and "Mme Dupont" not in csv_text
    pdf = squash(pdf_text(client.get("/me/export.pdf?lang=fr").data))
    assert squash(MARKER_FR) in pdf and "Dupont" not in pdf


def test_an_access_answer_is_then_partly_granted_and_says_what_and_why(client, session, people):
    t, note = _write_and_mark(client, session, people)
    switch_to(client, people.tenant_account)
    filed = client.post("/me/requests/new?lang=fr", data={"kind": "access", "details": "Copie de mon dossier."})
    ref = filed.headers["Location"].rsplit("/", 1)[-1]
    switch_to(client, people.dpo)
    assert client.post(f"/staff/requests/{ref}", data={"action": "grant", "confirm": "1"}).status_code == 303
    session.expire_all()
    req = session.scalar(select(PrivacyRequest).where(PrivacyRequest.ref == ref))
    assert req.outcome == "partly_granted" and req.refusal_reason == "rights_of_others"
    assert f"Note n° {note.id} : Identité de la personne qui a signalé" in req.answer
    letter = session.scalars(select(Letter.pdf).where(Letter.request_id == req.id)).first()
    text = squash(pdf_text(letter))
    assert squash("partiellement") in text and "15(4)" in text
    assert squash("Identité de la personne qui a signalé") in text and "Dupont" not in text
    switch_to(client, people.tenant_account)
    assert "Partiellement acceptée" in client.get(f"/me/requests/{ref}?lang=fr").get_data(as_text=True)
    assert "Partly granted" in client.get(f"/me/requests/{ref}?lang=en").get_data(as_text=True)


def test_an_english_tenant_reads_the_english_marker(client, session, people):
    john, account = builders.tenant_with_account(session, preferred_language="en")
    # The note itself is arranged directly: this test is about the marker, not the guard.
    note = builders.note(session, john, "Noise reported by the neighbour at no. 5, Mr Green, on Monday.")
    session.commit()
    signed_in(client, people.dpo)
    client.post(f"/staff/tenants/{john.id}/third-party", data={
        "kind": "note", "record_id": note.id, "field": "body", "passage": "the neighbour at no. 5, Mr Green",
        "reason": "Reporter's identity"})
    switch_to(client, account)
    page = client.get("/me?lang=en").get_data(as_text=True)
    assert "Noise reported by [information about another person withheld], on Monday." in page
    assert "Mr Green" not in page


def test_a_passage_not_in_the_text_or_without_reason_is_refused_and_nothing_is_saved(client, session, people):
    t = people.tenant
    note = builders.note(session, t, "Appel reçu au sujet du chauffage.")
    signed_in(client, people.manager)
    before = session.scalar(select(WithheldPassage.id).limit(1))
    for data, message in ((dict(passage="pas dans le texte", reason="x"), "Ce passage n&#39;est pas dans le texte"),
                          (dict(passage=note.body[:10], reason=" "), "Indiquez pourquoi")):
        response = client.post(f"/staff/tenants/{t.id}/third-party?lang=fr",
                               data={"kind": "note", "record_id": note.id, "field": "body", **data})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert session.scalar(select(WithheldPassage.id).limit(1)) == before


def test_a_record_of_another_tenant_cannot_be_marked_through_this_tenants_url(client, session, people):
    t = people.tenant
    other = builders.note(session, people.neighbour, "Signalé par Mme Lenoir du 2e.")
    signed_in(client, people.dpo)
    response = client.post(f"/staff/tenants/{t.id}/third-party", data={
        "kind": "note", "record_id": other.id, "field": "body", "passage": other.body[:5], "reason": "x"})
    assert response.status_code == 404
    assert session.scalar(select(WithheldPassage.id).where(WithheldPassage.record_id == other.id)) is None
