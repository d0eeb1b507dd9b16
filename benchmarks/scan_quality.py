"""Precision / recall of portal.sensitive.scan, per category and overall (note level).

    python benchmarks/scan_quality.py

Prints one table for the held-out set (never used while tuning the vocabulary), one
for the tune set and one for the shared sample (the copy in tests/sensitive/data, or
../shared/samples/notes.jsonl beside the checkout when present).
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from portal.sensitive.quality import evaluate, format_table, load_notes  # noqa: E402

DATA = REPO / "tests" / "sensitive" / "data"


def main() -> None:
    shared = REPO.parent / "shared" / "samples" / "notes.jsonl"
    sets = [
        ("held-out", DATA / "notes_heldout.jsonl"),
        ("tune", DATA / "notes_tune.jsonl"),
        ("shared sample", shared if shared.exists() else DATA / "shared_sample.jsonl"),
    ]
    for title, path in sets:
        notes = load_notes(path)
        print(format_table(f"{title}: {len(notes)} notes ({path.name})", evaluate(notes)))
        print()


if __name__ == "__main__":
    main()
