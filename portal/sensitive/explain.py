"""Why did the model flag this? The closest labelled training notes and the scores.

``explain(text, k=3)`` returns ``{"version", "scores": {category: score}, "thresholds",
"neighbours": [{"id", "text", "categories", "similarity"}]}``: the ``k`` labelled notes of
the shipped training data nearest to ``text`` in the model's TF-IDF space (cosine), for
the review screen to show next to a model-only flag.
"""
from __future__ import annotations

import numpy as np

from .memory import forgetting
from .model import Model
from .modelfile import TRAIN_FILE, read_jsonl
from .vocab import CATEGORIES


_INDEX: dict = {}


def _index(model: Model):
    """The training notes and their TF-IDF rows in ``model``'s space (cached per version)."""
    cached = _INDEX.get(model.version)
    if cached is None:
        examples = read_jsonl(TRAIN_FILE)
        cached = (examples, model.featurizer.matrix([e["text"] for e in examples]).tocsr())
        if len(_INDEX) >= 4:
            _INDEX.clear()
        _INDEX[model.version] = cached
    return cached


def explain(text: str, k: int = 3, model: Model | None = None) -> dict:
    """Scores, thresholds and the ``k`` nearest training notes of ``text`` (see above);
    nothing of ``text`` stays in memory afterwards (``memory.forgetting``)."""
    with forgetting():
        return _explain(text, k, model)


def _explain(text: str, k: int, model: Model | None) -> dict:
    from .active import active_model
    from .scanner import as_text

    text = as_text(text)
    model = model if model is not None else active_model()
    if model is None:
        return {"version": "vocabulary-only", "scores": {}, "thresholds": {}, "neighbours": []}
    judgement = model.judge(text, force_full=True)
    examples, matrix = _index(model)
    idx, values = model.featurizer.sparse(text[:20_000])
    neighbours = []
    if len(idx):
        vector = np.zeros(matrix.shape[1])
        vector[idx] = values
        sims = matrix @ vector
        for i in np.argsort(-sims, kind="stable")[:k]:
            e = examples[int(i)]
            neighbours.append({"id": e["id"], "text": e["text"], "categories": e["categories"],
                               "similarity": round(float(sims[i]), 3)})
    return {"version": model.version,
            "scores": {c: round(float(judgement.scores[j]), 4) for j, c in enumerate(CATEGORIES)},
            "thresholds": dict(model.thresholds if judgement.full else model.fast_thresholds),
            "neighbours": neighbours}
