"""Who a note names, and of which sex: the persons the couples' grammar and the names reader look for.

A person is named by a courtesy title before a capitalised name ("M. Vial", "Mrs Ali"), or, since
the eighth round (R7), by a capitalised given name whose bearers are by a wide margin of one sex
("Julie", "Damien": ``data/given_names.txt``). :func:`possessor_before` and :func:`nearest_person`
look back from a word for the person it refers to, and give up when someone else is named between
(a relative, a person named by a job or role, a pronoun of the other sex). Used by ``couples.py``
(whose partner, whose wedding) and ``names.py`` (which words are surnames). Plain string work on the
scanner's tokens, no model.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from .normalize import Token

MALE_TITLES = frozenset({"m", "mr", "monsieur"})
FEMALE_TITLES = frozenset({"mme", "mrs", "ms", "miss", "mlle", "madame", "mademoiselle"})
# every courtesy title (normalised keys). "Me" (Maître) is left out: "me" is also a pronoun.
COURTESY_TITLES = MALE_TITLES | FEMALE_TITLES | {"mx", "dr"}

# another person named between the title and the partner word: the partner may be theirs
OTHER_PERSONS = frozenset("""
fils fille filles mere pere soeur frere niece neveu oncle tante cousin cousine voisin voisine enfant
enfants petit-fils petite-fille grand-mere grand-pere belle-mere beau-pere ami amie locataire
daughter mother father mum dad sister brother niece nephew uncle aunt cousin neighbour neighbor
friend child children grandson granddaughter lodger tenant
""".split())

WINDOW = 8  # words looked back for the possessor's title (French)
SUBJECT_PRONOUNS = {"il": "m", "elle": "f"}

# Eighth round (R7), for the scanner's findings only: a capitalised given name whose bearers are
# by a wide margin of one sex names a person of that sex, as a courtesy title does ("Julie Caron :
# elle déménage avec son compagnon", "Jérôme … avec son mari, Damien"). The list and where it
# comes from: ``data/given_names.py``.
GIVEN_NAMES_FILE = Path(__file__).resolve().parent / "data" / "given_names.txt"

# Ninth round (R11), for the scanner's findings only. A "son/sa" whose person stands further back
# than WINDOW words is read only within its sentence (up to PRONOUN_WINDOW words), and only when no
# one else is named between: a relative (OTHER_PERSONS), a person named by their job or role
# (THIRD_PERSONS: "Mme Roux a appelé, le plombier viendra avec sa femme"), or a subject pronoun
# of the other sex.
THIRD_PERSONS = frozenset("""
technicien technicienne plombier plombiere gardien gardienne agent agente artisan ouvrier ouvriere
chauffeur collegue responsable directeur directrice medecin docteur infirmier infirmiere assistant
assistante conseiller conseillere employe employee salarie salariee homme monsieur madame dame
personne client cliente livreur livreuse policier policiere gendarme demandeur demandeuse occupant
occupante proprietaire bailleur huissier avocat avocate notaire stagiaire chef cheffe
engineer contractor plumber caretaker officer colleague manager man woman guy lad bloke lady person
""".split())
OTHER_AND_THIRD_PERSONS = OTHER_PERSONS | THIRD_PERSONS
SENTENCE_ENDS = ".;!?\n"

# Eleventh round (R15), for the scanner's findings only. A person named by a job or role whose word
# gives a sex does not stop R11's search when it is the sex of the titled person further back ("M.
# Dubreuil demande que la visite du technicien ait lieu quand sa compagne…"): whichever of the two
# the partner belongs to, the couple's sexes are the same. Words that give no sex (collègue,
# médecin, agent, officer) still stop it.
THIRD_PERSON_SEXES = {
    **dict.fromkeys("""technicien plombier gardien ouvrier directeur infirmier assistant conseiller employe
        salarie client livreur policier demandeur occupant avocat homme monsieur man guy lad bloke""".split(), "m"),
    **dict.fromkeys("""technicienne plombiere gardienne ouvriere directrice infirmiere assistante conseillere
        employee salariee cliente livreuse policiere demandeuse occupante avocate dame madame woman lady""".split(), "f"),
}


@cache
def given_names() -> dict[str, str]:
    """``{normalised given name: "f" | "m"}`` (``data/given_names.txt``)."""
    names = {}
    for line in GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, sex = line.split()
            names[name] = sex
    return names


def sex_of_title(key: str) -> str | None:
    return "m" if key in MALE_TITLES else "f" if key in FEMALE_TITLES else None


def after_title(text: str, tokens: list[Token], index: int, titles: frozenset = COURTESY_TITLES) -> bool:
    """Word ``index`` is capitalised and comes right after one of ``titles`` (only spaces or
    a dot between): a name ("Mr Knight", "M. Vial"). Also used by ``names.surname``."""
    if index == 0 or index >= len(tokens) or tokens[index - 1].key not in titles:
        return False
    title, word = tokens[index - 1], tokens[index]
    return text[title.end:word.start].strip(" .") == "" and text[word.start:word.end][:1].isupper()


def titled(text: str, tokens: list[Token], index: int) -> bool:
    """The token is a title of known sex followed by a capitalised name ("Mr Knight")."""
    return after_title(text, tokens, index + 1, MALE_TITLES | FEMALE_TITLES)


def capitalised(text: str, token: Token) -> bool:
    word = text[token.start:token.end]
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower())


def given_name_sex(text: str, tokens: list[Token], index: int) -> str | None:
    """The sex a capitalised given name at ``index`` gives (R7): not right after a courtesy title
    ("Mme Martin": a surname, and the title speaks) nor right after another given name ("Julie
    Martin": a surname)."""
    token = tokens[index]
    sex = given_names().get(token.key)
    if sex is None or not capitalised(text, token) or after_title(text, tokens, index):
        return None
    if index > 0 and text[tokens[index - 1].end:token.start] == " " and capitalised(text, tokens[index - 1]) \
            and tokens[index - 1].key in given_names():
        return None
    return sex


def person_sex(text: str, tokens: list[Token], index: int, names: bool) -> str | None:
    """The sex of the person named at ``index``: a courtesy title before a name ("Mme Roux"), or,
    when ``names``, a given name (:func:`given_name_sex`)."""
    if titled(text, tokens, index):
        return sex_of_title(tokens[index].key)
    if names:
        return given_name_sex(text, tokens, index)
    return None


def possessor_before(text: str, tokens: list[Token], index: int, names: bool = False) -> str | None:
    """The sex of the person a French possessive at ``index`` refers to: the courtesy titles (and,
    when ``names``, the given names) in the ``WINDOW`` words before it all of one sex, and no other
    person named after the last."""
    sexes = set()
    for k in range(index - 1, max(-1, index - 1 - WINDOW), -1):
        key = tokens[k].key
        sex = person_sex(text, tokens, k, names)
        if sex is not None:
            sexes.add(sex)
        elif key in OTHER_PERSONS and not sexes:
            return None  # "sa fille et son compagnon": the partner is the daughter's
    return sexes.pop() if len(sexes) == 1 else None


def nearest_person(text: str, tokens: list[Token], index: int, window: int, pronoun_needed: bool,
                    within_sentence: bool = False) -> str | None:
    """The sex of the nearest person named (a title, or a given name: R7) in the ``window`` words
    before ``index``, when no other person is named between and, if ``pronoun_needed``, a subject
    pronoun of that sex (and none of the other) stands between.

    ``within_sentence`` (R11, ninth round): the person must stand in the same sentence, no one
    named by a job or role (``THIRD_PERSONS``) nor a subject pronoun of the other sex between:
    "Mme Ribeiro demande que son badge parking soit partagé avec son mari", "M. Olivier Ruiz :
    fuite du joint de baignoire, c'est sa compagne". R15 (eleventh round): a job or role word of the
    person's own sex between does not stop it (``THIRD_PERSON_SEXES``)."""
    stops = OTHER_AND_THIRD_PERSONS if within_sentence else OTHER_PERSONS
    pronouns = set()
    roles = set()  # R15: sexes of the people named by a job or role between
    for k in range(index - 1, max(-1, index - 1 - window), -1):
        key = tokens[k].key
        if within_sentence and key not in COURTESY_TITLES \
                and any(c in SENTENCE_ENDS for c in text[tokens[k].end:tokens[k + 1].start]):
            return None  # a sentence ends after this word ("M." is a title's dot)
        sex = person_sex(text, tokens, k, names=True)
        if sex is not None:
            if (pronoun_needed and pronouns != {sex}) or (within_sentence and not pronouns <= {sex}) \
                    or not roles <= {sex}:
                return None
            return sex
        if key in stops:
            if within_sentence and key in THIRD_PERSON_SEXES:  # a role word (THIRD_PERSONS) with a sex
                roles.add(THIRD_PERSON_SEXES[key])
                continue
            return None
        if key in SUBJECT_PRONOUNS:
            pronouns.add(SUBJECT_PRONOUNS[key])
    return None
