"""services.notes directly: the guard, the DPO's decisions, the audit entries."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from portal.models import AuditEntry, Incident, Note, Restriction
from portal.sensitive import Finding
from portal.notes import review
from portal.notes import service as notes
from tests import builders
from tests.notes.helpers import Cast, count_notes


def _audit_text(session, tenant_id: int) -> str:
    rows = session.scalars(select(AuditEntry).where(AuditEntry.tenant_id == tenant_id)).all()
    return json.dumps([[e.action, e.purpose, e.detail] for e in rows], ensure_ascii=False)


def test_clean_note_is_saved_unflagged_and_audited_without_its_text(session):
    cast = Cast(session)
    t = cast.tenant
    result = notes.write_note(session, cast.manager, t.id, "  Rendez-vous pris pour le 3 décembre.  ")
    assert isinstance(result, notes.Saved) and not result.flagged
    note = session.get(Note, result.record_id)
    assert note.body == "Rendez-vous pris pour le 3 décembre."
    assert note.review_status == "none" and note.findings is None and note.author_name
    entry = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert entry.action == "change" and entry.tenant_id == t.id and entry.categories == "notes"
    assert entry.detail == {"note_id": note.id, "flagged": False, "categories": []}
    assert "Rendez-vous" not in json.dumps(entry.detail)


def test_flagged_note_without_justification_is_not_saved(session):
    cast = Cast(session)
    t = cast.tenant
    before = count_notes(session, t.id)
    result = notes.write_note(session, cast.manager, t.id, "Locataire cardiaque, voir avec lui.")
    assert isinstance(result, notes.Flagged)
    assert [(f.category, f.term) for f in result.findings] == [("health", "cardiaque")]
    assert result.text[result.findings[0].start:result.findings[0].end] == "cardiaque"
    assert count_notes(session, t.id) == before


def test_justified_note_waits_for_the_dpo_with_its_findings(session):
    cast = Cast(session)
    t = cast.tenant
    result = notes.write_note(session, cast.manager, t.id, "Locataire cardiaque, voir avec lui.",
                              justification="Demande de mutation au rez-de-chaussée appuyée par le locataire.", legal_ground="9_2_a")
    note = session.get(Note, result.record_id)
    assert result.flagged and note.review_status == "pending"
    assert note.findings == [{"category": "health", "start": 10, "end": 19, "term": "cardiaque"}]
    assert note.justification.startswith("Demande de mutation")


def test_justification_is_ignored_when_nothing_is_found(session):
    cast = Cast(session)
    result = notes.write_note(session, cast.manager, cast.tenant.id, "Appel reçu ce matin.",
                              justification="inutile")
    note = session.get(Note, result.record_id)
    assert note.review_status == "none" and note.justification is None


def test_empty_and_oversized_notes_are_refused(session):
    cast = Cast(session)
    t, manager = cast.tenant, cast.manager
    with pytest.raises(notes.EmptyText):
        notes.write_note(session, manager, t.id, " \r\n ")
    with pytest.raises(notes.TextTooLong) as err:
        notes.write_note(session, manager, t.id, "x" * (notes.NOTE_MAX_CHARS + 1))
    assert err.value.limit == notes.NOTE_MAX_CHARS


def test_restricted_notes_category_refuses_new_notes(session):
    cast = Cast(session)
    t = cast.tenant
    session.add(Restriction(tenant_id=t.id, category_key="notes", active=True))
    session.flush()
    before = count_notes(session, t.id)
    with pytest.raises(notes.CategoryRestricted):
        notes.write_note(session, cast.manager, t.id, "Appel reçu ce matin.")
    assert count_notes(session, t.id) == before


def test_lifted_restriction_no_longer_blocks(session):
    cast = Cast(session)
    t = cast.tenant
    session.add(Restriction(tenant_id=t.id, category_key="notes", active=False))
    session.flush()
    assert isinstance(notes.write_note(session, cast.manager, t.id, "Appel reçu."), notes.Saved)


def test_tenant_outside_the_managers_portfolio_is_not_found(session):
    cast = Cast(session)
    manager = cast.manager
    with pytest.raises(notes.NotFound):
        notes.write_note(session, manager, cast.outsider.id, "Appel reçu.")
    with pytest.raises(notes.NotFound):
        notes.write_note(session, manager, 10**6, "Appel reçu.")


def test_caretaker_may_not_write_notes(session):
    cast = Cast(session)
    with pytest.raises(notes.NotAllowed):
        notes.write_note(session, cast.caretaker, cast.tenant.id, "Appel reçu.")


def test_caretaker_logs_technical_incidents_in_their_building_only(session):
    cast = Cast(session)
    caretaker = cast.caretaker
    assert notes.incident_kinds(caretaker) == ("technical",)
    t = cast.tenant
    result = notes.log_incident(session, caretaker, t.id, "technical", "Ampoule grillée",
                                "Ampoule du palier du 2e grillée.")
    incident = session.get(Incident, result.record_id)
    assert incident.kind == "technical" and incident.status == "open" and incident.review_status == "none"
    assert incident.building_id == t.lease.dwelling.building_id
    with pytest.raises(notes.NotAllowed):
        notes.log_incident(session, caretaker, t.id, "neighbourhood", "Bruit", "Bruit la nuit.")
    with pytest.raises(notes.NotFound):
        notes.log_incident(session, caretaker, cast.neighbour.id, "technical", "Fuite", "Fuite d'eau.")


def test_incident_title_and_description_are_both_guarded(session):
    cast = Cast(session)
    manager, t = cast.manager, cast.neighbour
    result = notes.log_incident(session, manager, t.id, "neighbourhood", "Voisin alcoolique",
                                "Il est sous chimiothérapie.")
    assert isinstance(result, notes.Flagged)
    assert {f.category for f in result.title_findings} and {f.category for f in result.findings} == {"health"}
    saved = notes.log_incident(session, manager, t.id, "neighbourhood", "Voisin alcoolique",
                               "Il est sous chimiothérapie.", justification="Signalé par le voisin.", legal_ground="9_2_a")
    incident = session.get(Incident, saved.record_id)
    assert incident.review_status == "pending"
    assert {f["field"] for f in incident.findings} == {"title", "description"}


def test_restricted_incidents_category_refuses_new_incidents(session):
    cast = Cast(session)
    t = cast.tenant
    session.add(Restriction(tenant_id=t.id, category_key="incidents", active=True))
    session.flush()
    with pytest.raises(notes.CategoryRestricted):
        notes.log_incident(session, cast.caretaker, t.id, "technical", "Fuite", "Fuite d'eau.")


def test_queue_lists_pending_notes_with_findings_computed_from_the_text(session):
    cast = Cast(session)
    builders.note(session, cast.tenant, "Locataire cardiaque, prévoir un logement en rez-de-chaussée.",
                  review_status="pending")
    items = review.review_queue(session, cast.dpo)
    bodies = {"".join(s.text for s in i.text): i for i in items}
    item = bodies["Locataire cardiaque, prévoir un logement en rez-de-chaussée."]
    assert item.categories == ("health",) and item.terms == ("cardiaque",)
    assert [s.text for s in item.text if s.categories] == ["cardiaque"]
    assert item.tenant_number == cast.tenant.tenant_number and item.author == "Agent d'essai"


def test_queue_reading_is_in_the_tenants_access_log(session):
    cast = Cast(session)
    t = cast.tenant
    builders.note(session, t, "Locataire cardiaque.", review_status="pending")
    review.review_queue(session, cast.dpo)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.tenant_id == t.id, AuditEntry.action == "read")
                           .order_by(AuditEntry.id.desc()).limit(1))
    assert entry.actor_role == "dpo" and "notes" in entry.categories
    assert entry.purpose == "Contrôle de protection des données"
    assert entry.detail == {"purpose_key": "compliance"}


def test_redaction_replaces_the_text_with_a_dated_marker_and_logs_no_text(session):
    cast = Cast(session)
    t = cast.tenant
    saved = notes.write_note(session, cast.manager, t.id, "Locataire séropositif, code 4711.",
                             justification="Besoin d'un suivi particulier.", legal_ground="9_2_a")
    when = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc).replace(tzinfo=None)
    marker = review.redact(session, cast.dpo, "note", saved.record_id,
                          "donnée de santé sans utilité pour la gestion", now=when)
    note = session.get(Note, saved.record_id)
    assert note.body == marker == ("[Texte supprimé le 28/11/2026 par le DPO : "
                                   "donnée de santé sans utilité pour la gestion]")
    assert note.review_status == "redacted" and note.findings is None and note.reviewed_at == when
    assert note.justification is None
    log = _audit_text(session, t.id)
    assert "4711" not in log and "séropositif" not in log
    assert "donnée de santé sans utilité pour la gestion" in log and '"decision": "redacted"' in log


def test_marker_is_in_the_tenants_language(session):
    cast = Cast(session)
    john = cast.english
    assert john.preferred_language == "en"
    saved = notes.write_note(session, cast.dpo, john.id, "Tenant is depressed.",
                             justification="Reported by the tenant himself.", legal_ground="9_2_a")
    marker = review.redact(session, cast.dpo, "note", saved.record_id, "health data",
                          now=datetime(2026, 11, 28, 9, 0))
    assert marker == "[Text removed on 28/11/2026 by the DPO: health data]"


def test_keep_records_the_reason_and_a_second_decision_is_refused(session):
    cast = Cast(session)
    t = cast.tenant
    saved = notes.write_note(session, cast.manager, t.id, "Locataire désagréable au guichet.",
                             justification="Incident au guichet à documenter.")
    dpo = cast.dpo
    with pytest.raises(notes.EmptyText):
        review.keep(session, dpo, "note", saved.record_id, "  ")
    review.keep(session, dpo, "note", saved.record_id, "Fait rapporté, formulation acceptable")
    note = session.get(Note, saved.record_id)
    assert note.review_status == "kept" and note.review_reason == "Fait rapporté, formulation acceptable"
    assert note.reviewed_by_id == dpo.user_id and note.body == "Locataire désagréable au guichet."
    with pytest.raises(notes.AlreadyReviewed):
        review.redact(session, dpo, "note", saved.record_id, "trop tard")
    with pytest.raises(notes.NotAllowed):
        review.keep(session, cast.manager, "note", saved.record_id, "non")


def test_redacting_an_incident_replaces_description_and_flagged_title(session):
    cast = Cast(session)
    t = cast.neighbour
    saved = notes.log_incident(session, cast.manager, t.id, "neighbourhood", "Voisin alcoolique",
                               "Le voisin est alcoolique, bruit la nuit.", justification="Plainte écrite.", legal_ground="9_2_a")
    review.redact(session, cast.dpo, "incident", saved.record_id, "jugement sur un tiers")
    incident = session.get(Incident, saved.record_id)
    assert incident.description.startswith("[Texte supprimé le ") and "alcoolique" not in incident.title
    assert incident.review_status == "redacted"


def test_highlight_merges_overlaps_and_keeps_every_character():
    text = "abc violence conjugale def"
    found = [Finding("offence", 4, 22, "violence conjugale"), Finding("social_precarity", 4, 12, "violence"),
             Finding("health", 23, 26, "def")]
    segments = notes.highlight(text, found)
    assert "".join(s.text for s in segments) == text
    assert [(s.text, s.categories) for s in segments if s.categories] == [
        ("violence conjugale", ("offence", "social_precarity")), ("def", ("health",))]
    assert notes.highlight("", []) == []


def test_flag_for_review_puts_stored_sensitive_notes_in_the_queue(session):
    cast = Cast(session)
    note = builders.note(session, cast.tenant, "Appel du locataire.")
    note.body = "Ancien SDF."
    session.flush()
    assert notes.flag_for_review(session, [f"note-{note.id}", "note-abc", "bogus"]) == 1
    assert note.review_status == "pending" and note.findings[0]["category"] == "social_precarity"
    assert notes.flag_for_review(session, [f"note-{note.id}"]) == 0  # already pending


def test_redaction_drops_cached_pdf_copies_that_still_hold_the_text(session):
    cast = Cast(session)
    from portal.models import DocumentCache

    t = cast.tenant
    saved = notes.write_note(session, cast.manager, t.id, "Locataire cardiaque.",
                             justification="Logement adapté demandé.", legal_ground="9_2_a")
    session.add(DocumentCache(tenant_id=t.id, kind="pdf_copy", language="fr", fingerprint="x" * 64,
                              content=b"%PDF Locataire cardiaque"))
    session.flush()
    review.redact(session, cast.dpo, "note", saved.record_id, "donnée de santé")
    assert session.scalars(select(DocumentCache).where(DocumentCache.tenant_id == t.id)).all() == []


def test_two_reviewers_at_once_the_second_is_told_and_nothing_is_overwritten(app, session):
    cast = Cast(session)
    from portal.db import Database

    t = cast.tenant
    saved = notes.write_note(session, cast.manager, t.id, "Locataire cardiaque.",
                             justification="Logement adapté demandé.", legal_ground="9_2_a")
    session.commit()
    first, second = Database.state(app).factory(), Database.state(app).factory()
    try:
        assert first.get(Note, saved.record_id).review_status == "pending"  # the page the first DPO saw
        first.commit()  # the object stays in first's identity map, as it was then
        review.keep(second, cast.dpo, "note", saved.record_id, "Demande du locataire", "9_2_a")
        second.commit()
        with pytest.raises(notes.AlreadyReviewed):
            review.redact(first, cast.dpo, "note", saved.record_id, "santé")
        first.rollback()
    finally:
        first.close()
        second.close()
    session.expire_all()
    note = session.get(Note, saved.record_id)
    assert note.review_status == "kept" and note.body == "Locataire cardiaque."


def test_audit_entry_of_a_flag_names_the_model_that_raised_it(session):
    """The audit log says which guard flagged what: the active model's version, and the
    categories only the learned model found (here no listed word carries the meaning)."""
    from portal import sensitive

    text = "Voit des choses qui n'existent pas, parle seul dans l'escalier."
    assert {f.source for f in sensitive.scan(text)} == {"model"}
    cast = Cast(session)
    result = notes.write_note(session, cast.manager, cast.tenant.id, text,
                              justification="Signalement au CCAS demandé par la famille.", legal_ground="9_2_a")
    entry = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert entry.detail["note_id"] == result.record_id and entry.detail["flagged"] is True
    assert entry.detail["model"].startswith("guard-") and entry.detail["model"] == sensitive.model_version()
    assert entry.detail["model_categories"] == ["health"]
    assert "escalier" not in json.dumps(entry.detail, ensure_ascii=False)


def test_audit_of_a_vocabulary_flag_lists_no_model_only_category(session):
    cast = Cast(session)
    result = notes.write_note(session, cast.manager, cast.tenant.id,
                              "Locataire cardiaque, voir avec lui.",
                              justification="Demande de mutation au rez-de-chaussée.", legal_ground="9_2_a")
    entry = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert entry.detail["note_id"] == result.record_id
    assert entry.detail["categories"] == ["health"] and entry.detail["model_categories"] == []
    from portal.sensitive import model_version
    assert entry.detail["model"] == model_version()
