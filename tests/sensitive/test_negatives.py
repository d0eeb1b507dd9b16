"""Innocent wording is not flagged: building notes, language preferences, CAF visits."""
from __future__ import annotations

import pytest

from portal.sensitive import Scanner

from .helpers import categories

NEGATIVES = [
    "Le cœur de l'immeuble est en travaux.",
    "Le coeur de l'immeuble est en travaux.",
    "Détecteur de fumée remplacé.",
    "Visite de la CAF prévue.",
    "Prefers letters in French.",
    "Asked for letters in French rather than English.",
    "Préfère les courriers en français.",
    "Ascenseur malade depuis lundi.",
    "Cage d'escalier sale.",
    "Relance pour ts les documents.",  # lower-case "ts" is "tous"
    "Rendez-vous le 12 sep.",  # lower-case "sep" is a month
    "Travaux prévus en septembre.",
    "Mise en demeure envoyée.",
    "Le syndic de copropriété a répondu.",
    "Salle de séjour repeinte.",
    "Paie religieusement son loyer.",
    "Prière de fermer la porte.",
    "Porte condamnée au sous-sol.",
    "Dépôt sauvage dans la cour.",
    "L'origine de la fuite est trouvée.",
    "Window blind broken.",
    "Crack in the bathroom wall.",
    "Amiante cancérigène dans les dalles.",
    "Façade sud à repeindre.",
    "Bruit sourd dans la colonne.",
    "",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_innocent_wording_is_not_flagged(text: str) -> None:
    assert categories(text) == set()


def test_french_counts_as_origin_only_about_nationality() -> None:
    assert "origin" not in categories("Parle français et anglais.")
    assert "origin" in categories("Il n'est pas français.")
    assert "origin" in categories("He is not a French citizen.")


@pytest.mark.parametrize("text", [
    "Mandat SEPA réf. SEP-4410 signé, prélèvement le 5 du mois.",
    "Dossier TS/118 classé sans suite.",
    "Form ref 2291-MS returned.",
])
def test_an_abbreviation_glued_to_a_number_is_a_reference_not_a_term(text: str) -> None:
    # "SEP" (sclérose en plaques), "TS", "MS" stand alone as terms; "SEP-4410" is a file number
    vocabulary = Scanner(model=None)
    assert vocabulary.scan(text) == []
    assert categories(text) == set()


def test_the_same_abbreviations_standing_alone_are_still_found() -> None:
    vocabulary = Scanner(model=None)
    assert {f.term for f in vocabulary.scan("Mme Garnier a une SEP depuis 2019, TS en mai.")} == {"SEP", "TS"}
    assert {f.category for f in vocabulary.scan("Diagnosed with MS-related fatigue.")} == {"health"}
