"""Precision / recall of the guard, per category, per language and overall (note level),
hybrid (vocabulary + active model) and vocabulary only, side by side.

    python benchmarks/scan_quality.py

Sets: the held-out set (never used while building the vocabulary or the model), the
independent evaluation sets of ``tests/sensitive/data/eval/`` present (A, B and a
blind set once run, ``bench_scan.EVAL_SETS``; never read while building the guard), the vocabulary's
tune set and the shared sample (both in the model's training data: not unseen), and the package's dev split (thresholds tuned on it).
``benchmarks/bench_scan.py`` adds speed figures.
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from portal.sensitive import Scanner, active_model  # noqa: E402
from portal.sensitive.modelfile import DEV_FILE  # noqa: E402
from portal.sensitive.quality import evaluate, format_table, load_notes  # noqa: E402
from bench_scan import EVAL_SETS  # noqa: E402

DATA = REPO / "tests" / "sensitive" / "data"


def main() -> None:
    shared = REPO.parent / "shared" / "samples" / "notes.jsonl"
    sets = [("held-out", DATA / "notes_heldout.jsonl")]
    sets += [(f"eval {p.stem}", p) for p in (DATA / "eval" / name for name in EVAL_SETS) if p.exists()]
    sets += [
        ("tune (in training data)", DATA / "notes_tune.jsonl"),
        ("shared sample (in training data)", shared if shared.exists() else DATA / "shared_sample.jsonl"),
        ("dev split (tuned on)", DEV_FILE),
    ]
    hybrid, vocab_only = Scanner(model=active_model()), Scanner(model=None)
    for title, path in sets:
        notes = load_notes(path)
        for name, scanner in (("hybrid", hybrid), ("vocabulary only", vocab_only)):
            print(format_table(f"{title} — {name}: {len(notes)} notes ({path.name})", evaluate(notes, scanner.scan)))
            print()


if __name__ == "__main__":
    main()
