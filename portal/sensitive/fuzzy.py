"""Misspellings and inflections the vocabulary files do not list.

Two helpers, each cached per distinct word (notes reuse a small vocabulary, so the
libraries are called once per word, not once per occurrence):

* ``correct``: a long word that is neither a vocabulary word nor a real French or
  English word (simplemma's dictionaries) is compared with the long vocabulary words
  by Levenshtein distance (rapidfuzz): "depresif" → "depressif", "chimioterapie" →
  "chimiotherapie". Real words are never corrected, so "attention" stays
  "attention" although it is two edits from "detention".
* ``lemma``: simplemma's lemma of a word that matched nothing, so "hospitalisée",
  "convicted" or "pratiquantes" reach a listed base form.
"""
from __future__ import annotations

from itertools import product
from math import prod

import simplemma
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from .normalize import normalise_word

# Short words have too many real neighbours one edit away ("prison"/"poison"), so only
# words of 7+ letters are corrected, by one edit, and 10+ letters by two edits.
MIN_FUZZY_LEN = 7
LONG_WORD = 10
_CACHE_MAX = 200_000
_LANGS = ("fr", "en")


class Corrector:
    """Per-vocabulary caches for spelling correction and lemmatisation."""

    def __init__(self, vocab) -> None:
        # Bucketed by first letter: a correction must keep it anyway, and comparing
        # with a tenth of the words makes a never-seen word ten times cheaper.
        self.choices: dict[str, list[str]] = {}
        for word in vocab.fuzzy_choices:
            self.choices.setdefault(word[0], []).append(word)
        self.known_terms = set(vocab.fuzzy_choices) | set(vocab.single_words)
        self.no_fuzzy = vocab.no_fuzzy
        self._corrections: dict[str, str] = {}
        self._lemmas: dict[str, str] = {}

    def load(self) -> None:
        """Read simplemma's dictionaries now rather than at the first word that needs them
        (~0.4 s): ``portal scan-notes`` does it once before forking its workers, which then
        share them instead of each reading its own."""
        for lang in _LANGS:
            simplemma.is_known("a", lang=lang)
        _accented_entries()

    def correct(self, key: str, original: str) -> str:
        """Return the vocabulary word ``key`` is a misspelling of, else ``key``."""
        if len(key) < MIN_FUZZY_LEN or key in self.known_terms:
            return key
        # keyed by the word as written (lower-cased), not by ``key``: the answer depends on the
        # accents ("refusée" is a French word, "refusee" may be a misspelling), and a memo keyed
        # by ``key`` made a note's verdict depend on the notes scanned before it
        spelling = original.lower()
        cached = self._corrections.get(spelling)
        if cached is not None:
            return cached
        result = key
        choices = self.choices.get(key[0])
        if (choices and key.isalpha() and key.isascii() and key not in self.no_fuzzy
                and not _is_real_word(original)):
            limit = 2 if len(key) >= LONG_WORD else 1
            best = extractOne(key, choices, scorer=Levenshtein.distance, score_cutoff=limit)
            if best is not None:
                result = best[0]
        if len(self._corrections) >= _CACHE_MAX:
            self._corrections.clear()
        self._corrections[spelling] = result
        return result

    def correct_tokens(self, text: str, tokens) -> list[str]:
        """``[self.correct(t.key, text[t.start:t.end]) for t in tokens]``; the words that
        cannot be corrected (short or known) are not looked at further."""
        known, correct = self.known_terms, self.correct
        return [key if len(key) < MIN_FUZZY_LEN or key in known else correct(key, text[start:end])
                for key, start, end in tokens]

    def lemma(self, key: str, original: str) -> str:
        """Normalised simplemma lemma of a word (French first, then English), or ''."""
        if len(key) < 4 or not key.isalpha():
            return ""
        lowered = original.lower()  # the memo's key: the lemma depends on the accents too
        cached = self._lemmas.get(lowered)
        if cached is not None:
            return cached
        result = ""
        for lang in _LANGS:
            # Only dictionary words: simplemma's guessing for unknown words is the
            # slow path and would only guess at typos the corrector handles.
            if not simplemma.is_known(lowered, lang=lang):
                continue
            lemma = normalise_word(simplemma.lemmatize(lowered, lang=lang))
            if lemma != key:
                result = lemma
                break
        if len(self._lemmas) >= _CACHE_MAX:
            self._lemmas.clear()
        self._lemmas[lowered] = result
        return result


# letters a writer without accents types for an accented one (French), and the most spellings tried
_ACCENTED = {"e": "eéèê", "a": "aàâ", "i": "iîï", "o": "oô", "u": "uùû", "c": "cç"}
_MAX_SPELLINGS = 1024
# the accented letters above, each read as the letter a writer without accents types
_UNACCENT = str.maketrans({accented: plain for plain, spellings in _ACCENTED.items()
                           for accented in spellings if accented != plain})


def _is_real_word(original: str) -> bool:
    """A word of the dictionaries, also when written without its accents ("refusee" is "refusée",
    not a misspelling of "refugee"): notes are often typed without accents (the labelling guide's
    SMS style), and every accented spelling is tried while there are at most ``_MAX_SPELLINGS``
    (eighth round, R10: on the shipped model's out-of-fold notes 25 false flags fewer, no true one
    lost)."""
    lowered = original.lower()
    if any(simplemma.is_known(lowered, lang=lang) for lang in _LANGS):
        return True
    if not lowered.isascii():
        return False
    if prod(len(_ACCENTED.get(c, c)) for c in lowered) > _MAX_SPELLINGS:
        return False
    # "every accented spelling" is asked of the dictionary the other way round: of the
    # spellings ``_ACCENTED`` allows, only the dictionary's own accented words can be known,
    # so those whose accents read as ``lowered`` are tried, not the hundreds of spellings
    # ("residence" has 192) that are no word at all. Same answer, a tenth of the lookups.
    return any(simplemma.is_known(spelling, lang="fr") for spelling in _accented_entries().get(lowered, ()))


_ENTRIES: dict[str, tuple[str, ...]] | None = None


def _accented_entries() -> dict[str, tuple[str, ...]]:
    """French dictionary entries holding a letter of ``_ACCENTED``, lower-cased, by their
    spelling without those accents: "résidence" under "residence" (96,523 spellings; read
    once, ~0.5 s, before ``portal scan-notes`` forks its workers)."""
    global _ENTRIES
    if _ENTRIES is None:
        from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

        entries: dict[str, tuple[str, ...]] = {}
        for entry in DEFAULT_DICTIONARY_FACTORY.get_dictionary("fr"):
            if entry.isascii():
                continue
            lowered = entry.lower()
            plain = lowered.translate(_UNACCENT)
            if plain != lowered:
                found = entries.get(plain, ())
                if lowered not in found:
                    entries[plain] = found + (lowered,)
        _ENTRIES = entries
    return _ENTRIES
