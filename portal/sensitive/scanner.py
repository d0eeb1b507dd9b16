"""``scan(text)``: find special-category, offence, precarity and subjective wording.

One pass per note: tokenise (offsets kept), optionally correct long misspelt words,
run one Aho-Corasick automaton over the normalised word sequence (every term, phrase,
context cue and exclusion at once, in time linear in the text), then apply the
context and exclusion rules on the word indices. No regular expression with
backtracking runs on user text, so a 1 MB note costs about as much as 1 MB of notes.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Iterable

import numpy as np

from .couples import other_sex_only, same_sex_partners, without_other_sex_partners
from .encoder import ENCODER
from .fuzzy import Corrector
from .names import surname
from .findings import Finding, Hit, findings_of
from .negation import NEGATABLE, negated
from .normalize import Token, tokens_of
from .slurs import slur_spans
from .vocab import CATEGORIES, Vocabulary, load

if TYPE_CHECKING:
    from .model import Model


class Scanner:
    """The guard: a compiled vocabulary plus, optionally, a learned model.

    ``Scanner()`` / ``Scanner(vocab)`` / ``Scanner(model=None)`` is the vocabulary-only
    scanner; ``Scanner(model=m)`` is the hybrid one (see :meth:`scan`). Build once, reuse
    (thread-safe reads)."""

    def __init__(self, vocab: Vocabulary | None = None, model: "Model | None" = None) -> None:
        self.vocab = vocab if vocab is not None else _packaged_vocabulary()
        self.corrector = Corrector(self.vocab)
        self.model = model

    def scan(self, text: str) -> list[Finding]:
        """Return the findings of ``text``, sorted by start, without duplicates.

        Hybrid rule (with a model): a note is flagged for a category when the vocabulary
        or the model says so. A vocabulary finding is kept unless its term is one the
        training data shows to be ambiguous for its category and the model's score is
        below the category's veto (the model is sure the note is not about that: "le
        digicode est devenu fou", "le chat est aveugle"). A category the
        model flags without a vocabulary finding gives one finding spanning the clause
        that scores highest for it, ``source="model"``."""
        text = as_text(text)
        vocab_findings = self.vocabulary_findings(text)
        if self.model is None:
            return self.with_slurs(text, vocab_findings)
        return self.with_slurs(text, _hybrid(text, vocab_findings, self.model))

    def scan_many(self, texts) -> list[list[Finding]]:
        """``[self.scan(t) for t in texts]`` (same results, in order), with the sentence
        encoder run in batches (see "Batches" at the end of this module)."""
        return _scan_batched(self, texts)

    def with_slurs(self, text: str, findings: list[Finding]) -> list[Finding]:
        """``findings`` plus what the slurs of ``text`` give (``slurs.py``, R23): the aimed
        category and ``subjective`` on each slur, unless the same finding is there already."""
        spans = slur_spans(tokens_of(text), self.vocab.slurs)
        if not spans:
            return findings
        have = {(f.category, f.start, f.end) for f in findings}
        extra = [Finding(category, start, end, text[start:end]) for category, start, end in dict.fromkeys(spans)
                 if (category, start, end) not in have]
        return sorted(findings + extra, key=lambda f: (f.start, f.end, f.category))

    def vocabulary_findings(self, text: str) -> list[Finding]:
        text = as_text(text)
        tokens = tokens_of(text)
        if not tokens:
            return []
        found = findings_of(text, tokens, self._hits(text, tokens))
        # a same-sex partner named by grammar ("her wife", "M. Vial… son mari"): couples.py
        taken = {(f.start, f.end) for f in found if f.category == "sex_life"}
        for first, last in same_sex_partners(text, tokens):
            span = (tokens[first].start, tokens[last].end)
            if span not in taken and not negated(text, tokens, first):
                found.append(Finding("sex_life", *span, text[span[0]:span[1]]))
        return sorted(found, key=lambda f: (f.start, f.end, f.category))

    def excludes(self, text: str, category: str) -> bool:
        """True when ``text`` holds one of the vocabulary's exclusions for ``category``
        (or for all categories): "paie religieusement", "cœur de l'immeuble"."""
        text = as_text(text)
        tokens = tokens_of(text)
        return any(hit.rule.kind == "exclude" and hit.rule.category in ("*", category)
                   for hit in self._hits(text, tokens)) if tokens else False

    def denies(self, text: str, category: str) -> bool:
        """True when ``text`` names ``category`` only through negated terms ("Il n'est pas
        handicapé.", "N'a pas de casier judiciaire."; see ``negation.py``)."""
        text = as_text(text)
        tokens = tokens_of(text)
        if category not in NEGATABLE or not tokens:
            return False
        firsts = [hit.first for hit in self._hits(text, tokens)
                  if hit.rule.kind in ("term", "gated") and hit.rule.category == category]
        return bool(firsts) and all(negated(text, tokens, first) for first in firsts)

    def _hits(self, text: str, tokens: list[Token]) -> list[Hit]:
        vocab = self.vocab
        keys = self.corrector.correct_tokens(text, tokens)
        # Canonical form: " w1 w2 ... wn " so patterns padded with spaces match whole words.
        starts: list[int] = []
        position = 1
        for key in keys:
            starts.append(position)
            position += len(key) + 1
        canonical = " " + " ".join(keys) + " "
        hits: list[Hit] = []
        for end, (length, rules) in vocab.automaton.iter(canonical):
            begin = end - length + 1  # the leading space
            first = bisect_left(starts, begin + 1)
            # A whole-word pattern ends on the trailing space; a prefix ends inside a word.
            last = bisect_right(starts, end) - 1 if rules[0].prefix else bisect_right(starts, end - 1) - 1
            for rule in rules:
                hits.append(Hit(rule, first, last))
        exact_case, single_words, lemma_of = vocab.exact_case, vocab.single_words, self.corrector.lemma
        for index, token in enumerate(tokens):
            original = text[token.start:token.end]
            rules = exact_case.get(original)
            if rules and not reference_code(text, token):
                for rule in rules:
                    hits.append(Hit(rule, index, index))
            key = keys[index]
            if key not in single_words:
                lemma = lemma_of(key, original)
                for rule in single_words.get(lemma, ()) if lemma else ():
                    hits.append(Hit(rule, index, index))
        return [hit for hit in hits if hit.rule.kind not in ("term", "gated") or hit.first != hit.last
                or not surname(text, tokens, hit.first)]


def reference_code(text: str, token: Token) -> bool:
    """True when the token is glued to a number by a hyphen, a slash or an underscore:
    a file or form reference ("SEP-2291", "TS/04"), not the abbreviation ``=SEP``
    (sclérose en plaques) or ``=TS`` (tentative de suicide) of the vocabulary."""
    after = text[token.end:token.end + 2]
    before = text[max(0, token.start - 2):token.start]
    return (len(after) == 2 and after[0] in "-/_" and after[1].isdigit()) or \
        (len(before) == 2 and before[1] in "-/_" and before[0].isdigit())


def as_text(text: object) -> str:
    """Accept what callers may hand us (None, bytes) without crashing."""
    if text is None:
        return ""
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text).decode("utf-8", errors="replace")
    return text if isinstance(text, str) else str(text)


