"""A same-sex partner named by grammar reveals orientation (labelling guides, ``sex_life``):
``couples.py``, through the vocabulary scanner and the hybrid guard."""
from __future__ import annotations

import pytest

from portal.sensitive import Scanner
from portal.sensitive.features import raw_features, read

from .helpers import categories

SAME_SEX = [
    "M. Roche et son mari ont signé l'avenant au bail.",
    "Mme Blanc vit avec sa compagne depuis 2019, demande d'ajout au bail.",
    "Mme Blanc : c'est sa femme qui rapportera les clés.",
    "She said her wife will bring the spare keys on Monday.",
    "Mr Osei and his partner Mr Lund asked for a joint tenancy.",
    "Mr Ali's husband rang about the boiler.",
]
NOT_SAME_SEX = [
    "M. Roche et sa femme ont signé l'avenant au bail.",
    "Mme Blanc et son mari demandent un rendez-vous.",
    "M. Roche : sa fille et son compagnon emménagent en mars.",
    "Mme Blanc a prévenu sa femme de ménage pour le passage du plombier.",
    "He said his wife will bring the spare keys on Monday.",
    "Ms Lund and her partner Mr Osei asked for a joint tenancy.",
    "Mrs Ali's husband rang about the boiler.",
    "Her partner called about the boiler.",
]

# R18 (fourteenth round): a wedding names both persons and no partner word; the grammar reads the two
# sexes from the names, the possessive or the subject. The other-sex twins stay unflagged; a relative's
# wedding ("her son is marrying Tom") and a married name (« épouse Durand ») name no couple.
WEDDING_SAME_SEX = [
    "M. Garnier demande à reporter 8 jours de congé pour son mariage avec M. Poulain en mai.",
    "Dev asks to keep 6 days for his wedding to Callum in August; approved.",
    "Agnès nous dit qu'elle se marie avec Élodie le 12 juin, congé posé.",
    "Leave form: Ms Patel is getting married to Ms Greer on 3 May.",
    # R21 (sixteenth round): « épouser » after an auxiliary, and « M. »'s dot before the verb
    "Sylvain B. garde son alliance sur le chantier, accord du chef : il a épousé Pierre en juin.",
    "M. Roy se marie avec M. Dupont le 4 avril, congé accordé.",
]
WEDDING_OTHER_SEX = [
    "M. Garnier demande à reporter 8 jours de congé pour son mariage avec Mme Poulain en mai.",
    "Dev asks to keep 6 days for his wedding to Chloe in August; approved.",
    "Agnès nous dit qu'elle se marie avec Mathieu le 12 juin, congé posé.",
    "Leave form: Ms Patel is getting married to Mr Greer on 3 May.",
    "Leave form: Mrs Okafor's son is marrying Tom on 3 May, she asks for the Friday.",
    "Sylvain B. garde son alliance sur le chantier, accord du chef : il a épousé Pauline en juin.",
    "M. Roy se marie avec Mme Dupont le 4 avril, congé accordé.",
    "M. Roy : sa fille a épousé Julie en juin, il pose le vendredi.",
]
MARRIED_NAME = "Mme Sophie Martin épouse Laurent : changement d'adresse de facturation."


@pytest.mark.parametrize("text", SAME_SEX + WEDDING_SAME_SEX)
def test_a_same_sex_partner_is_found_by_the_vocabulary_scanner(text: str) -> None:
    assert {f.category for f in Scanner(model=None).scan(text)} == {"sex_life"}


@pytest.mark.parametrize("text", SAME_SEX + WEDDING_SAME_SEX)
def test_a_same_sex_partner_is_flagged_by_the_guard(text: str) -> None:
    assert "sex_life" in categories(text)


@pytest.mark.parametrize("text", NOT_SAME_SEX + WEDDING_OTHER_SEX + [MARRIED_NAME])
def test_a_different_sex_partner_or_someone_else_s_is_not_read_as_orientation(text: str) -> None:
    assert Scanner(model=None).scan(text) == []


def test_the_finding_highlights_the_partner_words() -> None:
    text = "Mme Blanc vit avec sa compagne depuis 2019."
    (finding,) = Scanner(model=None).scan(text)
    assert text[finding.start:finding.end] == "sa compagne"


