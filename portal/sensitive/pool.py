"""Scan a stream of notes on every core: ``scan_chunks(texts, workers)``.

The guard is pure Python plus numpy on one thread, so an audit of stored notes
(``portal scan-notes``) runs ``scan_many`` in worker processes, each with the active
model, over slices of the stream, and hands the results back *in order* (the report
is the same file whatever the number of workers). At most ``2 × workers`` slices are
in flight: memory stays flat whatever the number of notes, and the caller's progress
bar moves with every slice.

Workers are forked where the platform allows it, after the parent has loaded the
vocabulary, the model and the sentence encoder, so they start at once and share those
pages (copy on write). The parent's objects are moved out of the garbage collector's
reach first (``gc.freeze``, as the ``gc`` module's documentation advises before a fork):
a collection in a worker then neither walks them nor copies the pages they sit on;
elsewhere they are spawned and point themselves at the same
model file. Workers touch no database: they receive texts and return findings.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from itertools import chain, islice
from pathlib import Path
from typing import Iterable, Iterator

from .active import active_model_path, scan_many, set_model_path, warm_up
from .scanner import Finding

# notes per slice handed to a worker (and per step of the progress bar): small, so that at
# the end of a run no worker waits long for the other's last slice; the sentence encoder's
# batches stay full (it cuts its own micro-batches of 384 word pieces, a few dozen notes)
SLICE = 100
# no pool for fewer notes than this: starting workers would cost more than it saves
POOL_MIN_NOTES = 500
MAX_WORKERS = 8


def default_workers() -> int:
    """The cores this process may use (at most ``MAX_WORKERS``)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def slices(items: Iterable, size: int = SLICE) -> Iterator[list]:
    """Consecutive lists of ``size`` items (the last one shorter)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def scan_chunks(texts: Iterable[str], workers: int = 1) -> Iterator[list[list[Finding]]]:
    """``scan_many`` over consecutive slices of ``texts`` (``SLICE`` each), in order,
    on ``workers`` processes (1: in this process)."""
    parts = slices(texts)
    head = list(islice(parts, POOL_MIN_NOTES // SLICE))
    if workers <= 1 or len(head) < POOL_MIN_NOTES // SLICE:
        for part in chain(head, parts):
            yield scan_many(part)
        return
    yield from _pooled(chain(head, parts), workers)


def _pooled(parts: Iterator[list[str]], workers: int) -> Iterator[list[list[Finding]]]:
    warm_up()  # before forking: the workers inherit the loaded guard
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    gc.freeze()  # the loaded guard stays where it is, shared (see the module's docstring)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                                 initargs=(active_model_path(),)) as pool:
            in_flight: deque = deque()
            for part in parts:
                in_flight.append(pool.submit(scan_many, part))
                if len(in_flight) >= 2 * workers:
                    yield in_flight.popleft().result()
            while in_flight:
                yield in_flight.popleft().result()
    finally:
        gc.unfreeze()


def _start_worker(model_path: Path | None) -> None:
    # a no-op in a forked worker (same path); a spawned one loads that model on first use
    set_model_path(model_path)
