"""Quality and speed of the guard: hybrid (vocabulary + model) vs vocabulary only, same run.

    python benchmarks/bench_scan.py [--quick] [--sets dev,heldout,eval] [--throughput N]

Quality (note level, see portal/sensitive/quality.py): precision / recall overall, per
category and per language on
* ``dev``      the package's dev split (thresholds are tuned on it: not unseen),
* ``heldout``  tests/sensitive/data/notes_heldout.jsonl (never trained or tuned on),
* ``eval``     the independent sets of tests/sensitive/data/eval/ present (``EVAL_SETS``:
               A, B and the blind set E; never read while building the guard. Sets C
               and D were moved into the training data on 2026-12-05).
Speed: notes/second of ``scan_many`` on N notes sampled from the labelled sets (with
small suffixes so caches do not see identical strings), single-note latency (median and
p95 of ``scan`` on fresh notes once warm), and one 1 MB text.
Which representation the model uses (TF-IDF, USE, spaCy vectors) is compared by
``benchmarks/compare_encoders.py``; the figures are in portal/sensitive/README.md.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from portal.sensitive import Scanner, active_model, model_version  # noqa: E402
from portal.sensitive.training import dev_examples  # noqa: E402
from portal.sensitive.quality import evaluate, format_table, load_notes  # noqa: E402

DATA = REPO / "tests" / "sensitive" / "data"
# the independent evaluation sets reported (C and D are training data since 2026-12-05)
EVAL_SETS = ("set_a.jsonl", "set_b.jsonl", "set_e_blind.jsonl")
SUFFIXES = ["", " Relance le {n}.", " Vu le {n}/11.", " Dossier {n}.", " RDV n°{n}.", " Called on the {n}th."]


def labelled_sets(which: set[str]) -> list[tuple[str, list[dict]]]:
    sets = []
    if "dev" in which:
        sets.append(("dev split (tuned on)", dev_examples()))
    if "heldout" in which:
        sets.append(("notes_heldout.jsonl", load_notes(DATA / "notes_heldout.jsonl")))
    if "eval" in which:
        for name in EVAL_SETS:
            path = DATA / "eval" / name
            if path.exists():
                sets.append((f"eval/{name}", load_notes(path)))
    return sets


def sample_texts(count: int) -> list[str]:
    texts = [n["text"] for f in ("notes_heldout.jsonl", "notes_tune.jsonl", "shared_sample.jsonl")
             for n in load_notes(DATA / f)] + [n["text"] for n in dev_examples()]
    rng = random.Random(2026)
    return [rng.choice(texts) + rng.choice(SUFFIXES).format(n=rng.randint(1, 9999)) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="dev,heldout,eval")
    parser.add_argument("--throughput", type=int, default=3000, help="notes for the notes/s measure")
    parser.add_argument("--quick", action="store_true", help="quality only")
    args = parser.parse_args()
    model = active_model()
    hybrid, vocab_only = Scanner(model=model), Scanner(model=None)
    print(f"model {model_version()}")
    hybrid.scan("warm-up: load the vocabulary, the model and the sentence encoder")
    for title, notes in labelled_sets(set(args.sets.split(","))):
        for name, scanner in (("HYBRID", hybrid), ("VOCABULARY ONLY", vocab_only)):
            started = time.perf_counter()
            scores = evaluate(notes, scanner.scan)
            seconds = time.perf_counter() - started
            print(format_table(f"{name} — {title}: {len(notes)} notes, {len(notes) / seconds:.0f} notes/s", scores))
            print()
    if args.quick:
        return
    texts = sample_texts(args.throughput)
    for name, scanner in (("hybrid scan_many", hybrid), ("vocabulary-only scan_many", vocab_only)):
        started = time.perf_counter()
        flagged = sum(1 for found in scanner.scan_many(texts) if found)
        seconds = time.perf_counter() - started
        print(f"{name:<28}{len(texts):>7} notes {seconds:7.2f} s {len(texts) / seconds:8.0f} notes/s  flagged {flagged}")
    fresh = sample_texts(400)[200:]
    latencies = []
    for text in fresh:
        text = text + f" Réf {random.Random(len(latencies)).randint(10**6, 10**7)}."
        started = time.perf_counter()
        hybrid.scan(text)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    print(f"single note (hybrid, warm): median {statistics.median(latencies):.1f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95)]:.1f} ms, max {latencies[-1]:.1f} ms")
    one_mb = (" ".join(texts))[:1_000_000]
    for name, scanner in (("hybrid", hybrid), ("vocabulary-only", vocab_only)):
        started = time.perf_counter()
        scanner.scan(one_mb)
        print(f"one 1 MB text ({name}): {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
