"""The spelling corrector (``fuzzy.py``): a verdict depends on the note alone, and a word typed
without its accents is not a misspelling of a term."""
from __future__ import annotations

import pytest

from portal.sensitive import Scanner


def _categories(scanner: Scanner, text: str) -> set[str]:
    return {f.category for f in scanner.scan(text)}


def test_a_note_s_verdict_does_not_depend_on_the_notes_scanned_before_it() -> None:
    # the corrector's memo was keyed by the accent-less word: "REFUSÉE" seen first made
    # "refusee" uncorrected, "refusee" seen first made it "refugee"
    accented, plain = "Demande REFUSÉE par la commission.", "Demande refusee par la commission, Mme Morel informée."
    first, second = Scanner(model=None), Scanner(model=None)
    one = (_categories(first, accented), _categories(first, plain))
    other = (_categories(second, plain), _categories(second, accented))
    assert one == other[::-1]


@pytest.mark.parametrize("text", [
    "demande refusee par la commission",  # refusée, not refugee
    "DEMANDE REFUSEE, dossier incomplet",
    "le locataire a ete deplace au 3e etage pendant les travaux",
])
def test_a_word_typed_without_its_accents_is_not_corrected_into_a_term(text: str) -> None:
    assert _categories(Scanner(model=None), text) == set()


@pytest.mark.parametrize(("category", "text"), [
    ("origin", "Mme X est refugiee depuis 2019"),
    ("health", "il est handicape depuis son accident"),
    ("health", "monsieur est depresif"),  # a real misspelling is still corrected
])
def test_terms_without_accents_or_misspelt_are_still_found(category: str, text: str) -> None:
    assert category in _categories(Scanner(model=None), text)
