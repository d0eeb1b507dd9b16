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

from .scanner import Finding
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


def evaluate(notes: Iterable[dict], scanner: Callable[[str], list[Finding]] | None = None) -> dict[str, Score]:
    """Scores per category plus ``overall`` (any finding vs ``sensitive``) and per
    language (``lang:fr``, ``lang:en``: overall scores of the notes in that language).
    ``scanner`` defaults to ``portal.sensitive.scan`` (hybrid, active model)."""
    if scanner is None:
        from .active import scan as scanner
    scores = {key: Score() for key in (OVERALL, *CATEGORIES)}
    for note in notes:
        found = {f.category for f in scanner(note["text"])}
        expected = set(note.get("categories", ()))
        predicted, actual = bool(found), bool(note["sensitive"])
        scores[OVERALL].add(predicted, actual)
        scores.setdefault(f"lang:{note.get('lang', '?')}", Score()).add(predicted, actual)
        for category in CATEGORIES:
            scores[category].add(category in found, category in expected)
    return scores


def figures(scores: dict[str, Score], notes=None, scanner=None) -> dict:
    """Plain numbers from :func:`evaluate`'s scores (JSON-friendly)."""
    out: dict = {}
    for key, s in scores.items():
        p, r = s.precision, s.recall
        out[key] = {"precision": round(p, 4), "recall": round(r, 4),
                    "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
                    "tp": s.tp, "fp": s.fp, "fn": s.fn, "tn": s.tn}
    return out


def format_table(title: str, scores: dict[str, Score]) -> str:
    """A plain-text table: one line per category, overall last."""
    lines = [title, f"{'category':<18}{'precision':>10}{'recall':>8}{'tp':>6}{'fp':>5}{'fn':>5}"]
    keys = (*CATEGORIES, *sorted(k for k in scores if k.startswith("lang:")), OVERALL)
    for key in keys:
        s = scores[key]
        lines.append(f"{key:<18}{s.precision:>10.3f}{s.recall:>8.3f}{s.tp:>6}{s.fp:>5}{s.fn:>5}")
    return "\n".join(lines)
