"""Note-level precision and recall of the scanner on labelled JSONL notes.

Shared by the quality test and ``benchmarks/scan_quality.py``. A labelled note is
``{"id", "lang", "text", "sensitive", "categories"}``; a note is predicted positive for
a category when ``scan`` returns at least one finding of it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .scanner import Finding, scan
from .vocab import CATEGORIES

OVERALL = "overall"


@dataclass
class Score:
    """Confusion counts for one category (or overall: sensitive vs not)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, predicted: bool, expected: bool) -> None:
        if predicted and expected:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif expected:
            self.fn += 1
        else:
            self.tn += 1


def load_notes(path: Path) -> list[dict]:
    """Read a labelled JSONL file (blank lines ignored)."""
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(notes: Iterable[dict], scanner: Callable[[str], list[Finding]] = scan) -> dict[str, Score]:
    """Scores per category plus ``overall`` (any finding vs ``sensitive``)."""
    scores = {key: Score() for key in (OVERALL, *CATEGORIES)}
    for note in notes:
        found = {f.category for f in scanner(note["text"])}
        expected = set(note.get("categories", ()))
        scores[OVERALL].add(bool(found), bool(note["sensitive"]))
        for category in CATEGORIES:
            scores[category].add(category in found, category in expected)
    return scores


def format_table(title: str, scores: dict[str, Score]) -> str:
    """A plain-text table: one line per category, overall last."""
    lines = [title, f"{'category':<18}{'precision':>10}{'recall':>8}{'tp':>6}{'fp':>5}{'fn':>5}"]
    for key in (*CATEGORIES, OVERALL):
        s = scores[key]
        lines.append(f"{key:<18}{s.precision:>10.3f}{s.recall:>8.3f}{s.tp:>6}{s.fp:>5}{s.fn:>5}")
    return "\n".join(lines)
