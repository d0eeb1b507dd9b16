"""The pages: writing a note or an incident, the DPO's review queue, and what the
tenant then sees — in French and English."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from portal.models import AuditEntry, Incident, Note, Restriction
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import build_app
from tests.notes.helpers import count_incidents, count_notes, signed_in, switch_to


@pytest.fixture()
def people(session):
    """tests/builders.estate: the tenant (Alix Rossignol) lives in the caretaker's building,
    the neighbour in the other building of the manager's portfolio."""
    cast = builders.estate(session)
    cast.tenant.first_name, cast.tenant.last_name = "Alix", "Rossignol"
    session.flush()
    return cast



def _new_note(tid: int, lang: str = "fr") -> str:
    return f"/staff/tenants/{tid}/notes/new?lang={lang}"


def _latest_note(session, tenant_id: int) -> Note:
    return session.scalar(select(Note).where(Note.tenant_id == tenant_id).order_by(Note.id.desc()).limit(1))


@pytest.mark.parametrize("lang,warning,reminder", [
    ("fr", "Nous avons trouvé des termes qui ne doivent pas figurer dans le dossier d'un locataire : Santé.",
     "Le locataire peut lire ce que vous écrivez."),
    ("en", "We found words that should not be written in a tenant's file: Health.",
     "The tenant can read what you write."),
])
def test_manager_is_warned_with_the_term_highlighted_and_nothing_is_saved(client, session, people, lang, warning,
                                                                          reminder):
    t = people.tenant
    signed_in(client, people.manager)
    page = client.get(_new_note(t.id, lang)).get_data(as_text=True)
    assert reminder in page and "CNIL, 2019" in page
    before = count_notes(session, t.id)
    response = client.post(_new_note(t.id, lang), data={"body": "Locataire cardiaque, à reloger.", "action": "check"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert warning in html
    assert "Locataire <mark>cardiaque</mark>" in html
    assert 'name="justification"' in html
    assert count_notes(session, t.id) == before


def test_clean_note_is_saved_and_shown_to_the_tenant(client, session, people):
    t = people.tenant
    signed_in(client, people.manager)
    response = client.post(_new_note(t.id), data={"body": "Rendez-vous pris le 3 décembre pour les clés.",
                                                  "action": "check"})
    assert response.status_code == 302
    assert _latest_note(session, t.id).review_status == "none"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Note enregistrée." in page
    switch_to(client, people.tenant_account)
    assert "Rendez-vous pris le 3 décembre pour les clés." in client.get("/me").get_data(as_text=True)


def test_justified_note_goes_to_the_dpo_who_redacts_it_and_the_tenant_sees_the_marker(client, session, people):
    t = people.tenant
    signed_in(client, people.manager)
    body = "Locataire cardiaque, dossier 4711 à suivre."
    response = client.post(_new_note(t.id), data={"body": body, "action": "justify",
                                                  "justification": "Demande de logement adapté.", "legal_ground": "9_2_a"})
    assert response.status_code == 302
    note = _latest_note(session, t.id)
    assert note.body == body and note.review_status == "pending"

    switch_to(client, people.dpo)
    queue = client.get("/staff/notes/review?lang=en").get_data(as_text=True)
    assert "Locataire <mark>cardiaque</mark>" in queue and ", dossier 4711 à suivre." in queue
    assert "Alix Rossignol" in queue and t.tenant_number in queue and "Demande de logement adapté." in queue

    response = client.post("/staff/notes/review", data={"note_id": note.id, "action": "redact",
                                                        "reason": "Donnée de santé inutile à la gestion"})
    assert response.status_code == 302
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The text was removed and replaced by a dated notice." in followed  # ?lang=en stuck
    assert "4711" not in followed

    switch_to(client, people.tenant_account)
    me = client.get("/me?lang=fr").get_data(as_text=True)
    assert "4711" not in me
    assert re.search(r"\[Texte supprimé le \d\d/\d\d/\d{4} par le DPO : Donnée de santé inutile à la gestion\]", me)

    entries = session.scalars(select(AuditEntry).where(AuditEntry.tenant_id == t.id)).all()
    redaction = [e for e in entries if (e.detail or {}).get("decision") == "redacted"]
    assert len(redaction) == 1 and redaction[0].action == "change" and redaction[0].actor_role == "dpo"
    assert redaction[0].detail["reason"] == "Donnée de santé inutile à la gestion"
    assert "4711" not in json.dumps([[e.purpose, e.detail] for e in entries], ensure_ascii=False)


def test_dpo_keeps_a_note_with_a_reason(client, session, people):
    t = people.neighbour
    signed_in(client, people.manager)
    client.post(_new_note(t.id), data={"body": "Locataire désagréable au guichet, plainte écrite.",
                                       "action": "justify", "justification": "Plainte écrite reçue."})
    note = _latest_note(session, t.id)
    switch_to(client, people.dpo)
    missing = client.post("/staff/notes/review?lang=en", data={"note_id": note.id, "action": "keep", "reason": ""})
    assert missing.status_code == 422 and "Give the reason for your decision." in missing.get_data(as_text=True)
    response = client.post("/staff/notes/review", data={"note_id": note.id, "action": "keep",
                                                        "reason": "Fait établi par une plainte écrite"})
    assert response.status_code == 302
    session.refresh(note)
    assert note.review_status == "kept" and note.review_reason == "Fait établi par une plainte écrite"
    queue = client.get("/staff/notes/review?lang=fr").get_data(as_text=True)
    assert "plainte écrite." not in queue.split("<h1>")[1]
    again = client.post("/staff/notes/review?lang=en", data={"note_id": note.id, "action": "redact",
                                                             "reason": "trop tard"})
    assert again.status_code == 302
    assert "Someone already decided on this text" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_review_rejects_unknown_items_and_actions(client, session, people):
    signed_in(client, people.dpo)
    assert client.post("/staff/notes/review", data={"note_id": 10**7, "action": "keep", "reason": "x"}).status_code == 404
    assert client.post("/staff/notes/review", data={"note_id": 1, "action": "delete", "reason": "x"}).status_code == 400
    assert client.post("/staff/notes/review", data={"action": "keep", "reason": "x"}).status_code == 400


@pytest.mark.parametrize("who", ["manager", "caretaker", "tenant_account"])
def test_only_the_dpo_reviews(client, people, who):
    signed_in(client, getattr(people, who))
    assert client.get("/staff/notes/review").status_code == 403


def test_caretaker_cannot_write_notes_but_logs_technical_incidents_in_their_building(client, session, people):
    t, other = people.tenant, people.neighbour
    signed_in(client, people.caretaker)
    assert client.get(_new_note(t.id)).status_code == 403
    assert client.post(_new_note(t.id), data={"body": "Appel reçu."}).status_code == 403
    form = client.get(f"/staff/tenants/{t.id}/incidents/new?lang=en").get_data(as_text=True)
    assert "Log an incident" in form and 'value="neighbourhood"' not in form
    before = count_incidents(session, t.id)
    response = client.post(f"/staff/tenants/{t.id}/incidents/new", data={
        "kind": "technical", "title": "Ampoule grillée", "description": "Ampoule du palier grillée.", "action": "check"})
    assert response.status_code == 302
    assert count_incidents(session, t.id) == before + 1
    assert client.post(f"/staff/tenants/{t.id}/incidents/new", data={
        "kind": "neighbourhood", "title": "Bruit", "description": "Bruit la nuit."}).status_code in (200, 403)
    assert count_incidents(session, t.id) == before + 1
    assert client.get(f"/staff/tenants/{other.id}/incidents/new").status_code == 404
    assert client.post(f"/staff/tenants/{other.id}/incidents/new", data={
        "kind": "technical", "title": "Fuite", "description": "Fuite d'eau."}).status_code == 404


def test_flagged_incident_is_highlighted_then_saved_with_a_justification(client, session, people):
    t = people.neighbour
    signed_in(client, people.manager)
    url = f"/staff/tenants/{t.id}/incidents/new?lang=fr"
    data = {"kind": "neighbourhood", "title": "Dispute", "description": "Le voisin sort de détention, menaces.",
            "action": "check"}
    html = client.post(url, data=data).get_data(as_text=True)
    assert "<mark>sort de détention</mark>" in html
    response = client.post(url, data={**data, "action": "justify", "justification": ""})
    assert "Expliquez pourquoi ces termes sont nécessaires, ou réécrivez le texte." in response.get_data(as_text=True)
    response = client.post(url, data={**data, "action": "justify", "justification": "Menaces à signaler."})
    assert response.status_code == 422  # an offence needs the Art. 10 condition
    assert "Choisissez le motif qui permet de conserver ces termes" in response.get_data(as_text=True)
    response = client.post(url, data={**data, "action": "justify", "justification": "Menaces à signaler.",
                                      "legal_ground": "10_lil_46"})
    assert response.status_code == 302
    incident = session.scalar(select(Incident).where(Incident.tenant_id == t.id).order_by(Incident.id.desc()).limit(1))
    assert incident.review_status == "pending" and incident.kind == "neighbourhood"
    switch_to(client, people.dpo)
    assert "<mark>sort de détention</mark>" in client.get("/staff/notes/review").get_data(as_text=True)


def test_html_in_a_note_is_escaped_in_the_form_the_queue_and_the_tenant_file(client, session, people):
    t = people.tenant
    body = '<script>alert("x")</script> Locataire cardiaque <b>gras</b>'
    signed_in(client, people.manager)
    form = client.post(_new_note(t.id), data={"body": body, "action": "check"}).get_data(as_text=True)
    assert "<script>alert" not in form and "<b>gras" not in form
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Locataire <mark>cardiaque</mark>" in form
    assert "&lt;b&gt;gras&lt;/b&gt;" in form
    client.post(_new_note(t.id), data={"body": body, "action": "justify", "justification": "<i>raison</i>",
                                       "legal_ground": "9_2_a"})
    switch_to(client, people.dpo)
    queue = client.get("/staff/notes/review").get_data(as_text=True)
    assert "<script>alert" not in queue and "<i>raison" not in queue and "&lt;i&gt;raison" in queue
    assert "&lt;/script&gt; Locataire <mark>cardiaque</mark>" in queue and "&lt;b&gt;gras&lt;/b&gt;" in queue
    switch_to(client, people.tenant_account)
    me = client.get("/me").get_data(as_text=True)
    assert "<script>alert" not in me and "&lt;script&gt;" in me


@pytest.mark.parametrize("lang,message", [("fr", "Écrivez la note."), ("en", "Write the note.")])
def test_empty_note_gets_a_form_error(client, session, people, lang, message):
    t = people.tenant
    signed_in(client, people.manager)
    before = count_notes(session, t.id)
    html = client.post(_new_note(t.id, lang), data={"body": "   ", "action": "check"}).get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert count_notes(session, t.id) == before


@pytest.mark.parametrize("lang,message", [("fr", "Ce texte est trop long : 1000000 caractères, 10000 au plus."),
                                          ("en", "This text is too long: 1000000 characters, 10000 at most.")])
def test_a_megabyte_note_gets_a_clear_length_error_and_nothing_is_saved(client, session, people, lang, message):
    t = people.tenant
    signed_in(client, people.manager)
    before = count_notes(session, t.id)
    response = client.post(_new_note(t.id, lang), data={"body": "a" * 1_000_000, "action": "check"})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert count_notes(session, t.id) == before


def test_unknown_or_out_of_scope_tenant_is_404(client, session, people):
    signed_in(client, people.manager)
    assert client.get(_new_note(10**7)).status_code == 404
    outsider = builders.tenant(session, builders.building(session, portfolio_id=builders.portfolio(session).id))
    assert client.get(_new_note(outsider.id)).status_code == 404
    assert client.get(_new_note(people.neighbour.id)).status_code == 200  # the other building of the portfolio
    switch_to(client, people.tenant_account)
    assert client.get(_new_note(people.tenant.id)).status_code == 403


def test_restricted_notes_show_a_banner_and_refuse_the_write(client, session, people):
    t = people.tenant
    session.add(Restriction(tenant_id=t.id, category_key="notes", active=True))
    session.commit()
    signed_in(client, people.manager)
    page = client.get(_new_note(t.id, "en")).get_data(as_text=True)
    assert "restriction of use (GDPR Art. 18)" in page and 'name="body"' not in page
    before = count_notes(session, t.id)
    assert client.post(_new_note(t.id), data={"body": "Appel reçu.", "action": "check"}).status_code == 409
    assert count_notes(session, t.id) == before


def test_with_csrf_on_a_megabyte_note_still_gets_the_form_error_and_review_needs_the_token(tmp_path):
    app = build_app(tmp_path, "notes_csrf", demo=False, WTF_CSRF_ENABLED=True)
    with builders.committed(app) as s:
        cast = builders.estate(s)
        pending = builders.note(s, cast.tenant, "Locataire cardiaque.", review_status="pending")
    tid = cast.tenant.id
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"email": cast.manager.email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    form = client.get(_new_note(tid, "en")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', form)
    token = token.group(1) or token.group(2)
    response = client.post(_new_note(tid, "en"), data={"body": "a" * 1_000_000, "csrf_token": token})
    assert response.status_code == 200
    assert "This text is too long: 1000000 characters, 10000 at most." in response.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": token})
    client2 = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client2.get("/login").get_data(as_text=True)).group(1)
    assert client2.post("/login", data={"email": cast.dpo.email, "password": PASSWORD,
                                        "csrf_token": token}).status_code == 302
    assert client2.post("/staff/notes/review", data={"note_id": pending.id, "action": "keep",
                                                     "reason": "x"}).status_code == 400


@pytest.mark.parametrize("who,labels", [("manager", ["Write a note", "Log an incident",
                                                      "Passages about other people"]),
                                         ("caretaker", ["Log an incident"]), ("tenant_account", [])])
def test_tenant_page_links_follow_the_permissions(app, session, people, who, labels):
    from flask_login import login_user

    from portal.web.staff.notes import tenant_note_links

    user = getattr(people, who)
    tid = people.tenant.id
    with app.test_request_context("/?lang=en"):
        login_user(user)
        links = tenant_note_links(tid)
    assert [str(link["label"]) for link in links] == labels
    assert all(link["url"].startswith(f"/staff/tenants/{tid}/") for link in links)
