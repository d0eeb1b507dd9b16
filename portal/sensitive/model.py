"""The guard's learned model: judges a whole note, per category, alongside the vocabulary.

Library code only (no Flask, no database). This module is the model in memory and how it
judges a note; ``training.py`` trains, tunes and evaluates one; ``modelfile.py`` writes and reads
its file (``save``/``load``, a version string inside) and knows where the shipped one lives.

Two linear heads over the same note:
* the **fast head**: logistic regression over our TF-IDF features (word 1-2 grams and
  character 2-5 grams, see ``features.py``); microseconds per note; plus a fast binary
  head ("sensitive at all") that serves as the *gate*;
* the **full head**: logistic regression over the TF-IDF features concatenated with the
  512-d multilingual Universal Sentence Encoder v3 embedding (``encoder.py``), per
  category plus one binary column "sensitive at all".
A note whose fast-head scores are all below the *gate* and with no vocabulary hit is
cleared at once; otherwise the full head decides. A note is scored as a whole and per
sentence (``units.py``, read lazily by ``reading.py``; its score for a category is the
highest of them), so a sentence buried in a long operational note still counts. All numbers are float32 in the file and
computed the same way at training and at run time, one sentence at a time, so ``scan``
and ``scan_many`` give identical results.

How the vocabulary and the model combine is one function, :func:`decide` (used by the
scanner and by the tuning alike): unambiguous terms stand; ambiguous terms (seen on
training notes not labelled with their category) are vetoed when the model is sure; a
category no term names is flagged by the model when its score reaches its threshold and
the note as a whole is judged sensitive by the full binary head (precision: one
category's head alone, e.g. "offence" for "a witness to a car crash", is not enough).
Thresholds, gate, veto and the note-level level are chosen on out-of-fold scores over
train + dev (``training.tune_folds``: each note scored by a model that never saw it);
figures in ``README.md``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace

import numpy as np

from .encoder import ENCODER
from .features import Featurizer
from .reading import Units, read_units, sigmoid
from .units import CHUNK_CHARS, MODEL_MAX_CHARS, unit_kinds, clauses, judged_units  # noqa: F401 (re-exported)
from .vocab import CATEGORIES

# /3: surnames read as one placeholder (names.py); a /2 model, trained on names, is refused
# (an instance model falls back to the shipped one until `portal sensitive retrain`)
FORMAT = "portal-sensitive-model/3"
USE_DIM = 512
# use_weight 0.5 (was 1.0): the sentence embedding weighs half as much beside the TF-IDF
# features. Chosen on folds that hold out whole registers (benchmarks/guard_cv.py
# --grouped; README "What was tried, night"): the note-level head's precision at recall
# 0.95 went 0.775 -> 0.781 (0.3: 0.787), on every one of three data versions.
# min_df 3 (was 2, 2026-12-06): with 47,700 training notes, n-grams seen in two notes only
# made the file 12 MB; on folds that hold out whole writers the note-level head's
# precision at recall 0.95 was the same (0.826 with 2, 0.824 with 3; README).
DEFAULT_PARAMS = {"C_fast": 8.0, "C_full": 16.0, "min_df": 3, "use_weight": 0.5, "class_weight": "balanced"}

# --------------------------------------------------------------------------- model
@dataclass
class Model:
    """A trained guard model (both heads, thresholds and provenance)."""

    featurizer: Featurizer
    fast_coef: np.ndarray  # (features, K) float32
    fast_bias: np.ndarray  # (K,)
    full_coef: np.ndarray  # (features + 512, K + 1): the last column is "sensitive at all"
    full_bias: np.ndarray  # (K + 1,)
    any_coef: np.ndarray  # (features, 1): fast binary head "sensitive at all" (the gate)
    any_bias: np.ndarray  # (1,)
    params: dict
    data_hash: str
    thresholds: dict = field(default_factory=lambda: {c: 0.5 for c in CATEGORIES})
    fast_thresholds: dict = field(default_factory=lambda: {c: 0.5 for c in CATEGORIES})
    gate: float = 0.05
    sure: float = 1.01  # whole-note gate score from which the fast heads decide alone
    veto: dict = field(default_factory=lambda: {c: 0.0 for c in CATEGORIES})
    # full binary head ("sensitive at all") score a model-only flag needs (0: none)
    sensitive_threshold: float = 0.0
    # full binary head score under which an ambiguous term is vetoed whatever its category's
    veto_note: float = 0.0
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
                           "sensitive": self.sensitive_threshold, "veto_note": self.veto_note,
                           "ambiguous": self.ambiguous}, sort_keys=True)
        return "guard-" + hashlib.sha256(blob.encode()).hexdigest()[:16]

    # -- scoring -------------------------------------------------------------
    def fast_scores(self, text: str, features: tuple | None = None) -> np.ndarray:
        """The fast heads' score per category (``features``: ``featurizer.sparse(text)``
        when the caller has it already)."""
        idx, values = features if features is not None else self.featurizer.sparse(text)
        z = values @ self.fast_coef.take(idx, axis=0) + self.fast_bias if len(idx) else self.fast_bias.astype(np.float64)
        return sigmoid(z)

    def any_score(self, text: str, features: tuple | None = None) -> float:
        """The gate: the fast binary head's "sensitive at all" score."""
        idx, values = features if features is not None else self.featurizer.sparse(text)
        z = float(values @ self.any_coef[:, 0].take(idx)) + float(self.any_bias[0]) if len(idx) else float(self.any_bias[0])
        return float(sigmoid(np.array(z)))

    def full_scores(self, text: str) -> np.ndarray:
        """The full head's score per category (CATEGORIES order)."""
        return self.full_all(text)[:len(CATEGORIES)]

    def full_all(self, text: str, features: tuple | None = None) -> np.ndarray:
        """The full head's scores: per category, then "sensitive at all" (K + 1 values)."""
        features = features if features is not None else self.featurizer.sparse(text)
        embedding = ENCODER(text)
        if embedding is None:  # no sentence encoder installed: the fast heads alone
            return np.append(self.fast_scores(text, features), self.any_score(text, features))
        idx, values = features
        z = self.full_bias.astype(np.float64) + (embedding.astype(np.float64) * self.params["use_weight"]) @ self._use_coef()
        if len(idx):
            z = z + values @ self.full_coef.take(idx, axis=0)
        return sigmoid(z)

    def _use_coef(self) -> np.ndarray:
        """The full head's rows for the sentence embedding, as float64 (what the product with
        a float64 vector casts them to anyway), cast once per model."""
        cached = self.__dict__.get("_use_coef64")
        if cached is None or cached[0] is not self.full_coef:
            rows = self.full_coef[len(self.featurizer.names):].astype(np.float64)
            rows.setflags(write=False)
            cached = self.__dict__["_use_coef64"] = (self.full_coef, rows)
        return cached[1]

    def judge(self, text: str, force_full: bool = False, doubtful_hit: bool = False) -> "Judgement":
        """Score a note per category: the highest score of its units (the note, or its
        chunks when long, and its sentences).

        Every unit is read by the fast heads. Units whose gate score ("sensitive at all")
        is at or above ``gate`` pass (with ``force_full``, i.e. a vocabulary hit, the
        whole-note units pass anyway). Of the passing units the full head reads the
        whole-note ones (and the ``FULL_SENTENCES`` best-gated sentences), at most
        ``MAX_FULL_UNITS``; when only a sentence passes, the whole-note ones are read. When
        nothing passes, the note is *cleared*: no model finding (its vocabulary findings
        with an ambiguous term are vetoed). When the whole note's gate score is at least
        ``sure`` and the fast heads name a category, they decide alone, unless
        ``doubtful_hit`` (a vocabulary hit on an ambiguous term) asks for the full head."""
        k = len(CATEGORIES)
        units = self.read_units(text)
        if units is None:
            return Judgement(np.zeros(k), False, [], np.zeros((0, k)), cleared=True, sensitive=0.0)
        spans, kinds = units.spans, units.kinds
        fast_thresholds = self.thresholds_for(False)
        # The whole-note units first (the first ``n_whole``). When one of them passes, the
        # fast heads cannot decide alone and the full head reads no sentence, the sentences'
        # scores cannot change the judgement: they are not computed (what follows, on every
        # unit, would give the same).
        whole_fast, whole_gated = units.read(self, units.n_whole)
        whole_passing = (whole_gated >= self.gate) | np.any(whole_fast >= fast_thresholds, axis=1)
        if (FULL_SENTENCES == 0 and ENCODER.available and (force_full or whole_passing.any())
                and (doubtful_hit or whole_gated.max() < self.sure)):
            order = np.argsort(-whole_gated, kind="stable")
            wholes = [int(i) for i in order if force_full or whole_passing[i]]
            return self._full_judgement(text, units, sorted(wholes[:MAX_FULL_UNITS]))
        fast, gated = units.read(self, len(spans))
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
            return Judgement(top, False, spans, fast, cleared=True, sensitive=0.0)
        if not ENCODER.available:
            return Judgement(top, False, spans, fast)
        order = [int(i) for i in np.argsort(-gated, kind="stable") if passing[i]]
        wholes = [i for i in order if kinds[i] == 0]
        if not wholes:  # only a sentence passed the gate: the full head reads the note itself
            wholes = [i for i, kind in enumerate(kinds) if kind == 0]
        sentences = [i for i in order if kinds[i] == 1][:FULL_SENTENCES]
        return self._full_judgement(text, units, sorted((wholes + sentences)[:MAX_FULL_UNITS]))

    def _full_judgement(self, text: str, units: "Units", chosen: list[int]) -> "Judgement":
        """The full head's judgement of a note from the units it reads (``chosen``)."""
        k = len(CATEGORIES)
        spans = units.spans
        full = np.zeros((len(spans), k + 1))
        for i in chosen:
            s, e = spans[i]
            full[i] = self.full_all(text[s:e], units.features[i])
        return Judgement(full[:, :k].max(axis=0), True, spans, full[:, :k], sensitive=float(full[chosen, k].max()))

    def read_units(self, text: str) -> "Units | None":
        """The units of ``text`` as the fast heads read them (``None`` when it has none):
        see :class:`reading.Units`. Remembered for the last short texts of a call
        (``scan_many`` judges a note twice: a dry run, then the verdict)."""
        return read_units(self, text)

    def vetoes(self, judgement: "Judgement", category: str) -> bool:
        """True when an ambiguous term of ``category`` is to be dropped from this note:
        the gate cleared it, or the full head is sure the note is not about the category
        (its score under ``veto``) or not sensitive at all (under ``veto_note``)."""
        if judgement.cleared:
            return True
        score = judgement.scores[CATEGORIES.index(category)]
        return judgement.full and (score < self.veto[category] or judgement.sensitive < self.veto_note)

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
    # the full binary head's highest unit score (1.0 when the fast heads decided)
    sensitive: float = 1.0


