"""Text → sparse TF-IDF features for the guard's linear model (pure Python + numpy).

Our own small featuriser rather than scikit-learn's vectorisers, so that a saved model
needs only numpy at run time, its file is byte-reproducible, and repeated words cost a
dictionary lookup: every word is normalised like the vocabulary does (casefold, accents
stripped) and its character n-grams are computed once and cached per model.

Features (strings, stored sorted in the model file):
* ``w:<word>``          normalised word;
* ``b:<word> <word>``   two consecutive words;
* ``c:<gram>``          character 2..5-grams of `` <word> `` (word boundaries marked by
  spaces), which carry misspellings, missing accents, inflections and SMS spellings;
* ``g:<mark>``          what the grammar says and n-grams cannot: a partner phrase of a couple of
  one sex or of two (``couples.partners``: "her wife" / "his wife", "Mme Faure et son
  compagnon"), so that the model can learn that "wife" says nothing sexual when the couple is
  of two sexes (most false ``sex_life`` flags on blind sets K–N were such partners).

A surname (the capitalised word after a courtesy title) is read as the word ``x`` (``names``).
"""
from __future__ import annotations

import math
import weakref
from collections import Counter
from typing import Iterable

import numpy as np

from .couples import partners
from .memory import text_memo
from .names import NAME_KEY, name_words
from .normalize import tokens_of

CHAR_MIN, CHAR_MAX = 2, 5
_WORD_CACHE_MAX = 200_000
_SPARSE_CACHE_MAX = 8_192
_SPARSE_CACHE_TEXT = 4_000  # longer texts are not remembered (memory stays bounded)
# every featuriser alive, so that their per-text memos are forgotten after each call
_LIVE: "weakref.WeakSet[Featurizer]" = weakref.WeakSet()


def _forget_texts() -> None:
    for featurizer in list(_LIVE):
        featurizer._sparse_cache.clear()


def _holds(text: str) -> bool:
    return any(text in featurizer._sparse_cache for featurizer in list(_LIVE))


text_memo(_forget_texts, _holds)


PARTNER_MARKS = {True: "g:same_sex_partner", False: "g:other_sex_partner"}


def read(text: str) -> tuple[list[str], list[str]]:
    """(normalised words, grammar marks) of ``text``. Words: digits kept as one class and every
    name word as one placeholder (``names.name_words``), neither carries meaning here; marks: one
    ``PARTNER_MARKS`` feature per partner phrase (``couples.partners``)."""
    tokens = tokens_of(text)
    ws = [NAME_KEY if name else "0" if token.key.isdigit() else token.key
          for token, name in zip(tokens, name_words(text, tokens))]
    return ws, [PARTNER_MARKS[p.same_sex] for p in partners(text, tokens)]


def words(text: str) -> list[str]:
    """Normalised words of ``text`` (see :func:`read`)."""
    return read(text)[0]


def word_grams(word: str) -> list[str]:
    padded = f" {word} "
    grams = []
    for n in range(CHAR_MIN, CHAR_MAX + 1):
        for i in range(len(padded) - n + 1):
            grams.append("c:" + padded[i:i + n])
    return grams


def raw_features(text: str) -> Counter:
    """All feature strings of ``text`` with their counts (used at training time)."""
    ws, marks = read(text)
    counts: Counter = Counter(marks)
    for w in ws:
        counts["w:" + w] += 1
        counts.update(word_grams(w))
    for a, b in zip(ws, ws[1:]):
        counts[f"b:{a} {b}"] += 1
    return counts


class Featurizer:
    """Maps texts to L2-normalised sublinear TF-IDF vectors over a fixed feature list."""

    def __init__(self, names: list[str], idf: np.ndarray) -> None:
        self.names = names
        self.index = {name: i for i, name in enumerate(names)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self._word_cache: dict[str, tuple[int, ...]] = {}
        self._sparse_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        _LIVE.add(self)

    @classmethod
    def fit(cls, texts: Iterable[str], min_df: int = 2) -> "Featurizer":
        df: Counter = Counter()
        n = 0
        for text in texts:
            n += 1
            df.update(set(raw_features(text)))
        names = sorted(name for name, count in df.items() if count >= min_df)
        idf = np.array([math.log((1 + n) / (1 + df[name])) + 1.0 for name in names], dtype=np.float32)
        return cls(names, idf)

    def _word_indices(self, word: str) -> tuple[int, ...]:
        cached = self._word_cache.get(word)
        if cached is not None:
            return cached
        index = self.index
        found = [index[g] for g in word_grams(word) if g in index]
        w = index.get("w:" + word)
        if w is not None:
            found.append(w)
        result = tuple(found)
        if len(self._word_cache) >= _WORD_CACHE_MAX:
            self._word_cache.clear()
        self._word_cache[word] = result
        return result

    def sparse(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(indices, values) of the normalised TF-IDF vector of ``text``; indices sorted
        (read-only arrays; the last texts are remembered: ``scan_many`` reads a unit twice)."""
        if len(text) > _SPARSE_CACHE_TEXT:
            return self._sparse(text)
        cached = self._sparse_cache.get(text)
        if cached is None:
            cached = self._sparse(text)
            for array in cached:
                array.setflags(write=False)
            if len(self._sparse_cache) >= _SPARSE_CACHE_MAX:
                self._sparse_cache.clear()
            self._sparse_cache[text] = cached
        return cached

    def _sparse(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        ws, marks = read(text)
        found: list[int] = []
        word_indices = self._word_indices
        for w in ws:
            found.extend(word_indices(w))
        index = self.index
        for name in marks + [f"b:{a} {b}" for a, b in zip(ws, ws[1:])]:
            j = index.get(name)
            if j is not None:
                found.append(j)
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        # the feature ids, sorted, and how often each occurs (one sort in C)
        idx, counts = np.unique(np.array(found, dtype=np.int64), return_counts=True)
        tf = counts.astype(np.float64)
        values = (1.0 + np.log(tf)) * self.idf.take(idx)
        norm = math.sqrt(float(values @ values))
        return idx, values / norm if norm else values

    def matrix(self, texts: list[str]):
        """A scipy CSR matrix of ``texts`` (training and batch explanation)."""
        from scipy.sparse import csr_matrix

        indptr, indices, data = [0], [], []
        for text in texts:
            idx, values = self.sparse(text)
            indices.extend(idx.tolist())
            data.extend(values.tolist())
            indptr.append(len(indices))
        return csr_matrix((np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr)),
                          shape=(len(texts), len(self.names)))
