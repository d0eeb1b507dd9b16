"""Loading the DPO-editable vocabulary files into one compiled matcher.

Files live in ``vocab/`` (format documented in each file's header and in README.md):

* ``<category>.txt``  one term or phrase a line; ``word*`` prefix on the last word,
  ``=ABBR`` case-sensitive whole word, ``!term`` no generated inflections.
* ``contexts.txt``    ``category | term | cue, cue | window``: the term counts only
  when a cue is within ``window`` words (``-N`` before only, ``+N`` after only).
* ``exclusions.txt``  ``category | phrase`` (``*`` = every category): findings inside
  a matched exclusion phrase are dropped ("cœur de l'immeuble", "détecteur de fumée").
* ``inflections.txt`` ``suffix -> ending ending``: plural/feminine forms generated for
  every word of a term, so the files list each word once.
* ``no_fuzzy.txt``    correctly spelt words that must never be "corrected" into a term.
* ``slurs.txt``       ``category | slur``: a slur gives its aimed category, and ``subjective``
  unless a cue of an unknown author stands in the note (``slurs.py``, R23).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick

from .normalize import normalise_phrase
from .slurs import SlurList, load_slurs

CATEGORIES: tuple[str, ...] = (
    "health",
    "offence",
    "origin",
    "religion",
    "politics_union",
    "sex_life",
    "social_precarity",
    "subjective",
)
VOCAB_DIR = Path(__file__).with_name("vocab")
# Only words this long get inflected: short words ("de", "en", "rom") have few forms
# and generating "des"/"ens" would add noise.
_MIN_INFLECT = 3
# A phrase whose words each have several forms could explode combinatorially.
_MAX_VARIANTS = 64


@dataclass(frozen=True)
class Rule:
    """What a pattern means once it matches: a term, a gated term, a cue or an exclusion."""

    kind: str  # "term" | "gated" | "cue" | "exclude"
    category: str  # a category, "*" for every category (exclusions), "" for cues
    prefix: bool = False
    cues: frozenset[str] = frozenset()  # gated terms: cue phrases (normalised)
    before: int = 0  # gated terms: how many words before the term a cue may start
    after: int = 0  # gated terms: how many words after the term a cue may end
    source: str = ""  # file:line, so a DPO can trace why a note was flagged


@dataclass
class Vocabulary:
    """The compiled vocabulary: an Aho-Corasick automaton plus lookup tables."""

    automaton: ahocorasick.Automaton
    exact_case: dict[str, list[Rule]]  # case-sensitive abbreviations, by original token
    single_words: dict[str, list[Rule]]  # one-word terms (for the lemma fallback)
    fuzzy_choices: list[str]  # long vocabulary words a misspelling may be corrected to
    no_fuzzy: frozenset[str] = field(default_factory=frozenset)
    slurs: SlurList = field(default_factory=lambda: SlurList({}, {}))  # vocab/slurs.txt (slurs.py)


def _lines(path: Path):
    """Yield (line number, content) for non-blank, non-comment lines."""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if line:
            yield number, line


def load_inflections(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """Parse ``suffix -> ending ending`` rules; ``*`` matches every word."""
    rules = []
    for _, line in _lines(path):
        suffix, _, endings = line.partition("->")
        rules.append((suffix.strip(), tuple(normalise_phrase(endings.replace("-", " ")))))
    return rules


def word_forms(word: str, rules: list[tuple[str, tuple[str, ...]]]) -> set[str]:
    """The word and the inflected forms the rules generate for it."""
    forms = {word}
    if len(word) < _MIN_INFLECT or not word.isalpha():
        return forms
    for suffix, endings in rules:
        if suffix == "*":
            forms.update(word + e for e in endings)
        elif word.endswith(suffix):
            stem = word[: -len(suffix)]
            forms.update(stem + e for e in endings)
    return forms


def expand(phrase: str, inflect: bool, rules) -> tuple[list[str], bool]:
    """Normalised variants of a phrase (space-joined keys) and whether it is a prefix."""
    prefix = phrase.endswith("*")
    words = normalise_phrase(phrase.rstrip("*"))
    if not words:
        return [], prefix
    if not inflect:
        return [" ".join(words)], prefix
    # The prefix word is a stem: inflecting it would only add longer stems.
    options = [sorted(word_forms(w, rules)) if not (prefix and i == len(words) - 1) else [w]
               for i, w in enumerate(words)]
    variants = [" ".join(combo) for combo in itertools.islice(itertools.product(*options), _MAX_VARIANTS)]
    return variants, prefix


def _parse_cues(text: str) -> frozenset[str]:
    return frozenset(" ".join(normalise_phrase(c.rstrip("*"))) + ("*" if c.strip().endswith("*") else "")
                     for c in text.split(",") if c.strip())


def _parse_window(text: str) -> tuple[int, int]:
    text = text.strip()
    n = int(text.lstrip("+-"))
    if text.startswith("-"):
        return n, 0
    if text.startswith("+"):
        return 0, n
    return n, n


@lru_cache(maxsize=4)
def load(vocab_dir: Path = VOCAB_DIR) -> Vocabulary:
    """Read every vocabulary file of ``vocab_dir`` and compile them (cached)."""
    rules = load_inflections(vocab_dir / "inflections.txt")
    automaton = ahocorasick.Automaton()
    patterns: dict[str, list[Rule]] = {}
    exact_case: dict[str, list[Rule]] = {}
    single: dict[str, list[Rule]] = {}
    fuzzy: set[str] = set()

    def add(phrase: str, rule: Rule, inflect: bool = True) -> None:
        variants, prefix = expand(phrase, inflect, rules)
        rule = Rule(rule.kind, rule.category, prefix, rule.cues, rule.before, rule.after, rule.source)
        for variant in variants:
            # Spaces on both sides force whole-word matching; a prefix leaves the end open.
            key = " " + variant + ("" if prefix else " ")
            patterns.setdefault(key, []).append(rule)
            if rule.kind in ("term", "gated") and not prefix and " " not in variant:
                single.setdefault(variant, []).append(rule)
            if rule.kind in ("term", "gated"):
                fuzzy.update(w for w in variant.split() if len(w) >= 7)

    for category in CATEGORIES:
        path = vocab_dir / f"{category}.txt"
        for number, line in _lines(path):
            source = f"{path.name}:{number}"
            if line.startswith("="):
                exact_case.setdefault(line[1:].strip(), []).append(Rule("term", category, source=source))
            elif line.startswith("!"):
                add(line[1:].strip(), Rule("term", category, source=source), inflect=False)
            else:
                add(line, Rule("term", category, source=source))

    path = vocab_dir / "contexts.txt"
    for number, line in _lines(path):
        category, term, cues, window = (part.strip() for part in line.split("|"))
        before, after = _parse_window(window)
        cue_set = _parse_cues(cues)
        add(term, Rule("gated", category, cues=cue_set, before=before, after=after, source=f"{path.name}:{number}"))
        for cue in cue_set:
            add(cue, Rule("cue", "", source=cue), inflect=False)

    path = vocab_dir / "exclusions.txt"
    for number, line in _lines(path):
        category, _, phrase = (part.strip() for part in line.partition("|"))
        add(phrase, Rule("exclude", category, source=f"{path.name}:{number}"), inflect=False)

    for key, value in patterns.items():
        automaton.add_word(key, (len(key), tuple(value)))
    automaton.make_automaton()
    no_fuzzy = frozenset(w for _, line in _lines(vocab_dir / "no_fuzzy.txt") for w in normalise_phrase(line))
    return Vocabulary(automaton, exact_case, single, sorted(fuzzy), no_fuzzy,
                      load_slurs(vocab_dir / "slurs.txt", CATEGORIES))
