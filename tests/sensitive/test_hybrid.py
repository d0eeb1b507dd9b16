"""What a user notices of the hybrid guard (vocabulary + model), issue #20.

The shipped model is loaded once per session (``scan`` uses it); nothing here trains."""
from __future__ import annotations

import time

import pytest

from portal.sensitive import Finding, Scanner, explain, model_version, scan, scan_many

from .helpers import categories

# Wording no list anticipated: euphemisms, plain words, slang (issue #20).
CAUGHT = [
    ("health", "Madame prend quelque chose pour le moral."),
    ("health", "Monsieur a un faible pour le pastis."),
    ("social_precarity", "La locataire a vécu en squat avec ses enfants."),
    ("health", "Il voit des choses qui n'existent pas."),
    ("offence", "Son compagnon la bat, elle a peur de rentrer."),
    ("politics_union", "Mr Davies is a GMB steward."),
    ("offence", "Le fils du 3e est sous bracelet jusqu'en juin."),
    ("health", "Madame a un K du sein."),
    ("origin", "Monsieur est sans titre depuis l'an dernier."),
    ("offence", "Le locataire a fait du placard."),
    ("health", "Tenant is on a CPN's caseload."),
    ("health", "mme B a fait un avc hier, pompiers venus"),
    ("offence", "Tenant was arrested for possession with intent to supply."),
    ("social_precarity", "Tenant was sleeping rough before this tenancy."),
    ("subjective", "Ce locataire est un vrai cas social."),
]

# What is not about a person's sensitive data: the building, pets, professions,
# organisations, surnames, negation.
NOT_FLAGGED = [
    "Le digicode est devenu fou, il ouvre tout seul.",
    "Radiateur paralysé dans la chambre, purge à faire.",
    "Toiture en fin de vie, remplacement prévu.",
    "Le perroquet de Mme Roux est malade.",
    "Le chat de la voisine est aveugle et miaule la nuit.",
    "La locataire est infirmière de nuit à l'hôpital.",
    "Association des paralysés de France : local du RDC.",
    "M. Malade a signé son bail le 3 mars.",
    "Pas de problème de santé signalé, la visite peut avoir lieu.",
    "Dossier CAF mis à jour, l'APL sera versée au bailleur.",
    "Fuite au 3e, plombier appelé.",
    "The boiler is dead, engineer booked.",
    "Tenant asked for a copy of her tenancy agreement.",
    # very short file keeping (the model once read "Dossier complet." as subjective)
    "Dossier reçu.",
    "Appel fait.",
    "Noise reported by the neighbour at no. 5, Mr Green, on Monday.",
]


@pytest.mark.parametrize(("category", "text"), CAUGHT)
def test_unseen_wording_is_caught(category: str, text: str) -> None:
    assert category in categories(text)


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_innocent_notes_are_not_flagged(text: str) -> None:
    assert scan(text) == []


def test_a_model_only_finding_spans_the_clause_that_carries_it() -> None:
    text = "Fuite réparée dans la cuisine, madame prend quelque chose pour le moral depuis l'hiver."
    found = [f for f in scan(text) if f.category == "health"]
    assert found, scan(text)
    finding = found[0]
    assert finding.source == "model" and 0.0 < finding.score <= 1.0
    assert text[finding.start:finding.end] == finding.term
    assert "moral" in finding.term and "Fuite" not in finding.term


def test_vocabulary_findings_keep_their_highlighted_term() -> None:
    [finding] = [f for f in scan("Le locataire est séropositif, relance envoyée.") if f.category == "health"]
    assert (finding.term, finding.source) == ("séropositif", "vocabulary")


def test_findings_keep_the_four_public_attributes() -> None:
    for f in scan("Madame a un K du sein. Tenant is a GMB steward."):
        assert isinstance(f, Finding)
        assert f.category and isinstance(f.start, int) and isinstance(f.end, int) and isinstance(f.term, str)


def test_vocabulary_only_mode_is_still_available() -> None:
    vocab_only = Scanner(model=None)
    assert vocab_only.scan("Madame prend quelque chose pour le moral.") == []
    assert {f.category for f in vocab_only.scan("Locataire séropositif.")} == {"health"}


def test_scan_many_gives_exactly_scan_results() -> None:
    texts = [text for _, text in CAUGHT] + NOT_FLAGGED + ["", None, b"sous chimio", "\ud800 x", "a\x00b"]
    assert scan_many(texts) == [scan(t) for t in texts]
    for many, single in zip(scan_many(texts), [scan(t) for t in texts]):
        assert [f.source for f in many] == [f.source for f in single]
        # the score shown to the DPO, rounded to 4 decimals: batched and single encoder runs
        # differ in the last float bits, which can move a rounding by 0.0001 (seen with
        # guard-9c9f: 0.6134 vs 0.6133); the findings above are compared exactly
        assert [f.score for f in many] == pytest.approx([f.score for f in single], abs=1e-3)


def test_explain_gives_scores_and_the_closest_labelled_notes() -> None:
    why = explain("Madame prend quelque chose pour le moral.", k=3)
    assert why["version"] == model_version()
    assert why["scores"]["health"] > why["scores"]["religion"]
    assert len(why["neighbours"]) == 3
    assert all({"text", "categories", "similarity"} <= set(n) for n in why["neighbours"])


def test_a_single_note_verdict_is_fast_once_warm() -> None:
    scan("warm-up: the sentence encoder is loaded once")
    timings = []
    for i in range(5):
        started = time.perf_counter()
        scan(f"Note {i}: madame prend quelque chose pour le moral, son fils passe le {i}.")
        timings.append(time.perf_counter() - started)
    assert sorted(timings)[2] < 0.3, timings
