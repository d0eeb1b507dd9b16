"""Copies are personal data: after scan / scan_many / explain return, no memo of the
guard (sentence splits, n-gram vectors, sentence embeddings) still holds the note."""
from __future__ import annotations

from portal.sensitive import scan, scan_many
from portal.sensitive.explain import explain
from portal.sensitive.memory import holds

NOTE = "Mme Quéré-Albaret a été hospitalisée en psychiatrie la semaine dernière, d'après sa fille."
OTHER = "Le digicode du bâtiment C est à nouveau en panne depuis lundi, intervention demandée."


def test_a_scanned_note_is_not_remembered():
    assert {f.category for f in scan(NOTE)} >= {"health"}
    assert not holds(NOTE)


def test_a_batch_of_notes_is_not_remembered():
    found = scan_many([NOTE, OTHER] * 3)
    assert [bool(f) for f in found] == [True, False] * 3
    assert not holds(NOTE) and not holds(OTHER)


def test_the_review_screen_explanation_does_not_remember_the_note():
    assert explain(NOTE)["scores"]["health"] > 0.5
    assert not holds(NOTE)