@pytest.mark.parametrize("text, marks", [
    ("Mr Ellis and his partner Ms Ward have moved in together.", ["g:other_sex_partner"]),
    ("Mme Faure et son compagnon, pacsés depuis mai.", ["g:other_sex_partner"]),
    ("Mr Dixon says his wife's mother will stay with them.", ["g:other_sex_partner"]),
    ("Mrs Kelly and her wife asked for a joint tenancy.", ["g:same_sex_partner"]),
    ("M. Roche : sa fille et son compagnon emménagent en mars.", []),  # the daughter's partner
    ("Her partner called about the boiler.", []),  # no sex given
])
def test_the_model_reads_what_the_grammar_says_of_a_couple(text: str, marks: list[str]) -> None:
    """The n-gram features carry the couple's grammar, so that the model can learn that
    "wife" says nothing sexual when the couple is of two sexes (features.read)."""
    assert read(text)[1] == marks
    assert all(raw_features(text)[mark] == 1 for mark in marks)


def _other_sex_only(text: str, clause: str) -> bool:
    from portal.sensitive.couples import other_sex_only
    from portal.sensitive.normalize import tokenize

    start = text.index(clause)
    return other_sex_only(text, list(tokenize(text)), start, start + len(clause))


@pytest.mark.parametrize("text, clause, expected", [
    # the title that gives the possessor's sex stands before the clause: the note's tokens are read
    ("Kit remis à M. Da Silva et sa compagne, qui viennent d'avoir une petite fille.", "sa compagne", True),
    ("Fiche remplie par Mme Lucas et son mari, M. Diaz.", "et son mari, M. Diaz.", True),
    ("He said his wife will bring the spare keys on Monday.", "He said his wife will bring the spare keys on Monday.", True),
    ("Mme Blanc vit avec sa compagne depuis 2019.", "vit avec sa compagne depuis 2019.", False),  # same sex
    ("Her partner called about the boiler.", "Her partner called about the boiler.", False),  # no sex given
    ("M. Roche et sa femme ont signé. Sa voisine est venue.", "Sa voisine est venue.", False),  # not in the clause
])
def test_a_clause_naming_only_a_partner_of_the_other_sex(text: str, clause: str, expected: bool) -> None:
    assert _other_sex_only(text, clause) is expected


def test_without_other_sex_partners_takes_out_only_the_couple() -> None:
    from portal.sensitive.couples import without_other_sex_partners
    from portal.sensitive.normalize import tokenize

    text = "Mme Lucas et son mari, M. Diaz, viennent chercher Léa ; Mme Blanc et sa femme aussi."
    assert without_other_sex_partners(text, list(tokenize(text))) == \
        "Mme Lucas , M. Diaz, viennent chercher Léa ; Mme Blanc et sa femme aussi."


@pytest.mark.parametrize("text, without", [
    # R16 (twelfth round): the word that joins the partner to its person goes with the partner
    ("Mr Lyle and his wife want a two bed joint tenancy, both ex-Navy.",
     "Mr Lyle  want a two bed joint tenancy, both ex-Navy."),
    ("M. Girard vient avec sa femme signer le bail.", "M. Girard vient  signer le bail."),
    # a word that does not join them stays
    ("Lettre anonyme : M. Perrin trompe sa femme avec la voisine.", "Lettre anonyme : M. Perrin trompe  avec la voisine."),
])
def test_the_joining_word_goes_with_the_partner(text: str, without: str) -> None:
    from portal.sensitive.couples import without_other_sex_partners
    from portal.sensitive.normalize import tokenize

    assert without_other_sex_partners(text, list(tokenize(text))) == without


def test_a_model_flag_carried_by_a_couple_of_the_other_sex_is_dropped() -> None:
    # the shipped model gives sex_life for this note (its clause "son compagnon M. Cohen"); once the
    # couple is taken out it does not, and a PACS of a man and a woman is not sensitive (GUIDE)
    assert "sex_life" not in categories("Mme Faure et son compagnon M. Cohen, pacsés depuis mai, demandent l'ajout au bail.")


def test_an_affair_keeps_its_flag_though_it_names_a_wife() -> None:
    assert "sex_life" in categories("Lettre anonyme : M. Perrin du 2e trompe sa femme avec la voisine du 5, tout le monde le sait.")


