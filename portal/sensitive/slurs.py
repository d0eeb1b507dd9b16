"""Slurs: a word that insults a person or a group by itself (R23, eighteenth round of 2026-12-07).

The labelling guide gives a slur its aimed category whoever wrote it ("victim rule": « sale
bougnoule » tagged on a door by persons unknown is ``origin``) and ``subjective`` when a person is
its author: a neighbour or a staff member who said it, or the writer's own voice (CNIL, Paris
Habitat warning: derogatory wording about a tenant). The model found the aimed category of most
such notes but missed ``subjective`` (26 of N17's 33 missed ``subjective`` notes among the
independent authors quote a slur), so the list in ``vocab/slurs.txt`` says it outright: a slur
gives its aimed category, and ``subjective`` unless a cue of an unknown author (a tag, graffiti,
« inconnu », "persons unknown") stands in the note. Judged on N17's out-of-fold verdicts: see
docs/guard-rounds/2026-12-07-eighteenth-round-rules.md.

Matching is on the normalised words of ``normalize.tokens_of`` (case and accents ignored); the
last word of a listed phrase also matches with -s, -x, -e or -es. One pass over the words with a
table keyed by a phrase's first word, so a 1 MB note stays linear.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .normalize import Token, normalise_phrase

ENDINGS = ("", "s", "x", "e", "es")
UNKNOWN = "unknown"  # the "category" of a line naming a cue of an unknown author
NO_CATEGORY = "-"  # a slur of class or character alone: ``subjective`` only


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    category: str  # aimed category, NO_CATEGORY, or UNKNOWN for a cue
    source: str  # file:line, so a DPO can trace why a note was flagged


@dataclass(frozen=True)
class SlurList:
    """``vocab/slurs.txt`` compiled: phrases keyed by the forms their first word may take."""

    slurs: dict[str, tuple[Phrase, ...]]
    unknown_authors: dict[str, tuple[Phrase, ...]]

    def __bool__(self) -> bool:
        return bool(self.slurs)


def load_slurs(path: Path, categories: Sequence[str]) -> SlurList:
    """Read ``path`` (``CATEGORY | term`` lines); an unknown category is an error naming its line."""
    slurs: dict[str, list[Phrase]] = {}
    unknown: dict[str, list[Phrase]] = {}
    if not path.exists():
        return SlurList({}, {})
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        category, bar, term = (part.strip() for part in line.partition("|"))
        if not bar or (category not in categories and category not in (NO_CATEGORY, UNKNOWN)):
            raise ValueError(f"{path.name}:{number}: expected 'CATEGORY | term', got {raw!r}")
        words = tuple(normalise_phrase(term))
        if not words:
            continue
        phrase = Phrase(words, category, f"{path.name}:{number}")
        table = unknown if category == UNKNOWN else slurs
        firsts = [words[0] + ending for ending in ENDINGS] if len(words) == 1 else [words[0]]
        for first in firsts:
            table.setdefault(first, []).append(phrase)
    return SlurList({k: tuple(v) for k, v in slurs.items()}, {k: tuple(v) for k, v in unknown.items()})


def _matches(tokens: Sequence[Token], table: dict[str, tuple[Phrase, ...]]):
    """(phrase, first token, last token) of every listed phrase found in ``tokens``."""
    for i, token in enumerate(tokens):
        for phrase in table.get(token.key, ()):
            n = len(phrase.words)
            if n == 1:
                yield phrase, i, i
                continue
            if i + n > len(tokens):
                continue
            if all(tokens[i + j].key == phrase.words[j] for j in range(1, n - 1)) and \
                    any(tokens[i + n - 1].key == phrase.words[-1] + ending for ending in ENDINGS):
                yield phrase, i, i + n - 1


def slur_spans(tokens: Sequence[Token], slurs: SlurList) -> list[tuple[str, int, int]]:
    """``(category, start, end)`` of what the slurs of a note give: the aimed category of each
    slur, and ``subjective`` on it unless a cue of an unknown author stands in the note."""
    if not slurs or not tokens:
        return []
    found = [(phrase.category, tokens[first].start, tokens[last].end)
             for phrase, first, last in _matches(tokens, slurs.slurs)]
    if not found:
        return []
    by_unknown = next(_matches(tokens, slurs.unknown_authors), None) is not None
    out = []
    for category, start, end in found:
        if category != NO_CATEGORY:
            out.append((category, start, end))
        if not by_unknown:
            out.append(("subjective", start, end))
    return out
