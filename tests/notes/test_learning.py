"""The DPO's review decisions teach the guard (§7): each becomes a labelled example, and
the examples, being copies of notes, go with the notes (erasure, retention)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from portal import sensitive
from portal.models import GuardExample, Note
from portal.notes import learning
from tests import builders


def _count(session, tenant_id: int) -> int:
    return session.scalar(select(func.count()).select_from(GuardExample).where(GuardExample.tenant_id == tenant_id))


def test_a_kept_note_becomes_a_sensitive_example_with_its_categories_and_the_model_that_flagged_it(session):
    someone = builders.tenant(session, preferred_language="en")
    flagged = builders.note(session, someone, "Tenant is on dialysis three times a week.", review_status="pending")
    learning.record_decision(session, flagged, "kept", flagged.body, ["health"], None)
    [example] = learning.examples(session)[-1:]
    assert example == {"id": example["id"], "lang": "en", "text": "Tenant is on dialysis three times a week.",
                       "sensitive": True, "categories": ["health"], "register": "dpo_review"}
    row = session.scalar(select(GuardExample).where(GuardExample.note_id == flagged.id))
    assert row.model_version == sensitive.model_version() and row.model_version


def test_a_not_sensitive_dismissal_is_a_negative_example(session):
    someone = builders.tenant(session)
    flagged = builders.note(session, someone, "Le digicode est devenu fou, appeler le prestataire.")
    learning.record_decision(session, flagged, "dismissed", flagged.body, ["subjective"], None)
    example = learning.examples(session)[-1]
    assert example["sensitive"] is False and example["categories"] == []


def test_deleting_the_note_deletes_its_example(session):
    someone = builders.tenant(session)
    flagged = builders.note(session, someone, "Suivi au CMP depuis 2021 pour sa dépression.")
    learning.record_decision(session, flagged, "redacted", flagged.body, ["health"], None)
    assert _count(session, someone.id) == 1
    session.execute(delete(Note).where(Note.id == flagged.id))
    session.expire_all()
    assert _count(session, someone.id) == 0


def test_examples_past_the_notes_retention_are_purged_and_a_dry_run_only_counts(session):
    someone = builders.tenant(session)
    old = builders.note(session, someone, "Ancien signalement.")
    recent = builders.note(session, someone, "Signalement récent.")
    learning.record_decision(session, old, "kept", old.body, ["offence"], None).decided_at = (
        datetime(2015, 1, 1))
    learning.record_decision(session, recent, "kept", recent.body, ["offence"], None)
    session.flush()
    cutoff = datetime.now() - timedelta(days=365 * 5)
    assert learning.purge_older_than(session, cutoff, dry_run=True) >= 1
    assert _count(session, someone.id) == 2
    learning.purge_older_than(session, cutoff)
    assert [e.note_id for e in session.scalars(select(GuardExample).where(
        GuardExample.tenant_id == someone.id))] == [recent.id]


def test_the_dpo_dismisses_a_false_flag_from_the_review_page_and_the_guard_learns_a_negative(client, session):
    from tests.conftest import login

    someone = builders.tenant(session)
    body = "Le digicode est devenu fou, le radiateur est paralysé."
    flagged = builders.note(session, someone, body, review_status="pending")
    session.commit()
    login(client, "dpo@example.org")
    queue = client.get("/staff/notes/review?lang=fr").get_data(as_text=True)
    assert "Rien de sensible : lever le signalement" in queue
    done = client.post("/staff/notes/review", data={"action": "dismiss", "note_id": flagged.id,
                                                    "reason": "Le bâtiment, pas la personne"})
    assert done.status_code == 302
    session.expire_all()
    note = session.get(Note, flagged.id)
    assert (note.review_status, note.body) == ("dismissed", body)  # the text stays as written
    example = session.scalar(select(GuardExample).where(GuardExample.note_id == flagged.id))
    assert (example.decision, example.sensitive, example.text) == ("dismissed", False, body)


def test_keeping_a_flagged_note_on_a_ground_teaches_the_guard_a_sensitive_example(client, session):
    from tests.conftest import login

    someone = builders.tenant(session)
    flagged = builders.note(session, someone, "Locataire sous chimiothérapie, report de la visite.",
                            review_status="pending")
    session.commit()
    login(client, "dpo@example.org")
    client.post("/staff/notes/review", data={"action": "keep", "note_id": flagged.id, "legal_ground": "9_2_a",
                                             "reason": ""})
    example = session.scalar(select(GuardExample).where(GuardExample.note_id == flagged.id))
    assert example is not None and example.sensitive and "health" in example.categories