# R5 (seventh round): the speaker of a first-person possessive, and a person carried on by a
# subject pronoun, give the possessor's sex to the scanner's findings (``couples.reported_partners``).
REPORTED_SAME_SEX = [
    "Registre langues : Mme Laura Schmitt, allemand courant : « ma femme est née à Hambourg ».",
    "Mme Corinne Baudet demande un acompte sur salaire ; elle explique qu'elle avance seule les frais du "
    "dossier d'adoption engagé avec sa femme.",
    "M. Rémi Blanc (chargé de clientèle, arrivé en mars) propose de parrainer un nouvel arrivant ; il précise "
    "que son mari travaille aussi chez nous.",
    "Mr Jason Lowe: happy to mentor anyone, my husband says I talk too much.",
]
REPORTED_NOT_SAME_SEX = [
    "Registre langues : Mme Laura Schmitt, allemand courant : « mon mari est né à Hambourg ».",
    "Mme Julie Caron se propose comme marraine des nouveaux arrivants ; elle vit avec son compagnon à Montreuil.",
    "Mme Dupont a appelé pour le bail ; sa fille dit qu'elle viendra avec sa femme.",  # the daughter's
    "Mme Corinne Baudet demande un acompte sur salaire ; il explique que les frais du dossier sont avancés "
    "par sa femme.",  # "il" is someone else: no possessor
    "Mr Jason Lowe: happy to mentor anyone, my wife says I talk too much.",
]


@pytest.mark.parametrize("text", REPORTED_SAME_SEX)
def test_a_same_sex_partner_named_in_the_first_person_or_after_a_pronoun_is_found(text: str) -> None:
    assert {f.category for f in Scanner(model=None).scan(text)} == {"sex_life"}


@pytest.mark.parametrize("text", REPORTED_NOT_SAME_SEX)
def test_a_reported_partner_of_the_other_sex_or_someone_else_s_is_not_read_as_orientation(text: str) -> None:
    assert "sex_life" not in {f.category for f in Scanner(model=None).scan(text)}


def test_the_model_still_reads_the_couples_it_was_trained_on() -> None:
    # the features read couples.partners only: the shipped model was trained on that grammar
    assert read("Mme Laura Schmitt : « ma femme est née à Hambourg ».")[1] == []


def test_a_model_flag_carried_by_a_reported_couple_of_the_other_sex_is_dropped() -> None:
    # R6 (seventh round): the shipped model gives sex_life for this note (its clause "mon mari est né à
    # Hambourg"); the sixth round's rule now reads the first-person couple too
    text = "Registre langues : Mme Laura Schmitt, allemand courant : « mon mari est né à Hambourg, on parle allemand à la maison »."
    assert "sex_life" not in categories(text)


# R7 (eighth round): a capitalised given name of one sex names a person as a courtesy title does
# (``persons.given_names``, ``data/given_names.txt``), for the scanner's findings only.
NAMED_SAME_SEX = [
    "Covoiturage : Sandrine ne pourra pas conduire vendredi, elle accompagne sa compagne à l'aéroport.",
    "Karim prend deux jours pour son mariage avec son compagnon, Youssef.",
    "Emily from payroll: my wife will collect the parking permit.",
    "Mme Martin : « ma femme passera prendre le badge ».",  # a surname after a title: the title speaks
]
NAMED_NOT_SAME_SEX = [
    "Covoiturage : Sandrine ne pourra pas conduire vendredi, elle accompagne son compagnon à l'aéroport.",
    "Karim prend deux jours pour son mariage avec sa compagne, Inès.",
    "Emily from payroll: my husband will collect the parking permit.",
    "Julie Martin : « mon compagnon passera prendre le badge ».",  # Martin after Julie is a surname
    "Karim a appelé : sa soeur Leila viendra avec son mari.",  # Leila's husband
]


@pytest.mark.parametrize("text", NAMED_SAME_SEX)
def test_a_same_sex_partner_of_a_person_named_by_a_given_name_is_found(text: str) -> None:
    assert {f.category for f in Scanner(model=None).scan(text)} == {"sex_life"}


@pytest.mark.parametrize("text", NAMED_NOT_SAME_SEX)
def test_a_partner_of_the_other_sex_of_a_person_named_by_a_given_name_is_not_orientation(text: str) -> None:
    assert "sex_life" not in {f.category for f in Scanner(model=None).scan(text)}


def test_the_given_names_list_gives_clear_names_only() -> None:
    from portal.sensitive.persons import given_names

    names = given_names()
    assert names["julie"] == "f" and names["mathieu"] == "m" and names["priya"] == "f" and names["owen"] == "m"
    assert "camille" not in names and "dominique" not in names and "andrea" not in names


