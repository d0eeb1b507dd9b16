"""The model does not read people's names: a note's scores do not depend on the surname it carries."""
from __future__ import annotations

import numpy as np
import pytest

from portal.sensitive import active_model
from portal.sensitive.features import words
from portal.sensitive.names import masked
from portal.sensitive.scanner import Scanner


@pytest.mark.parametrize("text, expected", [
    ("M. Cohen demande un bac à sel.", "M. X demande un bac à sel."),
    ("Gritting request from Mr Abubakar, Block 2.", "Gritting request from Mr X, Block 2."),
    ("Mme Lévy et Mrs Khan", "Mme X et Mrs X"),
    ("Monsieur est juif pratiquant.", "Monsieur est juif pratiquant."),  # no name: a word between
    ("Monsieur SDF dans le hall.", "Monsieur SDF dans le hall."),  # an abbreviation, not a name
    ("la famille Rom du 3e", "la famille Rom du 3e"),  # no courtesy title
    ("", ""),
])
def test_a_surname_after_a_courtesy_title_is_masked(text: str, expected: str) -> None:
    assert masked(text) == expected


def test_the_features_read_a_surname_as_one_placeholder() -> None:
    assert words("M. Cohen appelle") == words("M. Martin appelle") == ["m", "x", "appelle"]
    assert words("Il s'appelle Cohen") != words("Il s'appelle Martin")  # no title: not known to be a name


@pytest.mark.parametrize("text", [
    "Referral for Ms Amy Gay, recommended by the lettings manager.",
    "Referral for Amy Gay, recommended by the lettings manager.",
    "Demande de badge pour Sarah Juif, nouvelle au siège.",
])
def test_a_surname_after_a_given_name_is_not_a_vocabulary_term(text: str) -> None:
    # R13a (tenth round): "Gay" after "Amy" is her surname, as "Gay" after "Mrs" is
    assert Scanner(model=None).scan(text) == []


@pytest.mark.parametrize("text", [
    "Amy, gay, asked for a transfer to be nearer her girlfriend.",
    "AMY GAY AND PROUD",
])
def test_a_category_word_after_a_name_but_not_a_surname_is_still_found(text: str) -> None:
    assert "sex_life" in {f.category for f in Scanner(model=None).scan(text)}


@pytest.mark.parametrize("pair", [
    ("Gritting request from Mr Abubakar: he leaves at 5.30 for his shift at the bakery.",
     "Gritting request from Mr Smith: he leaves at 5.30 for his shift at the bakery."),
    ("mail Mme Cohen bat F : demande que l'allée soit salée dès le vendredi après-midi.",
     "mail Mme Durand bat F : demande que l'allée soit salée dès le vendredi après-midi."),
])
def test_the_model_scores_the_note_not_the_name(pair: tuple[str, str]) -> None:
    model = active_model()
    if model is None:
        pytest.skip("no model installed")
    first, second = (model.judge(text, force_full=True) for text in pair)
    assert np.allclose(first.scores, second.scores, atol=1e-6)
    assert abs(first.sensitive - second.sensitive) < 1e-6
