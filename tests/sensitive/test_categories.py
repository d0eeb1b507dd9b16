"""Each category is caught in French and English, with or without accents, inflected,
abbreviated and misspelt."""
from __future__ import annotations

import pytest

from portal.sensitive import CATEGORIES, Finding, scan

from .helpers import categories

CASES = [
    # health
    ("health", "Locataire cardiaque, rez-de-chaussée."),
    ("health", "Deux locataires CARDIAQUES dans la cage B."),
    ("health", "Madame est dépressive."),
    ("health", "madame est depressive"),
    ("health", "monsieur est depresif"),  # misspelt
    ("health", "Sous chimio depuis mars."),
    ("health", "sous chimioterapie"),  # misspelt
    ("health", "Porteur du VIH."),
    ("health", "A fait un AVC en juin."),
    ("health", "A fait une TS."),
    ("health", "Diagnostic de SEP."),
    ("health", "Prise en charge ALD."),
    ("health", "Dossier MDPH déposé."),
    ("health", "Suivi en psychiatrie."),
    ("health", "Tentative de suicide l'an dernier."),
    ("health", "hospitalisee depuis lundi"),
    ("health", "Tenant is HIV positive."),
    ("health", "Living with AIDS."),
    ("health", "He had a stroke."),
    ("health", "Suffers from depression."),
    # offence
    ("offence", "Sort de détention le 3."),
    ("offence", "sort de detention le 3"),
    ("offence", "A un casier judiciaire."),
    ("offence", "Incarcérée à Fresnes."),
    ("offence", "Has a criminal record."),
    ("offence", "He is on probation."),
    # origin
    ("origin", "N'est pas de nationalité française."),
    ("origin", "Titre de séjour expiré."),
    ("origin", "Famille sans papiers."),
    ("origin", "famille sans-papiers"),
    ("origin", "He is not French."),
    ("origin", "Of Algerian origin."),
    ("origin", "Undocumented immigrant."),
    # religion
    ("religion", "Famille très pratiquante."),
    ("religion", "Musulmane pratiquante."),
    ("religion", "Devout Muslim."),
    # politics_union
    ("politics_union", "Déléguée syndicale CGT."),
    ("politics_union", "Trade union representative."),
    # sex_life
    ("sex_life", "Couple homosexuel."),
    ("sex_life", "She is a lesbian."),
    # social_precarity
    ("social_precarity", "Ancien SDF."),
    ("social_precarity", "Violence conjugale signalée."),
    ("social_precarity", "Vit des colis des Restos du cœur."),
    ("social_precarity", "Uses the food bank."),
    # subjective
    ("subjective", "Locataire désagréable et paresseux."),
    ("subjective", "locataire desagreable"),
    ("subjective", "Very rude and lazy person."),
    ("subjective", "Personne sale."),
]


@pytest.mark.parametrize(("category", "text"), CASES)
def test_category_is_found(category: str, text: str) -> None:
    assert category in categories(text)


def test_categories_are_the_eight_keys() -> None:
    assert CATEGORIES == ("health", "offence", "origin", "religion", "politics_union",
                          "sex_life", "social_precarity", "subjective")


def test_violence_conjugale_is_both_offence_and_precarity() -> None:
    assert {"offence", "social_precarity"} <= categories("Violence conjugale.")


def test_finding_is_frozen_and_carries_the_term() -> None:
    finding = scan("Locataire séropositif.")[0]
    assert isinstance(finding, Finding)
    assert (finding.category, finding.term) == ("health", "séropositif")
    with pytest.raises(AttributeError):
        finding.category = "origin"  # type: ignore[misc]


def test_findings_are_sorted_and_unique() -> None:
    findings = scan("Cardiaque, ancien SDF, sous chimio, cardiaque.")
    keys = [(f.start, f.end, f.category) for f in findings]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))


def test_phrase_wins_over_its_inner_word() -> None:
    findings = scan("Malade du cœur.")
    assert [f.term for f in findings] == ["Malade du cœur"]


# Terms added in the sixth round from the kinds of misses of the former blind set Q: the vocabulary
# alone finds them (each fails with its line taken out of vocab/).
@pytest.mark.parametrize("category, text", [
    ("politics_union", "Long service: Mick Doyle, 35 years, our GMB convenor."),
    ("politics_union", "She has been UNISON branch secretary since 2019."),
    ("offence", "Annual check: 6 points, DR10 endorsement from March."),
    ("offence", "Banned for drink-driving last year."),
    ("offence", "Bureau fermé le jeudi pour ses rendez-vous dans le cadre de son aménagement de peine."),
    ("religion", "Elle est catéchiste à la paroisse depuis quinze ans."),
    ("sex_life", "Kim is non-binary and asked for the badge to show Kim only."),
    ("subjective", "Un tire-au-flanc qui attend la retraite."),
])
def test_terms_added_for_unions_drink_driving_lay_roles_and_identity(category: str, text: str) -> None:
    from portal.sensitive import Scanner

    assert category in {f.category for f in Scanner(model=None).scan(text)}


# Terms added in the seventh round from the kinds of misses of the former blind set R (R4): the
# vocabulary alone finds them (each fails with its line taken out of vocab/).
@pytest.mark.parametrize("category, text", [
    ("politics_union", "French C2. She also sits as a Lib Dem councillor for Hartside ward."),
    ("politics_union", "Training booking: TUC Stage 2 reps course, ten days."),
    ("religion", "Yiddish: we speak it at home and at shul, the community is Haredi."),
    ("religion", "Absence pour la chiva de sa mère, prières chaque soir avec le minyan."),
    ("religion", "Mum's funeral mass on Friday and the rosary at the house the night before."),
    ("religion", "Trois semaines de pèlerinage à La Mecque en juin."),
    ("offence", "Stage imposé dans le cadre d'une composition pénale après un délit de fuite."),
    ("offence", "He is under police investigation for the assault outside the depot."),
    ("social_precarity", "The winter I was sleeping in the doorway of the old Woolworths."),
])
def test_terms_added_for_parties_reps_courses_observance_and_doorways(category: str, text: str) -> None:
    from portal.sensitive import Scanner

    assert category in {f.category for f in Scanner(model=None).scan(text)}