@pytest.mark.parametrize("text", [
    "Mr Lyle and his wife want a 2 bed, joint tenancy, both ex-Navy.",  # flag's clause: "Mr Lyle"
    "Ms Hale mentioned she and her husband run the allotment rota.",  # "Ms Hale mentioned she"
    # the ninth round's model no longer flags the two above; it flags these two
    "Ms Patel said she and her husband would both like to be on the tenancy.",
    "Mr Lyle and his wife want a two bed joint tenancy, both ex-Navy.",
])
def test_a_model_flag_is_dropped_when_a_couple_of_the_other_sex_elsewhere_in_the_note_carried_it(text: str) -> None:
    # R8 (eighth round): the shipped model gives sex_life for these notes from a clause that does
    # not hold the couple; once the couple is taken out of the note it no longer does
    assert "sex_life" not in categories(text)


def test_a_note_wide_couple_of_the_other_sex_does_not_hide_a_same_sex_one() -> None:
    text = "Car share list: Gary and his wife Joanne travel in together; Neil and his husband Rob too."
    assert "sex_life" in categories(text)


# R11 (ninth round), for the scanner's findings only: a French possessive whose person stands
# earlier in the same sentence, beyond the eight words looked at before, with no one else named
# between; and a partner word followed by the person it belongs to ("wife of …", "le mari de …").
FAR_OR_OF_SAME_SEX = [
    "Mme Ribeiro demande que son badge de parking soit partagé avec sa femme, qui travaille au siège.",
    "Dossier M. Antoine Meyer : fuite au compteur du garage, c'est son mari qui a relevé l'index.",
    "Visitor pass for Tom Hale, husband of our planner Ian Booth.",
    "Badge visiteur pour M. Lemaire, le mari de notre collègue Olivier Fontan.",
]
FAR_OR_OF_NOT_SAME_SEX = [
    "Mme Ribeiro demande que son badge de parking soit partagé avec son mari, qui travaille au siège.",
    "Dossier M. Antoine Meyer : fuite au compteur du garage, c'est sa femme qui a relevé l'index.",
    "Mme Roux a appelé pour la fuite de la salle de bains, le plombier viendra avec sa femme.",  # the plumber's
    "Mme Roux a signalé la fuite hier soir. Le technicien passera jeudi avec sa femme.",  # another sentence
    "Visitor pass for Dean Price, husband of our cleaner Joy Price.",
    "Mme Petit : la femme de ménage de Mme Diaz passera le matin.",  # a trade, not a partner
    "Mr Lee, husband of Mrs Lee's sister, will collect the keys.",  # the sister's husband
]


@pytest.mark.parametrize("text", FAR_OR_OF_SAME_SEX)
def test_a_same_sex_partner_further_back_or_named_with_of_is_found(text: str) -> None:
    assert {f.category for f in Scanner(model=None).scan(text)} == {"sex_life"}


@pytest.mark.parametrize("text", FAR_OR_OF_NOT_SAME_SEX)
def test_a_far_or_of_partner_of_the_other_sex_or_someone_else_s_is_not_orientation(text: str) -> None:
    assert "sex_life" not in {f.category for f in Scanner(model=None).scan(text)}


@pytest.mark.parametrize("text", [
    "Parking permit for Sarah Bell, wife of our caretaker Mark Ellis, who picks him up after his shift.",
    "Badge visiteur pour Claire Dumas, la femme de notre collègue Marc Aubert, qui le dépose le matin.",
    "M. Thierry Blanc : fuite sous l'évier, c'est sa compagne, Mme Laura Petit, qui a prévenu la gardienne.",
    "Mme Sarah Klein demande que la place 12 soit partagée avec son compagnon, Hugo Martin, chauffeur à la régie.",
])
def test_a_model_flag_carried_by_a_far_or_of_couple_of_the_other_sex_is_dropped(text: str) -> None:
    # R11 (ninth round): the shipped model gives sex_life for these notes; the couple the
    # grammar now reads is of the other sex, and without it the model no longer does
    assert "sex_life" not in categories(text)


# R13b/c (tenth round), for the scanner's findings only: a modifier between the possessive and the
# partner word ("his former partner", "her late wife", "son ancien compagnon"), and an English
# "partner" whose sex a given name after it gives ("his partner Steven").
MODIFIED_OR_NAMED_SAME_SEX = [
    "Bankruptcy petition by Mr Grant: most of the debt is the loan he took out with his former partner Steven.",
    "Mrs Hale asks for the tenancy to stay in her name since her late wife died in March.",
    "Mr Dean moved in with his partner Steven last spring; joint tenancy requested.",
    "Dossier de M. Morel : ses dettes sont celles de son ancien compagnon, parti en laissant les crédits.",
    "Mme Leroy demande un badge pour sa future épouse, qui commence au siège lundi.",
]
MODIFIED_OR_NAMED_NOT_SAME_SEX = [
    "Bankruptcy petition by Mr Grant: most of the debt is the loan he took out with his former partner Sarah.",
    "Mrs Hale asks for the tenancy to stay in her name since her late husband died in March.",
    "Mr Dean moved in with his partner Sarah last spring; joint tenancy requested.",
    "Dossier de M. Morel : ses dettes sont celles de son ancienne compagne, partie en laissant les crédits.",
    "Mme Leroy demande un badge pour son futur époux, qui commence au siège lundi.",
    "Mr Dean asked his new partner about the rota.",  # "partner" with no sex given
]


