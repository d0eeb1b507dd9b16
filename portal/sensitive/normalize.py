"""Tokenising and normalising free text while keeping offsets into the original.

The scanner never rewrites the text as a whole: it cuts it into word tokens with
their character spans in the original string, then normalises each token on its own
(casefold, accents stripped, ligatures expanded). Offsets therefore stay exact even
when normalisation changes a token's length (``œ`` → ``oe``, ``ß`` → ``ss``) or the
text holds decomposed accents, emoji, lone surrogates or NUL bytes.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterator, NamedTuple

from .memory import TextMemo

# A word starts with a letter or digit and may carry combining marks (text typed on
# some systems stores "é" as "e" + U+0301). Underscore and punctuation split words,
# so "d'origine" gives "d" and "origine", "sans-papiers" gives "sans" and "papiers".
# Linear: no nested quantifiers, no backtracking beyond one character.
TOKEN_RE = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f])*")

# Letters that NFKD leaves alone but writers type interchangeably with two letters.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})

# Token → normalised key. Notes reuse a small vocabulary, so this cache makes
# normalisation almost free; it is cleared when it grows too big (bounded memory).
_CACHE: dict[str, str] = {}
_CACHE_MAX = 200_000

# Text → its tokens. A note is read by the vocabulary, the n-gram features, the name
# masking of the sentence encoder and the clause checks: it is cut into words once per
# call. These are copies of notes: forgotten when the public call returns (memory.py);
# long texts are recomputed (memory stays bounded).
_TOKENS = TextMemo()


class Token(NamedTuple):
    """One word of the original text: its normalised key and its span."""

    key: str
    start: int
    end: int


def normalise_word(word: str) -> str:
    """Return the matching key of one word: casefolded, unaccented, ligatures split."""
    key = _CACHE.get(word)
    if key is not None:
        return key
    key = word.casefold()
    if not key.isascii():
        key = key.translate(_LIGATURES)
        key = "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))
        # NFKD can expose characters that casefold again (e.g. compatibility forms).
        key = key.casefold()
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[word] = key
    return key


def tokenize(text: str) -> Iterator[Token]:
    """Yield the words of ``text`` with their normalised key and original span."""
    for match in TOKEN_RE.finditer(text):
        yield Token(normalise_word(match.group()), match.start(), match.end())


def tokens_of(text: str) -> tuple[Token, ...]:
    """``tuple(tokenize(text))``, remembered for the last short texts of a call."""
    return _TOKENS.get(text, _tokens)


def _tokens(text: str) -> tuple[Token, ...]:
    cache, out = _CACHE, []
    for match in TOKEN_RE.finditer(text):
        word = match.group()
        key = cache.get(word)
        out.append(Token(key if key is not None else normalise_word(word), match.start(), match.end()))
    return tuple(out)


def normalise_phrase(phrase: str) -> list[str]:
    """Normalise a vocabulary phrase into keys, exactly as text is normalised."""
    return [tok.key for tok in tokenize(phrase)]