# R17 (thirteenth round of 2026-12-07): a same-sex partner phrase found by the couples grammar ("Mme Roche
# vit avec sa compagne", "Nadia … sa femme") is the grammar's reading of two persons of one sex, not the
# plain phrase "sa compagne", which is ambiguous (a man's partner). So it is neither vetoed by the model
# nor dropped by the thing check ("l'entreprise signale que Mme Roche vit avec sa compagne"). Judged on
# N13's out-of-fold notes: docs/guard-rounds/2026-12-07-thirteenth-round-rules.md.
GRAMMAR_COUPLES_STRONG = True


def _grammar_couples(text: str, findings: list[Finding]) -> set[tuple[int, int]]:
    """Spans of the ``sex_life`` findings that are same-sex partner phrases of the grammar (R17)."""
    spans = {(f.start, f.end) for f in findings if f.category == "sex_life"}
    if not GRAMMAR_COUPLES_STRONG or not spans:
        return set()
    tokens = tokens_of(text)
    return spans & {(tokens[first].start, tokens[last].end) for first, last in same_sex_partners(text, tokens)}


def _hybrid(text: str, vocab_findings: list[Finding], model: "Model",
            asked: list[str] | None = None) -> list[Finding] | None:
    """The verdict of the hybrid rule (see :meth:`Scanner.scan`). ``asked``: a dry run of
    ``scan_many`` inside ``ENCODER.collecting()`` (its list): once the model's judgement has
    asked the sentence encoder for a text, this verdict is to be thrown away, so the rest is
    not worked out (``None``)."""
    from .model import clauses, decide, term_key, vocab_hit_sets
    from .subjects import about_a_thing

    strong, weak = vocab_hit_sets(model, vocab_findings)
    couples = _grammar_couples(text, vocab_findings)
    if couples:  # R17: the grammar's own same-sex finding is not an ambiguous term
        strong.add("sex_life")
        weak.discard("sex_life")
    judgement = model.judge(text, force_full=bool(vocab_findings), doubtful_hit=bool(weak))
    if asked:
        return None
    kept, by_model = decide(model, judgement, strong, weak)
    scores = judgement.scores
    index = {c: k for k, c in enumerate(CATEGORIES)}
    ambiguous = model.ambiguous_sets
    out = []
    spans: list | None = None
    starts: list[int] = []
    for f in vocab_findings:
        score = float(scores[index[f.category]])
        # an ambiguous term next to an unambiguous one of its category is still judged
        # on its own: only the words that carry the category are highlighted
        if f.category not in kept:
            continue
        if term_key(f.term) in ambiguous.get(f.category, ()) and (f.start, f.end) not in couples:
            if model.vetoes(judgement, f.category):
                continue
            if spans is None:  # once per note: a 1 MB note has tens of thousands of clauses
                spans = clauses(text)
                starts = [start for start, _ in spans]
            if about_a_thing(_clause_at(text, spans, starts, f.start)):
                continue  # "Toiture en fin de vie": the clause is about the roof (OOF: P +0.005)
        out.append(Finding(f.category, f.start, f.end, f.term, "vocabulary", round(score, 4)))
    clause_rows: dict[tuple[int, int], np.ndarray] = {}  # per clause, all categories at once
    for k, category in enumerate(CATEGORIES):
        if category not in by_model:
            continue
        # the unit that scored highest for the category, then its best clause
        best_unit = int(judgement.unit_scores[:, k].argmax())
        u_start, u_end = judgement.spans[best_unit]
        candidates = [(u_start + s, u_start + e) for s, e in clauses(text[u_start:u_end])] or [(u_start, u_end)]
        if len(candidates) == 1:
            start, end = candidates[0]
        else:
            for span in candidates:
                if span not in clause_rows:
                    clause_rows[span] = model.clause_scores(text[span[0]:span[1]], judgement.full)
            clause_scores = [clause_rows[span][k] for span in candidates]
            start, end = candidates[max(range(len(candidates)), key=lambda i: (clause_scores[i], -i))]
        clause = text[start:end]
        vocabulary = default_vocabulary_scanner()
        if category == "sex_life" and _carried_by_a_couple(text, model, k):
            continue
        if about_a_thing(clause) or vocabulary.excludes(clause, category) or vocabulary.denies(clause, category):
            # the clause that carries the flag is about the building, an animal, an
            # organisation: not a person (GUIDE "Not sensitive"; OOF: P +0.008, R -0.001);
            # or it holds a phrase the vocabulary excludes for the category ("paie
            # religieusement son loyer"); or it names the category only to deny it
            # ("Il n'est pas handicapé.", negation.py)
            continue
        out.append(Finding(category, start, end, clause, "model", round(float(scores[k]), 4)))
    out.sort(key=lambda f: (f.start, f.end, f.category))
    return out