@pytest.mark.parametrize("text", MODIFIED_OR_NAMED_SAME_SEX)
def test_a_same_sex_former_late_or_named_partner_is_found(text: str) -> None:
    assert {f.category for f in Scanner(model=None).scan(text)} == {"sex_life"}


@pytest.mark.parametrize("text", MODIFIED_OR_NAMED_NOT_SAME_SEX)
def test_a_former_late_or_named_partner_of_the_other_sex_is_not_orientation(text: str) -> None:
    assert "sex_life" not in {f.category for f in Scanner(model=None).scan(text)}


# R15 (eleventh round), for the scanner's findings only: someone named by a job or role between the
# titled person and "son/sa + partner" no longer stops the reading when the role word gives the
# titled person's sex; a role of the other sex, or one that gives no sex, still does.
ROLE_OF_THE_SAME_SEX_BETWEEN = [
    "Mme Roux demande que la visite de la technicienne ait lieu quand sa compagne est là.",
    "M. Henri Colin voudrait que le passage du plombier se fasse quand son mari est à la maison.",
]
ROLE_OF_THE_OTHER_SEX_OR_NO_SEX_BETWEEN = [
    "Mme Roux demande que la visite du technicien ait lieu quand sa compagne est là.",  # his or hers
    "M. Roux demande que la visite du médecin ait lieu quand son compagnon est là.",  # médecin: no sex
]


@pytest.mark.parametrize("text", ROLE_OF_THE_SAME_SEX_BETWEEN)
def test_a_same_sex_partner_past_a_role_of_the_same_sex_is_found(text: str) -> None:
    assert {f.category for f in Scanner(model=None).scan(text)} == {"sex_life"}


@pytest.mark.parametrize("text", ROLE_OF_THE_OTHER_SEX_OR_NO_SEX_BETWEEN)
def test_a_role_of_the_other_sex_or_of_no_sex_between_still_stops_the_reading(text: str) -> None:
    assert "sex_life" not in {f.category for f in Scanner(model=None).scan(text)}


@pytest.mark.parametrize("text", [
    "M. Perrin souhaite que le passage du plombier se fasse quand sa compagne, Sophie, est présente : c'est elle qui gère le dossier.",
    "M. Bertin demande que le passage du gardien soit prévu quand sa compagne, Élodie, rentre du travail.",
])
def test_a_model_flag_carried_by_a_couple_read_past_a_role_of_the_same_sex_is_dropped(text: str) -> None:
    # R15: the shipped model gives sex_life for these notes; the couple is of the other sex
    # whichever man's partner she is, and without it the model no longer does
    assert "sex_life" not in categories(text)


# R17 (thirteenth round): the grammar's own same-sex finding is not the ambiguous phrase "sa femme" /
# "sa compagne" (a man's partner), so neither the model's veto nor the thing check ("l'entreprise …")
# drops it; the other-sex twins stay unflagged.
GRAMMAR_SAME_SEX = [
    "Nadia R. demande que la carte cantine de sa femme soit rattachée à son compte.",
    "L'entreprise signale que Mme Roche vit avec sa compagne et demande à qui adresser le devis.",
]
GRAMMAR_OTHER_SEX = [
    "Karim R. demande que la carte cantine de sa femme soit rattachée à son compte.",
    "L'entreprise signale que M. Roche vit avec sa compagne et demande à qui adresser le devis.",
]


@pytest.mark.parametrize("text", GRAMMAR_SAME_SEX)
def test_the_grammars_same_sex_finding_is_not_vetoed_as_an_ambiguous_phrase(text: str) -> None:
    assert "sex_life" in categories(text)


@pytest.mark.parametrize("text", GRAMMAR_OTHER_SEX + WEDDING_OTHER_SEX)
def test_the_same_phrase_of_a_couple_of_the_other_sex_stays_unflagged(text: str) -> None:
    assert "sex_life" not in categories(text)
