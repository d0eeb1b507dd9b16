"""What a note's vocabulary matches become: :class:`Finding` (the guard's public result, one
flagged span) from the :class:`Hit` list of ``scanner.Scanner._hits``, once the vocabulary's
rules are applied: a gated term needs a cue near it, an exclusion phrase covering a term drops it,
a negated term of a negatable category is not a finding ("pas de casier judiciaire"), and a span
inside a longer one of the same category is dropped (one highlight per idea).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .negation import NEGATABLE, negated
from .normalize import Token
from .vocab import Rule


@dataclass(frozen=True)
class Finding:
    """One flagged span: ``text[start:end] == term``."""

    category: str
    start: int
    end: int
    term: str
    # Where the flag comes from: "vocabulary" (a listed term) or "model" (the learned
    # model judged the note; the span is its highest-scoring clause). ``score`` is the
    # model's score for the category (None without a model). Not part of equality.
    source: str = field(default="vocabulary", compare=False)
    score: float | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Hit:
    rule: Rule
    first: int  # index of the first token
    last: int  # index of the last token (inclusive)


def _cue_near(hit: Hit, cues_by_last: dict[int, list[Hit]], cues_by_first: dict[int, list[Hit]]) -> bool:
    """True when a cue of the gated term ends within the window before it or starts within the window after it."""
    rule = hit.rule
    for position in range(max(0, hit.first - rule.before), hit.first):
        if any(cue.rule.source in rule.cues for cue in cues_by_last.get(position, ())):
            return True
    for position in range(hit.last + 1, hit.last + rule.after + 1):
        if any(cue.rule.source in rule.cues for cue in cues_by_first.get(position, ())):
            return True
    return False


def _excluded(hit: Hit, covering: dict[int, list[Hit]]) -> bool:
    return any(ex.first <= hit.first and hit.last <= ex.last and ex.rule.category in ("*", hit.rule.category)
               for ex in covering.get(hit.first, ()))


def _outermost(spans: set[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop spans lying inside a longer span of the same category ("cancer" in
    "cancer du poumon"): one highlight per idea. Sorted sweep, so linear-ish."""
    kept: list[tuple[int, int, str]] = []
    reach: dict[str, int] = {}
    for first, last, category in sorted(spans, key=lambda s: (s[0], -s[1])):
        if reach.get(category, -1) >= last:
            continue
        reach[category] = last
        kept.append((first, last, category))
    return kept


def findings_of(text: str, tokens: list[Token], hits: list[Hit]) -> list[Finding]:
    # Index cues and exclusions by word position so each check looks at a few
    # neighbours only: a 1 MB text with thousands of hits stays linear.
    cues_by_last: dict[int, list[Hit]] = {}
    cues_by_first: dict[int, list[Hit]] = {}
    covering: dict[int, list[Hit]] = {}
    for hit in hits:
        if hit.rule.kind == "cue":
            cues_by_last.setdefault(hit.last, []).append(hit)
            cues_by_first.setdefault(hit.first, []).append(hit)
        elif hit.rule.kind == "exclude":
            for position in range(hit.first, hit.last + 1):
                covering.setdefault(position, []).append(hit)
    spans: set[tuple[int, int, str]] = set()
    for hit in hits:
        kind = hit.rule.kind
        if kind not in ("term", "gated"):
            continue
        if kind == "gated" and not _cue_near(hit, cues_by_last, cues_by_first):
            continue
        if covering and _excluded(hit, covering):
            continue
        if hit.rule.category in NEGATABLE and negated(text, tokens, hit.first):
            continue  # "not disabled", "pas de casier judiciaire" (negation.py)
        spans.add((hit.first, hit.last, hit.rule.category))
    findings = [Finding(category, tokens[a].start, tokens[b].end, text[tokens[a].start:tokens[b].end])
                for a, b, category in _outermost(spans)]
    findings.sort(key=lambda f: (f.start, f.end, f.category))
    return findings
