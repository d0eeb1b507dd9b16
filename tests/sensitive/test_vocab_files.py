"""The vocabulary is data a DPO can read: documented files, loadable, extendable."""
from __future__ import annotations

from pathlib import Path

from portal.sensitive import CATEGORIES, Scanner
from portal.sensitive.vocab import VOCAB_DIR, load


def test_every_vocabulary_file_documents_its_format() -> None:
    for path in VOCAB_DIR.glob("*.txt"):
        assert path.read_text(encoding="utf-8").startswith("#"), path.name
    for category in CATEGORIES:
        assert (VOCAB_DIR / f"{category}.txt").exists()


def test_a_dpo_can_add_a_term_in_a_copy_of_the_files(tmp_path: Path) -> None:
    for path in VOCAB_DIR.glob("*.txt"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with (tmp_path / "health.txt").open("a", encoding="utf-8") as handle:
        handle.write("\n# added by the DPO\nmaladie de Lyme\n")
    scanner = Scanner(load(tmp_path))
    assert [f.term for f in scanner.scan("Atteint de la maladie de lyme.")] == ["maladie de lyme"]
