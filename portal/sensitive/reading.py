"""What the model's fast heads read in a note, unit by unit, as far as they are asked.

The model's ``judge`` looks at the whole-note units first and reads the sentences only when it
must (a long note's sentences are most of the work): :class:`Units` holds a text's units
(``units.judged_units``) and reads them lazily. :func:`read_units` remembers the last short
texts of a call for the model that asked (``scan_many`` judges a note twice: a dry run,
then the verdict); like every memo of a note, it is forgotten after each public call
(``memory.py``). Plain numpy on the model's arrays; the model is passed in (:class:`FastHeads`).
"""
from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from .memory import TextMemo
from .units import judged_units, unit_kinds
from .vocab import CATEGORIES

class FastHeads(Protocol):
    """What :class:`Units` reads with: the model's featurizer and its fast heads' arrays."""

    featurizer: Any
    fast_coef: np.ndarray
    fast_bias: np.ndarray
    any_coef: np.ndarray
    any_bias: np.ndarray


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The heads' link function (logistic), clipped so that it never overflows."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


class Units:
    """A text's units (``units.judged_units``: the whole-note ones first, ``n_whole`` of them,
    then the sentences) and what the fast heads read in them, unit by unit as far as asked
    (:meth:`read`): n-gram vectors, the fast heads' scores, the gate's scores."""

    def __init__(self, text: str, spans: list) -> None:
        self.text = text
        self.spans = spans
        self.kinds = unit_kinds(text, spans)
        self.n_whole = self.kinds.count(0)  # unit_kinds: the whole-note units come first
        self.features: list = [None] * len(spans)
        self._scores = np.empty((len(spans), len(CATEGORIES) + 1))
        self._done = 0  # units read so far (rows written before it moves: a racing thread rewrites the same values)

    def read(self, model: FastHeads, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(fast heads' scores, gate scores) of the first ``n`` units, read-only: per unit,
        exactly the arithmetic of the model's ``fast_scores`` and ``any_score``
        (same products in the same order; the logits of the units read at once go through
        one sigmoid, which is elementwise)."""
        k = len(CATEGORIES)
        done = self._done
        if n > done:
            text, spans = self.text, self.spans
            new = [model.featurizer.sparse(text[s:e]) for s, e in spans[done:n]]
            z = np.empty((len(new), k + 1))
            fast_bias, any_bias = model.fast_bias, float(model.any_bias[0])
            for row, (idx, values) in zip(z, new):
                if len(idx):
                    row[:k] = values @ model.fast_coef.take(idx, axis=0) + fast_bias
                    row[k] = float(values @ model.any_coef[:, 0].take(idx)) + any_bias
                else:
                    row[:k] = fast_bias
                    row[k] = any_bias
            self._scores[done:n] = sigmoid(z)
            self.features[done:n] = new
            self._done = max(self._done, n)
        fast, gated = self._scores[:n, :k], self._scores[:n, k]
        fast.setflags(write=False)
        gated.setflags(write=False)
        return fast, gated


class _ModelMemo(TextMemo):
    """A model's memo of what its fast heads read in a text, valid for the model parts it was
    made for (a retuned or retrained model's arrays are other objects)."""

    def __init__(self, parts: tuple) -> None:
        super().__init__()
        self.parts = parts


def read_units(model: FastHeads, text: str) -> Units | None:
    """The units of ``text`` as ``model``'s fast heads read them (``None`` when it has none),
    remembered for the last short texts of a call."""
    memo = model.__dict__.get("_units_memo")
    parts = (model.featurizer, model.fast_coef, model.fast_bias, model.any_coef, model.any_bias)
    if memo is None or any(a is not b for a, b in zip(memo.parts, parts)):
        memo = model.__dict__["_units_memo"] = _ModelMemo(parts)
    return memo.get(text, _units)


def _units(text: str) -> Units | None:
    spans = judged_units(text)
    return Units(text, spans) if spans else None
