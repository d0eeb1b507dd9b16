"""The pieces of a note the guard's model reads: sentences, chunks and clauses.

Plain string work (no model): ``judged_units(text)`` gives the spans the model scores
(the note, or its chunks when long, then each sentence) and ``clauses(text)`` the spans a
model-only finding may highlight. Splitting never backtracks: linear in the text.
"""
from __future__ import annotations

import re

from .memory import TextMemo

# Text longer than this is judged by chunks of sentences: bounded work per chunk.
CHUNK_CHARS = 1200
# At most this many characters are read by the model (the vocabulary reads everything).
MODEL_MAX_CHARS = 100_000

_SENTENCES = TextMemo()  # forgotten after each call (memory.py)

# A full stop after a title or an initial ("M. Rey", "Mme. X", "Dr. Y", "J. Dupont")
# does not end a sentence or a clause.
_ABBREV = r"(?<!\bM)(?<!\bMr)(?<!\bMme)(?<!\bMM)(?<!\bDr)(?<!\bSt)(?<!\bMs)(?<!\bMrs)(?<!\b[A-Z])"
# A stop: the lookahead first, so that the nine lookbehinds are tried only where a stop
# stands (the same matches, about four times faster over a note).
_STOP = r"(?=[.!?])" + _ABBREV + r"[.!?]+(?=\s|$)"
_SENTENCE_END_RE = re.compile(_STOP + r"|[;\n\r]+")
_CLAUSE_SPLIT_RE = re.compile(
    _STOP + r"|[;:\n\r•|()\[\]«»\"]+|,\s|\s[-–—/]\s"
    r"|\s(?:et|mais|car|donc|puis|parce qu(?:e|')|alors que|tandis que|sauf que"
    r"|and|but|because|so|while|as|whereas|though|although)\s", re.IGNORECASE)


def unit_kinds(text: str, spans: list) -> list[int]:
    """0 for whole-note / chunk units, 1 for sentence units (see judged_units)."""
    n_whole = _n_whole(text)
    return [0 if i < n_whole else 1 for i in range(len(spans))]


def _sentences(text: str) -> list[tuple[int, int]]:
    # asked several times per note (judged_units, unit_kinds; scan_many judges twice):
    # the last short texts are remembered, long ones recomputed (memory stays bounded)
    return list(_SENTENCES.get(text, _split_sentences_tuple))


def _split_sentences_tuple(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(split_sentences(text))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, trimmed, without its final stop. A full stop
    ends a sentence only before a space or the end (not "5.30") and not after a title or an
    initial ("M. Rey"); ``;`` and line breaks end one too. Nothing is remembered."""
    out = []
    last = 0
    bounds = [(m.start(), m.end()) for m in _SENTENCE_END_RE.finditer(text)] + [(len(text), len(text))]
    for stop, resume in bounds:
        start, end = last, stop
        last = resume
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if any(ch.isalpha() for ch in text[start:end]):
            out.append((start, end))
    return out


def _n_whole(text: str) -> int:
    return len(_whole_units(text[:MODEL_MAX_CHARS], _sentences(text[:MODEL_MAX_CHARS])))


def _whole_units(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(text) <= CHUNK_CHARS:
        return [(0, len(text))]
    chunks, first, last = [], None, None
    for s, e in sentences:
        if first is not None and e - first > CHUNK_CHARS:
            chunks.append((first, last))
            first = None
        if first is None:
            first = s
        last = min(e, first + 2 * CHUNK_CHARS)
    if first is not None:
        chunks.append((first, last))
    return chunks


def judged_units(text: str) -> list[tuple[int, int]]:
    """Spans the model reads: the note (or its chunks of sentences when longer than
    CHUNK_CHARS) then, when it has several sentences, each sentence. Only the first
    MODEL_MAX_CHARS characters are read (the vocabulary reads everything)."""
    text = text[:MODEL_MAX_CHARS]
    if not text.strip():
        return []
    sentences = _sentences(text)
    whole = _whole_units(text, sentences)
    if len(sentences) <= 1:
        return whole
    return whole + sentences


def clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of ``text`` (split on punctuation and conjunctions), stripped."""
    spans = []
    last = 0
    limit = min(len(text), MODEL_MAX_CHARS)
    for match in _CLAUSE_SPLIT_RE.finditer(text, 0, limit):
        spans.append((last, match.start()))
        last = match.end()
    spans.append((last, limit))
    out = []
    for start, end in spans:
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not text[end - 1].isalnum():
            end -= 1
        if end > start and any(ch.isalpha() for ch in text[start:end]):
            out.append((start, end))
    return out
