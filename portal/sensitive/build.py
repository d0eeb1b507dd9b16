"""Rebuild the shipped model from the shipped data (deterministic).

    python -m portal.sensitive.data.build_data   # source/*.txt -> train/{train,dev}.jsonl
    python -m portal.sensitive.build             # 5 fold models + 1 final, settings tuned out of fold
                                                 # -> data/model/guard.model

Same data and seed give a byte-identical model file; its version is printed.
Here too: ``train_many`` (several trainings side by side) and ``fold_pairs``
(cross-validation), which the build uses to tune the decision settings out of fold.
"""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Sequence

from .data.build_data import FOLDS, fold_of
from .model import ENCODER, Model, with_thresholds
from .modelfile import SHIPPED_MODEL, save
from .training import dev_examples, shipped_examples, train, tune_folds


def _train_task(task: tuple) -> Model:
    examples, seed, params = task
    return train(examples, seed=seed, params=params)


def train_many(training_sets: Sequence[Sequence[dict]], seed: int = 0, params: dict | None = None,
               workers: int = 1) -> list[Model]:
    """``[train(s) for s in training_sets]``, on ``workers`` processes when more than one
    (the same models: each training is deterministic). Every text is embedded here first,
    so forked workers inherit the sentence encoder's cache instead of each redoing it."""
    tasks = [(list(s), seed, params) for s in training_sets]
    if workers <= 1 or len(tasks) <= 1:
        return [_train_task(t) for t in tasks]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    for text in dict.fromkeys(ex["text"] for s in training_sets for ex in s):
        ENCODER(text)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_train_task, tasks))


def _fold(ex: dict) -> int:
    return int(ex["fold"]) if "fold" in ex else fold_of(ex["text"])


def fold_pairs(examples: Sequence[dict], seed: int = 0, params: dict | None = None, folds: int = FOLDS,
               workers: int = 1) -> list[tuple[Model, list[dict]]]:
    """Cross-validation: for each fold, (a model trained on the other folds, the fold's
    notes). A note's fold is its ``fold`` field (variants share their base note's; -1:
    always trained on), else the hash of its text."""
    held = [[ex for ex in examples if _fold(ex) == f] for f in range(folds)]
    rest = [[ex for ex in examples if _fold(ex) != f] for f in range(folds)]
    models = train_many(rest, seed=seed, params=params, workers=workers)
    return [(m, h) for m, h in zip(models, held) if h]


BUILD_WORKERS = 3  # processes training the fold models side by side


def build_shipped(path: str | Path = SHIPPED_MODEL, seed: int = 0, workers: int = BUILD_WORKERS) -> Model:
    """Rebuild the shipped model from the shipped data: one model per fold of train + dev,
    each trained on the other folds (every note is scored by a model that never saw it),
    the decision settings tuned on those out-of-fold scores, and the fold-0 model (trained
    on exactly ``train.jsonl``: dev, fold 0, stays unseen by its weights) shipped with them."""
    pairs = fold_pairs(shipped_examples() + dev_examples(), seed=seed, workers=workers)
    model = with_thresholds(pairs[0][0], tune_folds(pairs))
    save(model, path)
    return model



def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    started = time.perf_counter()
    model = build_shipped(SHIPPED_MODEL, seed=seed)
    print(f"{model.version}  {SHIPPED_MODEL}  {SHIPPED_MODEL.stat().st_size} bytes  "
          f"{model.n_examples} training notes  {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