def decide(model: "Model", judgement: Judgement, strong: set, weak: set) -> tuple[set, set]:
    """The hybrid rule, shared by the scanner and the tuning: ``(vocabulary categories
    kept, model-only categories)`` of a note, from the model's judgement and the
    categories of its unambiguous (``strong``) and ambiguous-only (``weak``) vocabulary
    findings.

    * An unambiguous term always stands (the DPO's own words); an ambiguous one is dropped
      when the note is cleared or the full head is sure it is not about that
      (:meth:`Model.vetoes`).
    * A category the vocabulary does not name is flagged by the model when its score
      reaches the category's threshold and, when the full head decided, the full binary
      head ("sensitive at all") reaches ``sensitive_threshold`` (a note judged innocent
      as a whole gets no model-only flag, whatever one category's head says)."""
    scores, kept = judgement.scores, set()
    for k, c in enumerate(CATEGORIES):
        if c in strong:
            kept.add(c)
        elif c in weak and not model.vetoes(judgement, c):
            kept.add(c)
    if judgement.cleared or (judgement.full and judgement.sensitive < model.sensitive_threshold):
        return kept, set()
    thresholds = model.thresholds_for(judgement.full)
    return kept, {c for k, c in enumerate(CATEGORIES) if c not in kept and scores[k] >= thresholds[k]}


