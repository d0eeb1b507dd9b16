"""Art. 9 / Art. 10 notes (issue 21, point 8): keeping flagged wording needs the ground
that allows it, chosen from a list (Art. 9(2)(a)-(j); for offences Art. 10 with art. 46
of the Loi Informatique et Libertés); the DPO keeps on a ground or redacts; the notes
category says truthfully what may be kept and why."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal import access
from portal.models import Note
from portal.notes import service as notes
from tests import builders
from tests.notes.helpers import count_notes, signed_in, switch_to


def _people(session) -> SimpleNamespace:
    """A tenant with an account in a building of the manager's portfolio, and a DPO."""
    mine = builders.portfolio(session)
    home = builders.building(session, portfolio_id=mine.id)
    tenant, tenant_user = builders.tenant_with_account(session, home)
    manager = builders.account(session, "manager", portfolios=(mine,))
    dpo = builders.account(session, "dpo")
    session.commit()
    return SimpleNamespace(tenant=tenant, tenant_user=tenant_user, manager=manager, dpo=dpo,
                           manager_actor=access.actor_for(session, manager))


def _latest(session, tenant_id: int) -> Note:
    session.expire_all()
    return session.scalar(select(Note).where(Note.tenant_id == tenant_id).order_by(Note.id.desc()).limit(1))


@pytest.mark.parametrize("lang, label, error", [
    ("fr", "Art. 9(2)(h) : prise en charge sanitaire ou sociale prévue par le droit français",
     "Choisissez le motif qui permet de conserver ces termes, ou réécrivez le texte."),
    ("en", "Art. 9(2)(h): health or social care under French law",
     "Choose the ground that allows keeping this wording, or rewrite the text."),
])
def test_a_justification_alone_no_longer_keeps_health_wording(client, session, lang, label, error):
    people = _people(session)
    t = people.tenant
    signed_in(client, people.manager)
    url = f"/staff/tenants/{t.id}/notes/new?lang={lang}"
    body = "Locataire sous chimiothérapie, prévoir visite au rez-de-chaussée."
    form = client.post(url, data={"body": body, "action": "check"}).get_data(as_text=True)
    assert label in form  # the grounds are offered as soon as the guard flags the text
    before = count_notes(session, t.id)
    refused = client.post(url, data={"body": body, "action": "justify", "justification": "Demande du locataire."})
    assert refused.status_code == 422 and error in refused.get_data(as_text=True)
    assert count_notes(session, t.id) == before
    saved = client.post(url, data={"body": body, "action": "justify", "justification": "Demande du locataire.",
                                   "legal_ground": "9_2_a"})
    assert saved.status_code == 302
    assert _latest(session, t.id).legal_ground == "9_2_a"


def test_an_offence_cannot_be_kept_on_an_art9_ground(session):
    people = _people(session)
    with pytest.raises(notes.GroundNeeded) as err:
        notes.write_note(session, people.manager_actor, people.tenant.id, "Le locataire sort de prison.",
                         justification="Contexte.", legal_ground="9_2_a")
    assert err.value.allowed == ("10_lil_46",)


def test_subjective_wording_needs_no_ground_only_the_justification(session):
    people = _people(session)
    saved = notes.write_note(session, people.manager_actor, people.tenant.id, "Locataire désagréable au guichet.",
                             justification="Incident au guichet à documenter.")
    assert saved.flagged and session.get(Note, saved.record_id).legal_ground is None


def test_the_dpo_keeps_on_a_ground_chosen_from_the_list_and_the_tenant_reads_it(client, session):
    people = _people(session)
    t = people.tenant
    saved = notes.write_note(session, people.manager_actor, t.id, "Locataire cardiaque, logement adapté demandé.",
                             justification="Mutation demandée.", legal_ground="9_2_a")
    session.commit()
    signed_in(client, people.dpo)
    queue = client.get("/staff/notes/review?lang=en").get_data(as_text=True)
    assert "Ground given by the writer:" in queue and "Art. 9(2)(a): explicit consent of the tenant" in queue
    refused = client.post("/staff/notes/review?lang=en", data={"note_id": saved.record_id, "action": "keep",
                                                               "reason": "", "legal_ground": ""})
    assert refused.status_code == 422 and "without one, remove it" in refused.get_data(as_text=True)
    kept = client.post("/staff/notes/review", data={"note_id": saved.record_id, "action": "keep",
                                                    "reason": "", "legal_ground": "9_2_h"})
    assert kept.status_code == 302
    note = _latest(session, t.id)
    assert note.review_status == "kept" and note.legal_ground == "9_2_h"
    switch_to(client, people.tenant_user)
    data = json.loads(client.get("/me/export.json?lang=fr").data)
    mine = [r for r in next(c for c in data["categories"] if c["key"] == "notes")["records"]
            if r["id"] == saved.record_id][0]
    assert mine["legal_ground"] == "9_2_h"
    page = client.get("/me?lang=fr").get_data(as_text=True)
    assert "prise en charge sanitaire ou sociale prévue par le droit français" in page


@pytest.mark.parametrize("lang, truthful, untrue", [
    ("fr", "n'est conservée que sur un motif de l'art. 9(2)", "aucune donnée sensible n'est conservée"),
    ("en", "is kept only on a ground of Art. 9(2)", "sensitive content is never kept"),
])
def test_the_notes_category_says_truthfully_what_may_be_kept(client, session, lang, truthful, untrue):
    signed_in(client, _people(session).tenant_user)
    data = json.loads(client.get(f"/me/export.json?lang={lang}").data)
    notes_cat = next(c for c in data["categories"] if c["key"] == "notes")
    text = notes_cat["legal_basis"] + " " + notes_cat["retention"]
    assert truthful in text and untrue not in text