def _carried_by_a_couple(text: str, model: "Model", k: int) -> bool:
    """A model-only ``sex_life`` flag in a note that names partners of the other sex only ("M. Da
    Silva et sa compagne") and which the model no longer gives once those partners are taken out
    of the note: the couple carried it, and a spouse or partner of the other sex is not sensitive
    (both guides, ``sex_life``; ``couples.without_other_sex_partners``). An affair ("trompe sa
    femme avec la voisine") keeps its flag. Until the eighth round (R8) the couple had to stand in
    the flagged clause; "Paul and his wife Andrea … driving in together" showed the clause the
    model picks need not be the couple's (out of fold: 14 false flags fewer, no true one lost)."""
    tokens = tokens_of(text)
    if not other_sex_only(text, tokens, 0, len(text)):
        return False
    judgement = model.judge(without_other_sex_partners(text, tokens), force_full=True)
    return bool(judgement.scores[k] < model.thresholds_for(judgement.full)[k])


def _clause_at(text: str, spans: list, starts: list[int], position: int) -> str:
    """The clause of ``text`` (``spans`` from ``units.clauses``, ``starts`` their starts)
    holding ``position``."""
    i = bisect_right(starts, position) - 1
    if i >= 0 and spans[i][0] <= position < spans[i][1]:
        return text[spans[i][0]:spans[i][1]]
    return ""