MAX_FULL_UNITS = 12
# sentences of a multi-sentence note the full head reads besides the note (the best-gated
# ones). 0 since 2026-12-06 (third round): on five folds that each hold out whole writers
# (64,991 notes, the full head's binary column), scoring the note by max(note, its best-gated
# sentence) gave precision 0.822 at recall 0.95 against 0.847 for the whole note alone (AUC
# 0.9692 vs 0.9734): a sentence read out of its note is flagged more often than the note it
# sits in. Sentences still open the gate; long notes are still read chunk by chunk.
FULL_SENTENCES = 0
BETA = 2.0  # recall weighs more than precision (a missed note is false comfort, issue #20)
SURE_GRID = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
SURE_TOLERANCE = 1.05
VETO_CAP = 0.3
GATE_LOSS = 0.03


def term_key(term: str) -> str:
    """A vocabulary finding's term, normalised like the vocabulary matches it."""
    from .normalize import tokens_of

    return " ".join(tok.key for tok in tokens_of(term))


def vocab_hit_sets(model: Model, findings) -> tuple[set, set]:
    """(categories with an unambiguous vocabulary finding, categories with only ambiguous ones)."""
    strong, weak = set(), set()
    for f in findings:
        (weak if term_key(f.term) in model.ambiguous_sets.get(f.category, ()) else strong).add(f.category)
    return strong, weak - strong


def with_thresholds(model: Model, settings: dict) -> Model:
    """A copy of ``model`` with the decision settings of another (``thresholds``, ``gate``…)."""
    keys = ("thresholds", "fast_thresholds", "gate", "sure", "veto", "sensitive_threshold", "veto_note")
    return replace(model, **{k: (dict(settings[k]) if isinstance(settings[k], dict) else settings[k])
                             for k in keys if k in settings})


def settings(model: Model) -> dict:
    return {"thresholds": dict(model.thresholds), "fast_thresholds": dict(model.fast_thresholds),
            "gate": model.gate, "sure": model.sure, "veto": dict(model.veto),
            "sensitive_threshold": model.sensitive_threshold, "veto_note": model.veto_note}
