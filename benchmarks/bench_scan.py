"""Quality and speed of the guard: hybrid (vocabulary + model) vs vocabulary only, same run.

    python benchmarks/bench_scan.py [--quick | --speed] [--sets dev,heldout,eval]
                                    [--throughput N] [--rounds R] [--against DIR]

Quality (note level, see portal/sensitive/quality.py): precision / recall overall, per
category and per language on
* ``dev``      the package's dev split (thresholds are tuned on it: not unseen),
* ``heldout``  tests/sensitive/data/notes_heldout.jsonl (never trained or tuned on),
* ``eval``     the independent sets of tests/sensitive/data/eval/ present (``EVAL_SETS``:
               A and B; a blind set joins them after its one run at the end of a
               round. Sets C to Y were moved into the training data on 2026-12-05,
               -06 and -07, each after its one run).
Speed (``benchmarks/throughput.py``, each measure in a fresh process): notes/second of
the vocabulary-only ``scan_many``, the hybrid ``scan_many`` and ``write_report`` (the
engine of ``portal scan-notes``, one worker per core) once the guard is loaded
(``warm_up``), the same with the loading timed (``scan-notes-cold``: what a run of this
size costs from start to end), and single-note latency (median and p95 of ``scan`` on
fresh notes once warm), ``--rounds`` times, then medians; and one 1 MB text. The corpus: N notes (default 2,000) drawn with a fixed seed from the dev
split and tests/sensitive/data/notes_{heldout,tune}.jsonl + shared_sample.jsonl (every
register, about 60 % sensitive: more reach the encoder than in a real register of
notes), most with a short random suffix ("Relance le 4821.") so that few are the same
string. No eval set is read. ``--against DIR`` times another checkout too, the two
alternating round by round (A/B on the same load: ``git worktree add /tmp/base 953a845``).
Which representation the model uses (TF-IDF, USE, spaCy vectors) is compared by
``benchmarks/compare_encoders.py``; the figures are in portal/sensitive/README.md.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from portal.sensitive import Scanner, active_model, model_version, warm_up  # noqa: E402
from portal.sensitive.training import dev_examples  # noqa: E402
from portal.sensitive.quality import evaluate, format_table, load_notes  # noqa: E402

DATA = REPO / "tests" / "sensitive" / "data"
# the independent evaluation sets reported (C to AA are training data since 2026-12-05/06/07; a blind set joins after its one run)
EVAL_SETS = ("set_a.jsonl", "set_b.jsonl")
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


def speed(count: int, rounds: int, against: str | None) -> None:
    """notes/s of each engine, each run in a fresh process, the checkouts alternating
    round by round (same corpus, machine and load); medians at the end."""
    corpus = Path(tempfile.mkdtemp()) / "corpus.json"
    corpus.write_text(json.dumps(sample_texts(count), ensure_ascii=False), encoding="utf-8")
    codes = [("before", against)] if against else []
    codes.append(("this", str(REPO)))
    engines = ("vocabulary", "scan_many", "scan-notes", "scan-notes-cold", "latency")
    runs: dict = {}
    print(f"speed: {count} notes (see sample_texts), {rounds} round(s), one fresh process per measure")
    for round_ in range(rounds):
        for label, code in codes:
            for engine in engines:
                out = subprocess.run([sys.executable, str(REPO / "benchmarks" / "throughput.py"), str(corpus),
                                      engine, "--code", code], capture_output=True, text=True, check=True)
                result = json.loads(out.stdout.strip().splitlines()[-1])
                runs.setdefault((label, engine), []).append(result)
                extra = (f"median {result['median_ms']} ms p95 {result['p95_ms']} ms" if engine == "latency"
                         else f"{result['per_second']:8.0f} notes/s  {result['cpu_ms']:5.2f} ms CPU/note  "
                              f"flagged {result['flagged']}")
                print(f"  round {round_ + 1} {label:<7}{engine:<16}{extra}  (load {result['load']})")
    print("medians:")
    for (label, engine), results in runs.items():
        if engine == "latency":
            value = f"one note warm: median {statistics.median(r['median_ms'] for r in results):.1f} ms"
        else:
            value = (f"{statistics.median(r['per_second'] for r in results):8.0f} notes/s  "
                     f"{statistics.median(r['cpu_ms'] for r in results):5.2f} ms CPU/note")
        print(f"  {label:<7}{engine:<16}{value}  (load {statistics.median(r['load'] for r in results):.2f})")


def one_megabyte(hybrid: Scanner, vocab_only: Scanner) -> None:
    one_mb = (" ".join(sample_texts(20_000)))[:1_000_000]
    for name, scanner in (("hybrid", hybrid), ("vocabulary-only", vocab_only)):
        started = time.perf_counter()
        scanner.scan(one_mb)
        print(f"one 1 MB text ({name}): {time.perf_counter() - started:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="dev,heldout,eval")
    parser.add_argument("--throughput", type=int, default=2000, help="notes for the notes/s measure")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the notes/s measure (medians)")
    parser.add_argument("--against", metavar="DIR", help="also time this checkout (e.g. a worktree of main)")
    parser.add_argument("--quick", action="store_true", help="quality only")
    parser.add_argument("--speed", action="store_true", help="speed only")
    args = parser.parse_args()
    model = active_model()
    hybrid, vocab_only = Scanner(model=model), Scanner(model=None)
    print(f"model {model_version()}")
    warm_up()
    if not args.speed:
        for title, notes in labelled_sets(set(args.sets.split(","))):
            for name, scanner in (("HYBRID", hybrid), ("VOCABULARY ONLY", vocab_only)):
                started = time.perf_counter()
                scores = evaluate(notes, scanner.scan)
                seconds = time.perf_counter() - started
                print(format_table(f"{name} — {title}: {len(notes)} notes, {len(notes) / seconds:.0f} notes/s",
                                   scores))
                print()
    if args.quick:
        return
    speed(args.throughput, args.rounds, args.against)
    one_megabyte(hybrid, vocab_only)


if __name__ == "__main__":
    main()
