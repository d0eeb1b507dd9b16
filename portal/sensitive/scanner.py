"""``scan(text)``: find special-category, offence, precarity and subjective wording.

One pass per note: tokenise (offsets kept), optionally correct long misspelt words,
run one Aho-Corasick automaton over the normalised word sequence (every term, phrase,
context cue and exclusion at once, in time linear in the text), then apply the
context and exclusion rules on the word indices. No regular expression with
backtracking runs on user text, so a 1 MB note costs about as much as 1 MB of notes.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from .fuzzy import Corrector
from .normalize import Token, tokenize
from .vocab import Rule, Vocabulary, load


@dataclass(frozen=True)
class Finding:
    """One flagged span: ``text[start:end] == term``."""

    category: str
    start: int
    end: int
    term: str


@dataclass(frozen=True)
class _Hit:
    rule: Rule
    first: int  # index of the first token
    last: int  # index of the last token (inclusive)


class Scanner:
    """A compiled vocabulary ready to scan texts; build once, reuse (thread-safe reads)."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.corrector = Corrector(vocab)

    def scan(self, text: str) -> list[Finding]:
        """Return the findings of ``text``, sorted by start, without duplicates."""
        text = _as_text(text)
        tokens = list(tokenize(text))
        if not tokens:
            return []
        hits = self._hits(text, tokens)
        return _findings(text, tokens, hits)

    def _hits(self, text: str, tokens: list[Token]) -> list[_Hit]:
        vocab = self.vocab
        keys = [self.corrector.correct(tok.key, text[tok.start:tok.end]) for tok in tokens]
        # Canonical form: " w1 w2 ... wn " so patterns padded with spaces match whole words.
        starts: list[int] = []
        position = 1
        for key in keys:
            starts.append(position)
            position += len(key) + 1
        canonical = " " + " ".join(keys) + " "
        hits: list[_Hit] = []
        for end, (length, rules) in vocab.automaton.iter(canonical):
            begin = end - length + 1  # the leading space
            first = bisect_left(starts, begin + 1)
            # A whole-word pattern ends on the trailing space; a prefix ends inside a word.
            last = bisect_right(starts, end) - 1 if rules[0].prefix else bisect_right(starts, end - 1) - 1
            for rule in rules:
                hits.append(_Hit(rule, first, last))
        for index, token in enumerate(tokens):
            original = text[token.start:token.end]
            for rule in vocab.exact_case.get(original, ()):
                hits.append(_Hit(rule, index, index))
            if keys[index] not in vocab.single_words:
                lemma = self.corrector.lemma(keys[index], original)
                for rule in vocab.single_words.get(lemma, ()) if lemma else ():
                    hits.append(_Hit(rule, index, index))
        return hits


def _as_text(text: object) -> str:
    """Accept what callers may hand us (None, bytes) without crashing."""
    if text is None:
        return ""
    if isinstance(text, bytes):
        return text.decode("utf-8", errors="replace")
    return text if isinstance(text, str) else str(text)


def _cue_near(hit: _Hit, cues_by_last: dict[int, list[_Hit]], cues_by_first: dict[int, list[_Hit]]) -> bool:
    """True when a cue of the gated term ends within the window before it or starts within the window after it."""
    rule = hit.rule
    for position in range(max(0, hit.first - rule.before), hit.first):
        if any(cue.rule.source in rule.cues for cue in cues_by_last.get(position, ())):
            return True
    for position in range(hit.last + 1, hit.last + rule.after + 1):
        if any(cue.rule.source in rule.cues for cue in cues_by_first.get(position, ())):
            return True
    return False


def _excluded(hit: _Hit, covering: dict[int, list[_Hit]]) -> bool:
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


def _findings(text: str, tokens: list[Token], hits: list[_Hit]) -> list[Finding]:
    # Index cues and exclusions by word position so each check looks at a few
    # neighbours only: a 1 MB text with thousands of hits stays linear.
    cues_by_last: dict[int, list[_Hit]] = {}
    cues_by_first: dict[int, list[_Hit]] = {}
    covering: dict[int, list[_Hit]] = {}
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
        spans.add((hit.first, hit.last, hit.rule.category))
    findings = [Finding(category, tokens[a].start, tokens[b].end, text[tokens[a].start:tokens[b].end])
                for a, b, category in _outermost(spans)]
    findings.sort(key=lambda f: (f.start, f.end, f.category))
    return findings


_DEFAULT: Scanner | None = None


def default_scanner() -> Scanner:
    """The scanner built from the packaged vocabulary (built on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Scanner(load())
    return _DEFAULT


def scan(text: str) -> list[Finding]:
    """Scan ``text`` with the packaged vocabulary; see :class:`Finding`."""
    return default_scanner().scan(text)
