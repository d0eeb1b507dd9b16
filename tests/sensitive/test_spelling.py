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


def _every_accented_spelling_is_tried(word: str) -> bool:
    """The rule as the labelling guide states it (R10), by brute force: some accented spelling
    of ``word`` (``fuzzy._ACCENTED``) other than itself is a French word."""
    from itertools import product
    from math import prod

    import simplemma

    from portal.sensitive.fuzzy import _ACCENTED, _MAX_SPELLINGS

    lowered = word.lower()
    options = [_ACCENTED.get(c, c) for c in lowered]
    if not lowered.isascii() or prod(len(o) for o in options) > _MAX_SPELLINGS:
        return False
    return any(simplemma.is_known("".join(s), lang="fr") for s in product(*options) if "".join(s) != lowered)


@pytest.mark.parametrize("word", [
    "refusee", "REFUSEE", "residence", "deplace", "etage", "hopital", "garcon", "controle", "enquete",
    "chimiotherapie", "depresif", "zzqqxx", "incarcere", "tres", "maitre", "noel", "ambiguite", "aout",
])
def test_a_word_without_accents_is_read_as_the_dictionary_s_accented_word(word: str) -> None:
    # the dictionary's accented entries are looked up by their spelling without accents
    # instead of trying every accented spelling: the same answer, without hundreds of lookups
    from portal.sensitive.fuzzy import _is_real_word
    import simplemma

    known = simplemma.is_known(word.lower(), lang="fr") or simplemma.is_known(word.lower(), lang="en")
    assert _is_real_word(word) == (known or _every_accented_spelling_is_tried(word))


@pytest.mark.parametrize(("word", "real"), [("refusee", True), ("garcon", True), ("residence", True),
                                            ("hopital", True), ("depresif", False), ("chimioterapie", False)])
def test_which_words_typed_without_accents_are_real_words(word: str, real: bool) -> None:
    from portal.sensitive.fuzzy import _is_real_word

    assert _is_real_word(word) is real
