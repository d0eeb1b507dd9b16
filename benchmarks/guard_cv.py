"""Cross-validated figures of the whole guard (vocabulary + model + decision rule).

    python benchmarks/guard_cv.py [--grouped] [--params '{"use_weight": 0.5}'] [--workers 2]

Each note of train + dev is scanned by a hybrid scanner whose model never saw it: one model
per fold, trained on the other folds, with decision settings tuned on the pooled
out-of-fold scores, exactly as ``python -m portal.sensitive.build`` does. Prints note-level
precision / recall overall, per category and per language.

``--grouped``: the folds are whole registers (a note, its variants and the long notes made
from it fall in the fold of its register): every note is judged by a model that has never
seen a note of its register. That is the closest estimate, from training data, of the
guard on a register it has never seen (what the blind evaluation sets measure), and it is
what model parameters were chosen on. Slow: five trainings (~10 min on this machine).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from portal.sensitive.build import fold_pairs  # noqa: E402
from portal.sensitive.model import with_thresholds  # noqa: E402
from portal.sensitive.modelfile import save  # noqa: E402
from portal.sensitive.quality import Score, evaluate, format_table  # noqa: E402
from portal.sensitive.scanner import Scanner  # noqa: E402
from portal.sensitive.training import dev_examples, shipped_examples, tune_folds  # noqa: E402

FOLDS = 5


def register_of(example: dict) -> str:
    """The hand-written register a note comes from ("sms+upper" -> "sms", "long:sms" -> "sms")."""
    register = example.get("register", "").split("+")[0]
    return register[len("long:"):] if register.startswith("long:") else register


def grouped(examples: list[dict]) -> list[dict]:
    """Copies whose fold is a hash of their register (notes always trained on stay -1)."""
    out = []
    for ex in examples:
        fold = ex.get("fold", 0)
        if fold != -1:
            fold = int(hashlib.sha1(register_of(ex).encode("utf-8")).hexdigest(), 16) % FOLDS
        out.append({**ex, "fold": fold})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grouped", action="store_true", help="folds by register (unseen registers)")
    parser.add_argument("--params", default="{}", help="model parameters (JSON), e.g. '{\"use_weight\": 0.5}'")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--save", type=Path, help="folder to write the fold models (with the chosen settings) to")
    args = parser.parse_args()
    examples = shipped_examples() + dev_examples()
    if args.grouped:
        examples = grouped(examples)
    started = time.perf_counter()
    pairs = fold_pairs(examples, params=json.loads(args.params), workers=args.workers)
    chosen = tune_folds(pairs, tune_sure=False)
    scores: dict = {}
    for fold, (model, notes) in enumerate(pairs):
        if args.save:
            save(with_thresholds(model, chosen), args.save / f"fold{fold}.model")
            (args.save / f"fold{fold}.jsonl").write_text("".join(json.dumps(ex, ensure_ascii=False) + "\n"
                                                                 for ex in notes), encoding="utf-8")
        texts = [ex["text"] for ex in notes]
        found = dict(zip(texts, Scanner(model=with_thresholds(model, chosen)).scan_many(texts)))
        for key, score in evaluate(notes, found.__getitem__).items():
            total = scores.setdefault(key, Score())
            total.tp, total.fp, total.fn, total.tn = (total.tp + score.tp, total.fp + score.fp,
                                                      total.fn + score.fn, total.tn + score.tn)
    kind = "grouped by register" if args.grouped else "random folds"
    notes = sum(len(n) for _, n in pairs)
    print(format_table(f"OUT OF FOLD ({kind}, params {args.params}): {notes} notes, "
                       f"{time.perf_counter() - started:.0f} s", scores))


if __name__ == "__main__":
    main()
