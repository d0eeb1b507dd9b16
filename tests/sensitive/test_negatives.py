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


# data/GUIDE.md "Procedures, benefits and protection measures" (fourth round), as the eval
# GUIDE: the procedure, the benefit or the measure named by itself is not the person's precarity.
PROCEDURES = [
    "M. Faure a déposé un dossier de surendettement, recevable depuis mars : relances suspendues.",
    "Mme Colin est sous curatelle, tous les courriers en copie à sa mandataire.",
    "Locataire bénéficiaire du RSA, attestation CAF jointe au dossier.",
    "Tenant is on a debt relief order; the arrears are included in it.",
    "Her appointee (her son) now pays the rent from her account.",
]


@pytest.mark.parametrize("text", PROCEDURES)
def test_a_debt_procedure_a_benefit_or_a_protection_measure_alone_is_not_flagged(text: str) -> None:
    assert {f.category for f in Scanner(model=None).scan(text)} == set()  # no longer a vocabulary term
    assert categories(text) == set()


@pytest.mark.parametrize(("text", "category"), [
    ("Surendettée, elle ne mange plus à sa faim depuis l'hiver.", "social_precarity"),
    ("On a DRO and still using the food bank every week, nothing left after the gas.", "social_precarity"),
    ("Sous curatelle depuis sa schizophrénie, l'UDAF gère son budget.", "health"),
])
def test_what_surrounds_the_procedure_is_still_found(text: str, category: str) -> None:
    assert category in categories(text)


@pytest.mark.parametrize("text", [
    "Mrs Gay (no. 5) reports her brown bin stolen, new one ordered.",
    "M. Juif a rendu ses clés au gardien.",
    "Mme Malade a signé l'avenant.",
    "MME NOIR A APPELE POUR LE CHAUFFAGE",
])
def test_a_word_after_a_courtesy_title_is_a_surname(text: str) -> None:
    assert Scanner(model=None).scan(text) == []


def test_the_same_words_without_a_title_or_as_an_abbreviation_are_still_found() -> None:
    vocabulary = Scanner(model=None)
    assert {f.category for f in vocabulary.scan("Monsieur est juif pratiquant.")} == {"religion"}
    assert {f.category for f in vocabulary.scan("Il est gay.")} == {"sex_life"}
    assert {f.category for f in vocabulary.scan("Monsieur SDF dans le hall ce soir.")} == {"social_precarity"}
    assert vocabulary.scan("Photos de l'EDL sur CD-ROM, support illisible.") == []


# A job, a landmark, motion sickness: excluded phrases (vocab/exclusions.txt, sixth round); the same
# term used of the person still counts.
@pytest.mark.parametrize("text, category", [
    ("Coach is Dean Marsh from no.41, he's a prison officer at HMP Pentonville.", "offence"),
    ("Son fils est surveillant pénitentiaire à Fleury, il passera le samedi.", "offence"),
    ("Sa sœur, infirmière à l'hôpital Tenon, lui a conseillé un modèle silencieux.", "health"),
    ("Put Dawn in the front seat, she gets car sick otherwise.", "health"),
    ("Pick-up point by the synagogue on the high street, 9 am.", "religion"),
    ("Rendez-vous au café en face de la mosquée à 15 h.", "religion"),
])
def test_a_job_a_landmark_or_car_sickness_is_not_a_vocabulary_finding(text: str, category: str) -> None:
    assert category not in {f.category for f in Scanner(model=None).scan(text)}


@pytest.mark.parametrize("text, category", [
    ("Son fils a fait de la prison, il sort le mois prochain.", "offence"),
    ("Her son is in prison until March.", "offence"),
    ("Mme Roux est à l'hôpital depuis lundi.", "health"),
    ("He goes to the synagogue every Saturday morning.", "religion"),
])
def test_the_same_terms_about_the_person_still_count(text: str, category: str) -> None:
    assert category in {f.category for f in Scanner(model=None).scan(text)}


@pytest.mark.parametrize("text, expected", [
    # R14 (tenth round): "bypass" alone is a meter tampered with or a shortlist passed over
    ("REFERRAL - FLAT 16 - EMPTY. BYPASSED ELECTRICS FOUND IN THE SPARE ROOM BY THE VOID CONTRACTOR.", set()),
    ("Bypassed: property outside the area the applicant asked for. Next on list.", set()),
    # the operation is still named
    ("Tom is back on 9 Jan on a phased return after his triple bypass.", {"health"}),
    ("Off for six weeks after a heart bypass.", {"health"}),
])
def test_bypass_is_health_only_as_the_operation(text: str, expected: set) -> None:
    assert {f.category for f in Scanner(model=None).scan(text)} == expected
