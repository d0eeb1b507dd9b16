"""Throughput of portal.sensitive.scan against a naive baseline, same notes, same run.

    python benchmarks/bench_scan.py [N]     (default N = 50,000 notes)

The notes are sampled (with small variations, so caches do not see only identical
strings) from the labelled sets. The baseline is the cheapest thing one could write:
``str.lower()`` then ``term in text`` for every vocabulary term; it has no accents
handling, no word boundaries, no context, so it is both faster-looking and wrong.
"""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from portal.sensitive import scan  # noqa: E402
from portal.sensitive.quality import load_notes  # noqa: E402
from portal.sensitive.vocab import CATEGORIES, VOCAB_DIR  # noqa: E402

DATA = REPO / "tests" / "sensitive" / "data"
SUFFIXES = ["", " Relance le {n}.", " Vu le {n}/11.", " Dossier {n}.", " RDV n°{n}."]


def notes(count: int) -> list[str]:
    texts = [n["text"] for f in ("notes_heldout.jsonl", "notes_tune.jsonl", "shared_sample.jsonl")
             for n in load_notes(DATA / f)]
    rng = random.Random(2026)
    return [rng.choice(texts) + rng.choice(SUFFIXES).format(n=rng.randint(1, 999)) for _ in range(count)]


def baseline_terms() -> list[str]:
    terms = []
    for category in CATEGORIES:
        for line in (VOCAB_DIR / f"{category}.txt").read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip().lstrip("=!").rstrip("*").lower()
            if line:
                terms.append(line)
    return terms


def run_baseline(texts: list[str], terms: list[str]) -> int:
    flagged = 0
    for text in texts:
        lowered = text.lower()
        if any(term in lowered for term in terms):
            flagged += 1
    return flagged


def run_scan(texts: list[str]) -> int:
    return sum(1 for text in texts if scan(text))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    texts = notes(count)
    terms = baseline_terms()
    scan("warm-up: load the vocabulary")
    rows = []
    for name, func in (("baseline lower()+in", lambda: run_baseline(texts, terms)), ("portal.sensitive.scan", lambda: run_scan(texts))):
        started = time.perf_counter()
        flagged = func()
        rows.append((name, time.perf_counter() - started, flagged))
    base = rows[0][1]
    print(f"{len(terms)} vocabulary terms; {count} notes, mean {sum(map(len, texts)) / count:.0f} chars")
    print(f"{'scanner':<24}{'notes':>8}{'seconds':>9}{'notes/s':>10}{'flagged':>9}{'time ratio':>12}")
    for name, seconds, flagged in rows:
        print(f"{name:<24}{count:>8}{seconds:>9.2f}{count / seconds:>10.0f}{flagged:>9}{seconds / base:>12.2f}")
    one_mb = (" ".join(texts[:20000]))[:1_000_000]
    started = time.perf_counter()
    scan(one_mb)
    print(f"one 1 MB text: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
