"""Negated health and offence terms are not vocabulary findings (issue #20: "pas de
problème de santé" must not be flagged); negations that are themselves the fact stay."""
from __future__ import annotations

import pytest

from portal.sensitive import Scanner, scan
from portal.sensitive.negation import negated
from portal.sensitive.normalize import tokenize

VOCABULARY = Scanner(model=None)


def vocabulary_categories(text: str) -> set[str]:
    return {f.category for f in VOCABULARY.scan(text)}


@pytest.mark.parametrize("text", [
    "She is not disabled.",
    "Tenant isn't disabled, no adaptation needed.",
    "No disability declared.",
    "Il n'est pas handicapé.",
    "Pas de handicap déclaré, logement ordinaire proposé.",
    "La locataire n'est pas enceinte, le T4 est pour sa mère.",
    "No criminal record.",
    "N'a pas de casier judiciaire.",
    "Il n'a jamais été condamné.",
    "He has never been convicted.",
])
def test_a_negated_health_or_offence_term_is_not_flagged(text: str) -> None:
    assert vocabulary_categories(text) == set()


@pytest.mark.parametrize(("category", "text"), [
    ("health", "Elle est handicapée."),
    ("health", "Flat no. 5, disabled tenant."),  # "no" as a number, then punctuation
    ("health", "Pas de souci pour la visite ; il est handicapé depuis son accident."),  # another clause
    ("offence", "Il a été condamné l'an dernier."),
    ("origin", "Il n'est pas français, titre de séjour en cours."),  # the negation is the fact
    ("origin", "sans papiers depuis 2019"),
])
def test_affirmed_terms_and_negations_that_are_the_fact_stay(category: str, text: str) -> None:
    assert category in vocabulary_categories(text)


def test_the_rule_looks_back_over_at_most_two_small_words() -> None:
    def at(text: str, word: str) -> bool:
        tokens = list(tokenize(text))
        return negated(text, tokens, [t.key for t in tokens].index(word))

    assert at("pas de handicap", "handicap")
    assert at("jamais été condamné", "condamne")
    assert at("isn't disabled", "disabled")
    assert not at("pas son traitement", "traitement")  # "sans/pas son traitement" reveals it
    assert not at("pas de souci, handicap", "handicap")
    assert not at("handicap", "handicap")


@pytest.mark.parametrize("text", [
    "She is not disabled.",
    "Il n'est pas handicapé.",
    "N'a pas de casier judiciaire.",
    "He has never been convicted.",
])
def test_the_hybrid_guard_does_not_flag_a_denial_either(text: str) -> None:
    # the model alone reads these short notes as health / offence: its clause names the
    # category only through a negated term, so no model-only finding is kept
    assert scan(text) == []


def test_a_denial_next_to_a_real_fact_keeps_the_fact() -> None:
    text = "Il n'est pas handicapé mais ne peut plus monter les escaliers depuis sa chute."
    found = [f for f in scan(text) if f.category == "health"]
    assert found and "escaliers" in found[0].term and "handicapé" not in found[0].term
