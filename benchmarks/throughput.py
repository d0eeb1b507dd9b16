"""Notes per second of the guard's engines, each measured in a fresh process.

    python benchmarks/throughput.py CORPUS.json ENGINE [--code DIR]

Used by ``bench_scan.py --throughput`` (run that one). ``ENGINE`` is ``vocabulary``
(vocabulary-only ``scan_many``), ``scan_many`` (the hybrid ``portal.sensitive.scan_many``)
or ``scan-notes`` (``write_report``, the engine of ``portal scan-notes``, with one worker
per available core when the code has workers), ``scan-notes-cold`` (the same, with the
loading timed too), or ``latency``. ``--code DIR`` imports ``portal`` from
another checkout (e.g. a worktree of the previous commit), so both are timed on the same
corpus, machine and load. Except in ``scan-notes-cold``, loading the vocabulary, the model,
the spelling dictionaries and the sentence encoder is not timed (``warm_up``; a warm-up
note alone did not load the encoder before 2026-12-07, so earlier figures include ~1 s of
it); everything after is: a fresh process has empty word caches, like a real run. Prints
one JSON line: wall-clock notes/s and CPU milliseconds per note (this process and its
workers: what the notes cost, whatever the load of the machine).
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

LATENCY_NOTES = 200


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("engine", choices=("vocabulary", "scan_many", "scan-notes", "scan-notes-cold", "latency"))
    parser.add_argument("--code", default=str(Path(__file__).resolve().parents[1]))
    args = parser.parse_args()
    sys.path.insert(0, args.code)
    texts = json.loads(Path(args.corpus).read_text(encoding="utf-8"))
    from portal import sensitive

    started, cpu = time.perf_counter(), _cpu()
    if args.engine != "scan-notes-cold":
        _warm_up(sensitive)
        started, cpu = time.perf_counter(), _cpu()
    result: dict = {"engine": args.engine, "notes": len(texts)}
    if args.engine == "vocabulary":
        flagged = sum(1 for f in sensitive.Scanner(model=None).scan_many(texts) if f)
    elif args.engine == "scan_many":
        flagged = sum(1 for f in sensitive.scan_many(texts) if f)
    elif args.engine in ("scan-notes", "scan-notes-cold"):
        flagged = _scan_notes(sensitive, texts)
    else:
        result.update(_latency(sensitive, texts))
        flagged = None
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    done = min(len(texts), LATENCY_NOTES) if args.engine == "latency" else len(texts)
    result.update(seconds=round(seconds, 3), per_second=round(done / seconds, 1), flagged=flagged,
                  cpu_ms=round(cpu * 1000 / done, 2), load=round(os.getloadavg()[0], 2))
    print(json.dumps(result))


def _warm_up(sensitive) -> None:
    """Load the guard before timing, in this checkout's way or (an older checkout) by hand."""
    sensitive.scan("warm-up: Monsieur est sous chimiothérapie, dossier de relogement en cours.")
    if hasattr(sensitive, "warm_up"):
        sensitive.warm_up()
    else:  # checkouts before 2026-12-07 (what their pool loaded before forking)
        from portal.sensitive.active import default_scanner
        from portal.sensitive.encoder import ENCODER

        default_scanner().corrector.load()
        ENCODER.load()


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the scan-notes workers):
    the cost that does not depend on how many other programs share the cores."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _scan_notes(sensitive, texts: list[str]) -> int:
    rows = (sensitive.NoteRow(f"note-{i}", "T1", "agent", "B1", None, t) for i, t in enumerate(texts))
    extra = {}
    if "workers" in inspect.signature(sensitive.write_report).parameters:
        from portal.sensitive.pool import default_workers

        extra["workers"] = default_workers()
    with tempfile.TemporaryDirectory() as out:
        return sensitive.write_report(rows, Path(out), progress=lambda n: None, **extra).flagged


def _latency(sensitive, texts: list[str]) -> dict:
    """One note at a time, as when a note is written: median and p95 over fresh notes."""
    times = []
    for i, text in enumerate(texts[:LATENCY_NOTES]):
        started = time.perf_counter()
        sensitive.scan(f"{text} Réf {i}-{len(text)}.")
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(len(times) * 0.95)], 1),
            "max_ms": round(times[-1], 1)}


if __name__ == "__main__":
    main()
