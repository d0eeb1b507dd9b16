"""``scan_many``: the verdicts of ``scan``, for a batch of notes, with the sentence
encoder run in batches.

The encoder is most of the cost of a note that reaches the full head, and it is several
times cheaper per text in batches (it streams its weights once per micro-batch). So,
for each slice of notes: (1) the vocabulary findings; (2) a dry run of the hybrid rule
with :meth:`ENCODER.collecting` records which texts the model would embed (whatever
the model's gate, vetoes and thresholds are: the rule itself is asked, not copied);
(3) those texts are embedded at once into the encoder's cache; (4) the hybrid rule runs
for real, exactly as ``scan`` does, reading the cache. A text the dry run did not
foresee is simply embedded on its own in (4): never a different verdict, at worst a
slower one.
"""
from __future__ import annotations

from typing import Iterable

from .encoder import ENCODER
from .scanner import Finding, Scanner, _as_text, _hybrid

# notes per slice: enough texts for the encoder's batches, few enough to keep the
# vocabulary findings of a slice in memory whatever the length of the input
SLICE = 256


def scan_many(scanner: Scanner, texts: Iterable[object]) -> list[list[Finding]]:
    """``[scanner.scan(t) for t in texts]``, in order, with batched sentence embeddings."""
    out: list[list[Finding]] = []
    pending: list[str] = []
    for text in texts:
        pending.append(_as_text(text))
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
        return vocab
    results: list[list[Finding] | None] = []
    wanted: list[str] = []
    for text, found in zip(texts, vocab):
        with ENCODER.collecting() as asked:
            dry = _hybrid(text, found, model)
        # a note the encoder is not asked about (cleared by the gate, or decided by the
        # fast heads) has its final verdict already: the placeholder was never used
        results.append(None if asked else dry)
        wanted.extend(asked)
    ENCODER.embed_many(wanted)
    return [done if done is not None else _hybrid(text, found, model)
            for done, text, found in zip(results, texts, vocab)]
