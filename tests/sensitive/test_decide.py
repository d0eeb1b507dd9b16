"""The hybrid rule (``model.decide``) on hand-made judgements: what each check keeps.

No training and no encoder: the shipped model gives the settings, the judgements are
built here so each rule is seen alone."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from portal.sensitive.model import Judgement, decide
from portal.sensitive.modelfile import SHIPPED_MODEL, load
from portal.sensitive.vocab import CATEGORIES

K = len(CATEGORIES)
HEALTH = CATEGORIES.index("health")


@pytest.fixture(scope="module")
def model():
    return replace(load(SHIPPED_MODEL), sensitive_threshold=0.4, thresholds={c: 0.5 for c in CATEGORIES},
                   veto={c: 0.3 for c in CATEGORIES}, veto_note=0.05)


def _judgement(health: float, sensitive: float, full: bool = True, cleared: bool = False) -> Judgement:
    scores = np.zeros(K)
    scores[HEALTH] = health
    return Judgement(scores, full, [(0, 10)], scores[None, :], cleared=cleared, sensitive=sensitive)


def test_a_model_only_flag_needs_the_note_to_be_sensitive_as_a_whole(model) -> None:
    assert decide(model, _judgement(0.9, sensitive=0.8), set(), set()) == (set(), {"health"})
    # one category's head says yes, the note-level head says the note is innocent: no flag
    assert decide(model, _judgement(0.9, sensitive=0.2), set(), set()) == (set(), set())


def test_the_note_level_check_is_off_at_zero(model) -> None:
    assert decide(replace(model, sensitive_threshold=0.0), _judgement(0.9, sensitive=0.0), set(), set()) \
        == (set(), {"health"})


def test_fast_heads_deciding_alone_are_not_second_guessed(model) -> None:
    assert decide(model, _judgement(0.9, sensitive=1.0, full=False), set(), set()) == (set(), {"health"})


def test_an_unambiguous_vocabulary_term_always_stands(model) -> None:
    assert decide(model, _judgement(0.0, sensitive=0.0), {"health"}, set()) == ({"health"}, set())
    assert decide(model, _judgement(0.0, sensitive=0.0, cleared=True), {"health"}, set()) == ({"health"}, set())


def test_an_ambiguous_term_is_vetoed_when_the_model_is_sure_it_is_not_about_its_category(model) -> None:
    assert decide(model, _judgement(0.1, sensitive=0.9), set(), {"health"}) == (set(), set())
    assert decide(model, _judgement(0.35, sensitive=0.9), set(), {"health"}) == ({"health"}, set())
    assert decide(model, _judgement(0.9, sensitive=0.9, cleared=True), set(), {"health"}) == (set(), set())


def test_an_ambiguous_term_in_a_note_judged_innocent_as_a_whole_is_vetoed(model) -> None:
    # "infirmière de nuit à l'hôpital": the health head leans, the note as a whole is innocent
    assert decide(model, _judgement(0.6, sensitive=0.03), set(), {"health"}) == (set(), set())
    assert decide(model, _judgement(0.6, sensitive=0.5), set(), {"health"}) == ({"health"}, set())
    # an unambiguous term is not touched by it
    assert decide(model, _judgement(0.6, sensitive=0.03), {"health"}, set()) == ({"health"}, set())