_VOCAB: Vocabulary | None = None
_VOCAB_SCANNER: Scanner | None = None


def _packaged_vocabulary() -> Vocabulary:
    """The vocabulary shipped with the package (read once, shared by every scanner)."""
    global _VOCAB
    if _VOCAB is None:
        _VOCAB = load()
    return _VOCAB


def default_vocabulary_scanner() -> Scanner:
    """The vocabulary-only scanner (built on first use)."""
    global _VOCAB_SCANNER
    if _VOCAB_SCANNER is None:
        _VOCAB_SCANNER = Scanner(_packaged_vocabulary())
    return _VOCAB_SCANNER

# --------------------------------------------------------------------------- batches
# ``scan_many``: the verdicts of ``scan``, for a batch of notes, with the sentence
# encoder run in batches.
# 
# The encoder is most of the cost of a note that reaches the full head, and it is several
# times cheaper per text in batches (it streams its weights once per micro-batch). So,
# for each slice of notes: (1) the vocabulary findings; (2) a dry run of the hybrid rule
# with :meth:`ENCODER.collecting` records which texts the model would embed (whatever
# the model's gate, vetoes and thresholds are: the rule itself is asked, not copied);
# (3) those texts are embedded at once into the encoder's cache; (4) the hybrid rule runs
# for real, exactly as ``scan`` does, reading the cache. A text the dry run did not
# foresee is simply embedded on its own in (4): never a different verdict, at worst a
# slower one.

# notes per slice: enough texts for the encoder's batches, few enough to keep the
# vocabulary findings of a slice in memory whatever the length of the input
SLICE = 256


def _scan_batched(scanner: Scanner, texts: Iterable[object]) -> list[list[Finding]]:
    """``[scanner.scan(t) for t in texts]``, in order, with batched sentence embeddings."""
    out: list[list[Finding]] = []
    pending: list[str] = []
    for text in texts:
        pending.append(as_text(text))
        if len(pending) >= SLICE:
            out.extend(_scan_slice(scanner, pending))
            pending = []
    if pending:
        out.extend(_scan_slice(scanner, pending))
    return out


def _scan_slice(scanner: Scanner, texts: list[str]) -> list[list[Finding]]:
    vocab = [scanner.vocabulary_findings(t) for t in texts]
    model = scanner.model
    if model is None:
        return [scanner.with_slurs(text, found) for text, found in zip(texts, vocab)]
    results: list[list[Finding] | None] = []
    wanted: list[str] = []
    for text, found in zip(texts, vocab):
        with ENCODER.collecting() as asked:
            dry = _hybrid(text, found, model, asked)
        # a note the encoder is not asked about (cleared by the gate, or decided by the
        # fast heads) has its final verdict already: the placeholder was never used
        results.append(None if asked else dry)
        wanted.extend(asked)
    ENCODER.embed_many(wanted)
    return [scanner.with_slurs(text, done if done is not None else _hybrid(text, found, model))
            for done, text, found in zip(results, texts, vocab)]
