"""Same-sex partners named by grammar: "her wife", "M. Vial… son mari", "his partner Mr Knight".

Both labelling guides say orientation is revealed by a partner of the same sex ("sa compagne"
for a woman, "his husband" for a man: ``tests/sensitive/data/eval/GUIDE.md``, ``sex_life``).
No listed word carries it, and the model, reading n-grams and a sentence embedding, does not
check that two words agree in gender; this module does, with plain string rules:

* English: a possessive gives the possessor's sex ("her wife", "his husband", "his boyfriend",
  "her fiancée", "Mr Ali's husband"), or a courtesy title after the partner word gives the
  partner's ("his partner Mr Knight").
* French: "son/sa" agree with the partner word, not the possessor, so the possessor's sex comes
  from the courtesy title just before (M., Mme…) in the last ``WINDOW`` words, provided no
  other person is named between (a daughter, a son, another title of the other sex).
* Reported (seventh round, :func:`reported_partners`, the scanner's findings only): the speaker
  of a first-person possessive ("Mme Schmitt : « ma femme … »", "Mr Lowe: my husband"), and a
  person carried on by a subject pronoun of the title's sex ("Mme Baudet demande … ; elle
  explique … avec sa femme").

* Named (eighth round, R7, the scanner's findings only): where a title is looked for, a
  capitalised given name whose bearers are by a wide margin of one sex counts as a person of that
  sex ("Julie Caron : elle déménage avec son compagnon", "Jérôme … avec son mari, Damien";
  :func:`given_names`).

* Far and of (ninth round, R11, the scanner's findings only): a French "son/sa" whose person is
  named earlier in the same sentence, beyond ``WINDOW`` words and with no one else named between
  ("Mme Ribeiro demande que son badge parking soit partagé avec son mari"); and a partner word
  followed by the person it belongs to ("wife of our surveyor Ben Tate", "le mari de notre
  collègue Olivier Fontan", "la femme de M. Diaz").

* Weddings (fourteenth round, R18, the scanner's findings only): a wedding names both persons and
  no partner word ("his wedding to Marcus", « M. Gauthier … son mariage avec M. Lefèvre », « elle se
  marie avec Claire »): :func:`_weddings`.

A partner with no sex given ("his partner", "son conjoint") or no title or name is left to the
model; a model-only ``sex_life`` flag that a couple of the other sex carries is dropped
(``without_other_sex_partners``: sixth round; R6 reported couples; R8 anywhere in the note; R16
with its joining word). Pure string work on the scanner's tokens, no model.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

from .normalize import Token

MALE_TITLES = frozenset({"m", "mr", "monsieur"})
FEMALE_TITLES = frozenset({"mme", "mrs", "ms", "miss", "mlle", "madame", "mademoiselle"})
# every courtesy title (normalised keys). "Me" (Maître) is left out: "me" is also a pronoun.
COURTESY_TITLES = MALE_TITLES | FEMALE_TITLES | {"mx", "dr"}

# partner words (normalised keys: casefolded, accents stripped) and the partner's sex
EN_PARTNERS = {"husband": "m", "boyfriend": "m", "fiance": "m",
               "wife": "f", "girlfriend": "f", "fiancee": "f"}
EN_POSSESSIVES = {"his": "m", "her": "f"}
EN_NEUTRAL = frozenset({"partner"})  # sex given only by a title after it
FR_PARTNERS = {"mari": "m", "epoux": "m", "compagnon": "m", "copain": "m", "concubin": "m", "fiance": "m",
               "femme": "f", "epouse": "f", "compagne": "f", "copine": "f", "concubine": "f", "fiancee": "f"}
FR_POSSESSIVES = frozenset({"son", "sa"})
JOINING_WORDS = frozenset({"et", "and", "avec", "with"})  # R16: "Mr Lyle and his wife" goes as one

# another person named between the title and the partner word: the partner may be theirs
OTHER_PERSONS = frozenset("""
fils fille filles mere pere soeur frere niece neveu oncle tante cousin cousine voisin voisine enfant
enfants petit-fils petite-fille grand-mere grand-pere belle-mere beau-pere ami amie locataire
daughter mother father mum dad sister brother niece nephew uncle aunt cousin neighbour neighbor
friend child children grandson granddaughter lodger tenant
""".split())

WINDOW = 8  # words looked back for the possessor's title (French)

# Seventh round (R5), for the scanner's findings only: the speaker of a first-person possessive
# ("Mme Schmitt : « ma femme … »", "Mr Lowe: my husband") and a person carried on by a subject
# pronoun ("Mme Baudet demande … ; elle explique … avec sa femme").
FIRST_PERSON = {"ma": FR_PARTNERS, "mon": FR_PARTNERS, "my": EN_PARTNERS}
SUBJECT_PRONOUNS = {"il": "m", "elle": "f"}
FIRST_PERSON_WINDOW = 12
PRONOUN_WINDOW = 30

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
# "<partner word> of / de <person>": at most this many plain words between ("notre collègue")
OF_WINDOW = 3
OF_WORDS = {"of": EN_PARTNERS, "de": FR_PARTNERS, "d": FR_PARTNERS}
# a word between that makes the partner word a trade or another's ("femme de ménage de Mme Diaz")
NOT_OF_A_PERSON = frozenset({"de", "d", "of", "menage", "chambre", "service"})

# Tenth round (R13), for the scanner's findings only. A word between the possessive and the partner
# word that does not change whose partner it is ("his former partner", "her late wife", "son ancien
# compagnon"); and an English neutral "partner" whose sex a given name after it gives ("his partner
# Steven"), as a title does ("his partner Mr Knight").
EN_MODIFIERS = frozenset({"former", "ex", "late", "new", "current"})
FR_MODIFIERS = frozenset({"ancien", "ancienne", "ex", "futur", "future", "nouveau", "nouvelle", "nouvel",
                          "actuel", "actuelle", "defunt", "defunte"})

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


# Fourteenth round (R18), for the scanner's findings only. A wedding names both persons and no partner
# word ("M. Gauthier … son mariage avec M. Lefèvre", "his wedding to Marcus", "elle se marie avec
# Claire"): the noun after a possessive, or the verb after its subject (a person or a subject pronoun
# in the VERB_WINDOW words before, in the same sentence, no one else named between), then a linking
# word and the other person. « épouse » is left out: « Mme Martin épouse Durand » is a married name.
EN_WEDDING_NOUNS = frozenset({"wedding", "marriage", "engagement"})
FR_WEDDING_NOUNS = frozenset({"mariage", "pacs"})
WEDDING_VERBS = frozenset({"marrying", "marries", "marry", "married", "engaged", "marie", "mariee", "maries",
                           "mariees", "marient", "mariera", "marieront", "pacse", "pacsee", "pacses", "pacsent"})
EN_DIRECT_VERBS = frozenset({"marrying", "marries", "marry", "married"})  # "marrying Steve": no linking word
WEDDING_LINKS = frozenset({"to", "with", "avec", "a"})
VERB_SUBJECTS = {"il": "m", "elle": "f", "he": "m", "she": "f"}
VERB_WINDOW = 4

@cache
def given_names() -> dict[str, str]:
    """``{normalised given name: "f" | "m"}`` (``data/given_names.txt``)."""
    names = {}
    for line in GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, sex = line.split()
            names[name] = sex
    return names


def _sex_of_title(key: str) -> str | None:
    return "m" if key in MALE_TITLES else "f" if key in FEMALE_TITLES else None


def after_title(text: str, tokens: list[Token], index: int, titles: frozenset = COURTESY_TITLES) -> bool:
    """Word ``index`` is capitalised and comes right after one of ``titles`` (only spaces or
    a dot between): a name ("Mr Knight", "M. Vial"). Also used by ``names.surname``."""
    if index == 0 or index >= len(tokens) or tokens[index - 1].key not in titles:
        return False
    title, word = tokens[index - 1], tokens[index]
    return text[title.end:word.start].strip(" .") == "" and text[word.start:word.end][:1].isupper()


def _titled(text: str, tokens: list[Token], index: int) -> bool:
    """The token is a title of known sex followed by a capitalised name ("Mr Knight")."""
    return after_title(text, tokens, index + 1, MALE_TITLES | FEMALE_TITLES)


def _capitalised(text: str, token: Token) -> bool:
    word = text[token.start:token.end]
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower())


def _given_name_sex(text: str, tokens: list[Token], index: int) -> str | None:
    """The sex a capitalised given name at ``index`` gives (R7): not right after a courtesy title
    ("Mme Martin": a surname, and the title speaks) nor right after another given name ("Julie
    Martin": a surname)."""
    token = tokens[index]
    sex = given_names().get(token.key)
    if sex is None or not _capitalised(text, token) or after_title(text, tokens, index):
        return None
    if index > 0 and text[tokens[index - 1].end:token.start] == " " and _capitalised(text, tokens[index - 1]) \
            and tokens[index - 1].key in given_names():
        return None
    return sex


def _person_sex(text: str, tokens: list[Token], index: int, names: bool) -> str | None:
    """The sex of the person named at ``index``: a courtesy title before a name ("Mme Roux"), or,
    when ``names``, a given name (:func:`_given_name_sex`)."""
    if _titled(text, tokens, index):
        return _sex_of_title(tokens[index].key)
    if names:
        return _given_name_sex(text, tokens, index)
    return None


def _possessor_before(text: str, tokens: list[Token], index: int, names: bool = False) -> str | None:
    """The sex of the person a French possessive at ``index`` refers to: the courtesy titles (and,
    when ``names``, the given names) in the ``WINDOW`` words before it all of one sex, and no other
    person named after the last."""
    sexes = set()
    for k in range(index - 1, max(-1, index - 1 - WINDOW), -1):
        key = tokens[k].key
        sex = _person_sex(text, tokens, k, names)
        if sex is not None:
            sexes.add(sex)
        elif key in OTHER_PERSONS and not sexes:
            return None  # "sa fille et son compagnon": the partner is the daughter's
    return sexes.pop() if len(sexes) == 1 else None


class Partner(NamedTuple):
    """A partner phrase: its (first, last) token indices, and whether the couple is of one sex."""

    first: int
    last: int
    same_sex: bool


def partners(text: str, tokens: list[Token]) -> list[Partner]:
    """Every partner phrase whose two sexes the grammar gives: "her wife" (same), "his wife"
    (different), "Mr Ali's husband", "his partner Ms Ward", "Mme Faure et son compagnon"."""
    found = []
    for i in range(len(tokens) - 1):
        key, partner = tokens[i].key, tokens[i + 1].key
        if key == "s" and partner in EN_PARTNERS and i >= 2 and _titled(text, tokens, i - 2) \
                and text[tokens[i].start - 1:tokens[i].start] in "'’":  # "Mr Ali's husband"
            found.append(Partner(i - 2, i + 1, _sex_of_title(tokens[i - 2].key) == EN_PARTNERS[partner]))
        elif key in EN_POSSESSIVES:
            if partner in EN_PARTNERS:  # "her wife", "his wife"
                found.append(Partner(i, i + 1, EN_PARTNERS[partner] == EN_POSSESSIVES[key]))
            elif partner in EN_NEUTRAL and _titled(text, tokens, i + 2):  # "his partner Mr Knight"
                found.append(Partner(i, i + 3, _sex_of_title(tokens[i + 2].key) == EN_POSSESSIVES[key]))
        elif key in FR_POSSESSIVES and partner in FR_PARTNERS \
                and (i + 2 >= len(tokens) or tokens[i + 2].key not in ("de", "d")):  # "sa femme de ménage"
            possessor = _possessor_before(text, tokens, i)
            if possessor is not None:
                found.append(Partner(i, i + 1, possessor == FR_PARTNERS[partner]))
    return found


def reported_partners(text: str, tokens: list[Token]) -> list[Partner]:
    """Partner phrases whose possessor :func:`partners` cannot see (R5, seventh round): a
    first-person possessive with a courtesy title in the ``FIRST_PERSON_WINDOW`` words before
    ("Mme Laura Schmitt : « ma femme est née à Hambourg »"), and "son/sa" up to
    ``PRONOUN_WINDOW`` words after the title when a subject pronoun of the title's sex carries
    the person on ("M. Rémi Blanc (…) ; il précise que son mari …"). No other person may be
    named between (a daughter, a neighbour, a title or a pronoun of the other sex). Used for the
    scanner's findings only: the model's features read :func:`partners`, as it was trained."""
    found = []
    for i in range(len(tokens) - 1):
        key, partner = tokens[i].key, tokens[i + 1].key
        if i + 2 < len(tokens) and tokens[i + 2].key in ("de", "d"):  # "ma femme de ménage"
            continue
        if key in FIRST_PERSON and partner in FIRST_PERSON[key]:
            speaker = _nearest_person(text, tokens, i, FIRST_PERSON_WINDOW, pronoun_needed=False)
            if speaker is not None:
                found.append(Partner(i, i + 1, speaker == FIRST_PERSON[key][partner]))
        elif key in FR_POSSESSIVES and partner in FR_PARTNERS and _possessor_before(text, tokens, i) is None:
            possessor = _reported_possessor(text, tokens, i)
            if possessor is not None:
                found.append(Partner(i, i + 1, possessor == FR_PARTNERS[partner]))
    return found + _partners_of(text, tokens) + _modified_partners(text, tokens) + _named_partners(text, tokens) \
        + _weddings(text, tokens)


def _reported_possessor(text: str, tokens: list[Token], index: int) -> str | None:
    """The sex of the person a French possessive at ``index`` refers to when no courtesy title
    stands just before it: a given name (R7), a subject pronoun carrying a person on (R5), the
    nearest person of the same sentence (R11)."""
    return _possessor_before(text, tokens, index, names=True) \
        or _nearest_person(text, tokens, index, PRONOUN_WINDOW, pronoun_needed=True) \
        or _nearest_person(text, tokens, index, PRONOUN_WINDOW, pronoun_needed=False, within_sentence=True)


def _modified_partners(text: str, tokens: list[Token]) -> list[Partner]:
    """R13b: a possessive, a modifier and a partner word, read like the phrase without the modifier
    ("her late wife", "his ex-husband", "M. Morel … son ancien compagnon"; "his former partner
    Steven" is :func:`_named_partners`')."""
    found = []
    for i in range(len(tokens) - 2):
        key, modifier, partner = tokens[i].key, tokens[i + 1].key, tokens[i + 2].key
        if key in EN_POSSESSIVES and modifier in EN_MODIFIERS and partner in EN_PARTNERS:
            found.append(Partner(i, i + 2, EN_PARTNERS[partner] == EN_POSSESSIVES[key]))
        elif key in FR_POSSESSIVES and modifier in FR_MODIFIERS and partner in FR_PARTNERS \
                and (i + 3 >= len(tokens) or tokens[i + 3].key not in ("de", "d")):
            possessor = _possessor_before(text, tokens, i) or _reported_possessor(text, tokens, i)
            if possessor is not None:
                found.append(Partner(i, i + 2, possessor == FR_PARTNERS[partner]))
    return found


def _named_partners(text: str, tokens: list[Token]) -> list[Partner]:
    """R13c: "his/her [modifier] partner <person>" ("his partner Steven", "his former partner
    Steven", "his ex-partner Mr Knight" with R13b's modifier); "his partner Mr Knight" is
    :func:`partners`'."""
    found = []
    for i in range(len(tokens) - 2):
        if tokens[i].key not in EN_POSSESSIVES:
            continue
        word = i + 2 if tokens[i + 1].key in EN_MODIFIERS else i + 1
        if word >= len(tokens) or tokens[word].key not in EN_NEUTRAL \
                or (word == i + 1 and _titled(text, tokens, word + 1)):
            continue
        named = _partner_named(text, tokens, word + 1)
        if named is not None:
            found.append(Partner(i, named[0], named[1] == EN_POSSESSIVES[tokens[i].key]))
    return found


def _weddings(text: str, tokens: list[Token]) -> list[Partner]:
    """R18: a wedding between two named persons ("his wedding to Marcus", « son mariage avec M.
    Lefèvre », "Tom is marrying Steve", « elle se marie avec Claire »), of one sex or of two."""
    found = []
    for i in range(len(tokens) - 1):
        key = tokens[i].key
        if key in EN_WEDDING_NOUNS and i and tokens[i - 1].key in EN_POSSESSIVES:
            first, sex = i - 1, EN_POSSESSIVES[tokens[i - 1].key]
        elif key in FR_WEDDING_NOUNS and i and tokens[i - 1].key == "son":
            first, sex = i - 1, _possessor_before(text, tokens, i - 1) or _reported_possessor(text, tokens, i - 1)
        elif key in WEDDING_VERBS and text[tokens[i].start:tokens[i].end].islower():
            first, sex = i, _subject_sex(text, tokens, i)
        else:
            continue
        linked = tokens[i + 1].key in WEDDING_LINKS
        if sex is None or not (linked or key in EN_DIRECT_VERBS):
            continue
        named = _partner_named(text, tokens, i + 2 if linked else i + 1)
        if named is not None:
            found.append(Partner(first, named[0], named[1] == sex))
    return found


def _subject_sex(text: str, tokens: list[Token], index: int) -> str | None:
    """The sex of the subject of a wedding verb (R18): a person or a subject pronoun in the
    ``VERB_WINDOW`` words before, in the same sentence; None past anyone else ("her son is marrying")."""
    for k in range(index - 1, max(-1, index - 1 - VERB_WINDOW), -1):
        if any(c in SENTENCE_ENDS for c in text[tokens[k].end:tokens[k + 1].start]):
            return None
        if tokens[k].key in VERB_SUBJECTS:
            return VERB_SUBJECTS[tokens[k].key]
        sex = _person_sex(text, tokens, k, names=True)
        if sex is not None:
            return sex
        if tokens[k].key in OTHER_AND_THIRD_PERSONS or tokens[k].key == "son":
            return None
    return None

def _partner_named(text: str, tokens: list[Token], index: int) -> tuple[int, str] | None:
    """(last token, sex) of the person named right after a neutral partner word, by a title
    ("Mr Knight") or a given name ("Steven"), with a space or a comma between."""
    if index >= len(tokens) or text[tokens[index - 1].end:tokens[index].start] not in (" ", ", "):
        return None
    if _titled(text, tokens, index):
        return index + 1, _sex_of_title(tokens[index].key)
    sex = _given_name_sex(text, tokens, index)
    return (index, sex) if sex is not None else None


def _partners_of(text: str, tokens: list[Token]) -> list[Partner]:
    """R11: a partner word followed by "of"/"de" and the person it belongs to, named by a title or
    a given name, with at most ``OF_WINDOW`` plain words between ("wife of our surveyor Ben
    Tate", "le mari de notre collègue Olivier Fontan", "la femme de M. Diaz"). Not a relative
    ("the wife of the tenant's son"), not another's ("husband of Mrs Lee's sister"), not across
    punctuation; "femme de ménage" names no one."""
    found = []
    for i in range(len(tokens) - 2):
        partner, of = tokens[i].key, tokens[i + 1].key
        if of not in OF_WORDS or partner not in OF_WORDS[of]:
            continue
        for k in range(i + 2, min(len(tokens), i + 3 + OF_WINDOW)):
            if not text[tokens[k - 1].end:tokens[k].start].strip(" '’") == "":
                break
            sex = _person_sex(text, tokens, k, names=True)
            if sex is not None:
                name = k + 1 if _titled(text, tokens, k) else k
                if not (name + 1 < len(tokens) and tokens[name + 1].key == "s"
                        and text[tokens[name].end:tokens[name + 1].start] in ("'", "’")):  # "Mrs Lee's sister"
                    found.append(Partner(i, k, sex == OF_WORDS[of][partner]))
                break
            if tokens[k].key in OTHER_PERSONS or tokens[k].key in NOT_OF_A_PERSON or _capitalised(text, tokens[k]):
                break
    return found


def _nearest_person(text: str, tokens: list[Token], index: int, window: int, pronoun_needed: bool,
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
        sex = _person_sex(text, tokens, k, names=True)
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


def _couple_phrases(text: str, tokens: list[Token]) -> list[Partner]:
    """Every partner phrase the scanner reads: :func:`partners` and, since the seventh round (R5,
    R6), :func:`reported_partners` ("Mme Schmitt : « ma femme … »", "« mon mari … »")."""
    return partners(text, tokens) + reported_partners(text, tokens)


def same_sex_partners(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """(first, last) token indices of each partner phrase that reveals a same-sex couple."""
    return [(p.first, p.last) for p in _couple_phrases(text, tokens) if p.same_sex]


def other_sex_only(text: str, tokens: list[Token], start: int, end: int) -> bool:
    """``text[start:end]`` (a clause) holds a partner phrase the grammar gives as of the other
    sex ("M. Da Silva et sa compagne", "Mme Lucas et son mari") and none of the same sex.
    ``tokens`` are the whole note's: the title that gives the possessor's sex may stand before
    the clause."""
    inside = [p for p in _couple_phrases(text, tokens) if start <= tokens[p.first].start and tokens[p.last].end <= end]
    return bool(inside) and not any(p.same_sex for p in inside)


def without_other_sex_partners(text: str, tokens: list[Token]) -> str:
    """``text`` without its partner phrases of the other sex, nor (R16) the word joining one to its
    person ("Mme Lucas et son mari, M. Diaz" → "Mme Lucas , M. Diaz"; a leftover "and" told the model
    of a second person). A spouse or partner of the other sex is not sensitive (both guides), so a
    model-only ``sex_life`` flag that does not survive this is dropped (``scanner._hybrid``); one that
    does ("M. Perrin trompe sa femme avec la voisine") stands."""
    cut, kept = 0, []
    for p in sorted(_couple_phrases(text, tokens), key=lambda p: p.first):
        if not p.same_sex and tokens[p.first].start >= cut:
            before = tokens[p.first - 1] if p.first else None
            joined = before is not None and before.key in JOINING_WORDS and before.start >= cut
            kept.append(text[cut:(before if joined else tokens[p.first]).start])
            cut = tokens[p.last].end
    return "".join(kept) + text[cut:]
