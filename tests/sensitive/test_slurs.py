"""Slurs (R23, ``vocab/slurs.txt``): the aimed category always, ``subjective`` unless the author is unknown."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from portal.sensitive import Scanner, scan, scan_many
from portal.sensitive.slurs import load_slurs
from portal.sensitive.vocab import CATEGORIES, VOCAB_DIR, load

VOCABULARY_ONLY = Scanner(model=None)

# said or written by someone identifiable, or in the writer's voice: aimed category + subjective
BY_A_PERSON = [
    ("M. Petit a traité Mme Diallo de bougnoule devant l'ascenseur.", {"origin", "subjective"}),
    ("Le fils du 4e crie « sale juif » au voisin du dessous.", {"religion", "subjective"}),
    ("The lad at 14 keeps calling the Khans Pakis.", {"origin", "subjective"}),
    ("Caretaker says the new tenant is a tranny.", {"sex_life", "subjective"}),
    ("Le gardien appelle ce locataire « le gogol du 2e ».", {"health", "subjective"}),
    ("Typical dole scum, never pays on time.", {"social_precarity", "subjective"}),
]
# tagged or shouted by persons unknown: the aimed category alone (victim rule)
BY_SOMEONE_UNKNOWN = [
    ("Tag « bougnoules dehors » sur la porte du local vélos, auteur inconnu.", "origin"),
    ("Graffiti on the stairwell: 'pakis out'.", "origin"),
]
# ordinary words the list leaves out on purpose
NOT_SLURS = [
    "Le locataire est en retard pour le loyer de mars.",
    "Pédale de frein du véhicule de service à changer.",
    "Tapette à souris posée dans la cave.",
    "Spick and span after the deep clean.",
]


@pytest.mark.parametrize("scanner", [VOCABULARY_ONLY, None], ids=["vocabulary", "hybrid"])
@pytest.mark.parametrize("text,expected", BY_A_PERSON)
def test_a_slur_by_a_person_is_its_category_and_subjective(scanner, text: str, expected: set[str]) -> None:
    found = (scanner.scan if scanner else scan)(text)
    slur_findings = {f.category for f in found if f.source == "vocabulary"}
    assert expected <= slur_findings


@pytest.mark.parametrize("text,category", BY_SOMEONE_UNKNOWN)
def test_a_slur_by_someone_unknown_is_its_category_alone(text: str, category: str) -> None:
    found = VOCABULARY_ONLY.scan(text)
    assert category in {f.category for f in found}
    assert "subjective" not in {f.category for f in found}


@pytest.mark.parametrize("text", NOT_SLURS)
def test_ordinary_words_are_not_slurs(text: str) -> None:
    assert VOCABULARY_ONLY.scan(text) == []


def test_the_slur_is_highlighted_with_its_own_words() -> None:
    text = "Il dit que M. Roux l'a traité de « sale Arabe » hier."
    spans = {(f.category, f.term) for f in VOCABULARY_ONLY.scan(text)}
    assert ("origin", "sale Arabe") in spans and ("subjective", "sale Arabe") in spans


def test_scan_many_gives_what_scan_gives() -> None:
    texts = [text for text, _ in BY_A_PERSON] + [text for text, _ in BY_SOMEONE_UNKNOWN] + NOT_SLURS
    assert scan_many(texts) == [scan(text) for text in texts]


def test_a_dpo_can_add_a_slur_and_a_bad_line_names_itself(tmp_path: Path) -> None:
    for path in VOCAB_DIR.glob("*.txt"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with (tmp_path / "slurs.txt").open("a", encoding="utf-8") as handle:
        handle.write("\norigin | zorglub\n")
    found = Scanner(load(tmp_path)).scan("Il traite sa voisine de zorglub.")
    assert {(f.category, f.term) for f in found} == {("origin", "zorglub"), ("subjective", "zorglub")}
    (tmp_path / "slurs.txt").write_text("# header\nracism | zorglub\n", encoding="utf-8")
    with pytest.raises(ValueError, match="slurs.txt:2"):
        load_slurs(tmp_path / "slurs.txt", CATEGORIES)


def test_a_megabyte_of_slurs_stays_linear() -> None:
    text = "sale bougnoule, graffiti. " * 40_000  # ~1 MB
    started = time.perf_counter()
    found = VOCABULARY_ONLY.scan(text)
    assert time.perf_counter() - started < 20
    assert {f.category for f in found} >= {"origin"} and "subjective" not in {f.category for f in found}
