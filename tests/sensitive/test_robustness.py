"""Offsets point into the original text; hostile input neither crashes nor hangs."""
from __future__ import annotations

import time

import pytest

from portal.sensitive import Scanner, scan, scan_many

# Linearity is a property of the vocabulary pass (it reads everything); the model reads at
# most MODEL_MAX_CHARS, in chunks, so its share is bounded (tested below on its own).
vocabulary_scan = Scanner(model=None).scan


def test_offsets_survive_accents_and_ligatures_before_the_match() -> None:
    text = "Œuvre d'été, cœur brisé, sœur : e\u0301le\u0300ve séropositif."
    [finding] = scan(text)
    assert text[finding.start:finding.end] == finding.term == "séropositif"


def test_offsets_of_a_phrase_across_punctuation() -> None:
    text = "Note — «Monsieur SORT  de\ndétention» demain."
    [finding] = [f for f in scan(text) if f.source == "vocabulary"]
    assert finding.term == "SORT  de\ndétention"
    assert text[finding.start:finding.end] == finding.term


@pytest.mark.parametrize("text", [
    "", " ", "\x00", "cardiaque\x00séropositif", "\ud800 lone \udfff surrogates",
    "Привет мир, мама больна", "مرحبا، المريض", "😀🏠💊 " * 50, "\u0301\u0301", "a" * 10_000,
])
def test_odd_input_does_not_crash(text: str) -> None:
    findings = scan(text)
    for f in findings:
        assert text[f.start:f.end] == f.term


def test_nul_bytes_do_not_hide_a_term() -> None:
    assert {f.category for f in scan("x\x00cardiaque\x00y")} == {"health"}


def test_none_and_bytes_are_tolerated() -> None:
    assert scan(None) == []  # type: ignore[arg-type]
    assert scan("sous chimio".encode()) != []  # type: ignore[arg-type]


def _best_of(runs: int, fn) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _growth(make_text, small: int) -> float:
    """How much longer a text eight times as long takes (linear ≈ 8, quadratic ≈ 64). A
    ratio measured in the same run, best of five, with room for a loaded CI machine
    (measured ≈ 10 quiet, up to ≈ 25 with the other core busy)."""
    a, b = make_text(small), make_text(8 * small)
    return _best_of(5, lambda: vocabulary_scan(b)) / max(_best_of(5, lambda: vocabulary_scan(a)), 1e-6)


def test_one_megabyte_scans_without_error_and_in_linear_time() -> None:
    chunk = "Locataire cardiaque, fuite d'eau, sans papiers, Привет 😀 \x00 \ud800. "

    def make(n: int) -> str:
        return (chunk * (n // len(chunk) + 1))[:n]

    text = make(1_000_000)
    started = time.perf_counter()
    findings = scan(text)  # hybrid: vocabulary over all of it, the model over a bounded prefix
    assert time.perf_counter() - started < 15.0
    assert findings and all(text[f.start:f.end] == f.term for f in findings[:100])
    assert _growth(make, 150_000) < 40.0


@pytest.mark.parametrize("text", [None, b"\xff\xfe sous chimio", bytearray(b"abc"), 12, "\ud800\udfff", "\x00" * 1000,
                                  "", " \n\t ", "." * 5000, "M. M. M. M.", "et et et , , ;;"])
def test_malformed_input_gives_a_list_in_scan_and_scan_many(text) -> None:
    found = scan(text)
    assert isinstance(found, list)
    assert scan_many([text]) == [found]


def test_pathological_repetition_is_linear() -> None:
    assert _growth(lambda n: "sort de " * (n // 8) + "détention", 150_000) < 40.0
