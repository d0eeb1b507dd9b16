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
  marie avec Claire »; sixteenth round, R21: « il a épousé Pierre »): :func:`_weddings`.

A partner with no sex given ("his partner", "son conjoint") or no title or name is left to the
model; a model-only ``sex_life`` flag that a couple of the other sex carries is dropped
(``without_other_sex_partners``: sixth round; R6 reported couples; R8 anywhere in the note; R16
with its joining word). Who is named, and of which sex (titles, given names, the look-backs for a
possessor or a subject): ``persons.py``. Pure string work on the scanner's tokens, no model.
"""
from __future__ import annotations

from typing import NamedTuple

from .normalize import Token
from .persons import (COURTESY_TITLES, OTHER_AND_THIRD_PERSONS, OTHER_PERSONS, SENTENCE_ENDS, capitalised,
                      given_name_sex, nearest_person, person_sex, possessor_before, sex_of_title, titled)


# partner words (normalised keys: casefolded, accents stripped) and the partner's sex
EN_PARTNERS = {"husband": "m", "boyfriend": "m", "fiance": "m",
               "wife": "f", "girlfriend": "f", "fiancee": "f"}
EN_POSSESSIVES = {"his": "m", "her": "f"}
EN_NEUTRAL = frozenset({"partner"})  # sex given only by a title after it
FR_PARTNERS = {"mari": "m", "epoux": "m", "compagnon": "m", "copain": "m", "concubin": "m", "fiance": "m",
               "femme": "f", "epouse": "f", "compagne": "f", "copine": "f", "concubine": "f", "fiancee": "f"}
FR_POSSESSIVES = frozenset({"son", "sa"})
JOINING_WORDS = frozenset({"et", "and", "avec", "with"})  # R16: "Mr Lyle and his wife" goes as one


# Seventh round (R5), for the scanner's findings only: the speaker of a first-person possessive
# ("Mme Schmitt : « ma femme … »", "Mr Lowe: my husband") and a person carried on by a subject
# pronoun ("Mme Baudet demande … ; elle explique … avec sa femme").
FIRST_PERSON = {"ma": FR_PARTNERS, "mon": FR_PARTNERS, "my": EN_PARTNERS}
FIRST_PERSON_WINDOW = 12
PRONOUN_WINDOW = 30


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
# Sixteenth round (R21): « épouser » is a wedding verb too, but its forms « épouse(e) » are also the
# partner noun and the married name (« Mme Martin épouse Durand »), so it counts only right after an
# auxiliary or a modal (« il a épousé Pierre », « elle va épouser Julie », « vient d'épouser ») and
# with the person named straight after it.
FR_MARRY_FORMS = frozenset({"epouse", "epousee", "epouser", "epousera"})
FR_AUXILIARIES = frozenset({"a", "avait", "aura", "va", "allait", "doit", "veut", "d"})

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
        if key == "s" and partner in EN_PARTNERS and i >= 2 and titled(text, tokens, i - 2) \
                and text[tokens[i].start - 1:tokens[i].start] in "'’":  # "Mr Ali's husband"
            found.append(Partner(i - 2, i + 1, sex_of_title(tokens[i - 2].key) == EN_PARTNERS[partner]))
        elif key in EN_POSSESSIVES:
            if partner in EN_PARTNERS:  # "her wife", "his wife"
                found.append(Partner(i, i + 1, EN_PARTNERS[partner] == EN_POSSESSIVES[key]))
            elif partner in EN_NEUTRAL and titled(text, tokens, i + 2):  # "his partner Mr Knight"
                found.append(Partner(i, i + 3, sex_of_title(tokens[i + 2].key) == EN_POSSESSIVES[key]))
        elif key in FR_POSSESSIVES and partner in FR_PARTNERS \
                and (i + 2 >= len(tokens) or tokens[i + 2].key not in ("de", "d")):  # "sa femme de ménage"
            possessor = possessor_before(text, tokens, i)
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
            speaker = nearest_person(text, tokens, i, FIRST_PERSON_WINDOW, pronoun_needed=False)
            if speaker is not None:
                found.append(Partner(i, i + 1, speaker == FIRST_PERSON[key][partner]))
        elif key in FR_POSSESSIVES and partner in FR_PARTNERS and possessor_before(text, tokens, i) is None:
            possessor = _reported_possessor(text, tokens, i)
            if possessor is not None:
                found.append(Partner(i, i + 1, possessor == FR_PARTNERS[partner]))
    return found + _partners_of(text, tokens) + _modified_partners(text, tokens) + _named_partners(text, tokens) \
        + _weddings(text, tokens)


def _reported_possessor(text: str, tokens: list[Token], index: int) -> str | None:
    """The sex of the person a French possessive at ``index`` refers to when no courtesy title
    stands just before it: a given name (R7), a subject pronoun carrying a person on (R5), the
    nearest person of the same sentence (R11)."""
    return possessor_before(text, tokens, index, names=True) \
        or nearest_person(text, tokens, index, PRONOUN_WINDOW, pronoun_needed=True) \
        or nearest_person(text, tokens, index, PRONOUN_WINDOW, pronoun_needed=False, within_sentence=True)


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
            possessor = possessor_before(text, tokens, i) or _reported_possessor(text, tokens, i)
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
                or (word == i + 1 and titled(text, tokens, word + 1)):
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
            first, sex = i - 1, possessor_before(text, tokens, i - 1) or _reported_possessor(text, tokens, i - 1)
        elif key in WEDDING_VERBS and text[tokens[i].start:tokens[i].end].islower():
            first, sex = i, _subject_sex(text, tokens, i)
        elif key in FR_MARRY_FORMS and i and tokens[i - 1].key in FR_AUXILIARIES:  # R21
            first, sex = i - 1, _subject_sex(text, tokens, i - 1)
        else:
            continue
        # "married Steve", « a épousé Pierre »: the person straight after; else after a linking word
        direct = key in EN_DIRECT_VERBS or key in FR_MARRY_FORMS
        linked = key not in FR_MARRY_FORMS and tokens[i + 1].key in WEDDING_LINKS
        if sex is None or not (linked or direct):
            continue
        named = _partner_named(text, tokens, i + 2 if linked else i + 1)
        if named is not None:
            found.append(Partner(first, named[0], named[1] == sex))
    return found


def _subject_sex(text: str, tokens: list[Token], index: int) -> str | None:
    """The sex of the subject of a wedding verb (R18): a person or a subject pronoun in the
    ``VERB_WINDOW`` words before, in the same sentence; None past anyone else ("her son is marrying")."""
    for k in range(index - 1, max(-1, index - 1 - VERB_WINDOW), -1):
        # R21: « M. » is a title's dot, not the end of a sentence (« M. Roy a épousé M. Dupont »)
        if tokens[k].key not in COURTESY_TITLES \
                and any(c in SENTENCE_ENDS for c in text[tokens[k].end:tokens[k + 1].start]):
            return None
        if tokens[k].key in VERB_SUBJECTS:
            return VERB_SUBJECTS[tokens[k].key]
        sex = person_sex(text, tokens, k, names=True)
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
    if titled(text, tokens, index):
        return index + 1, sex_of_title(tokens[index].key)
    sex = given_name_sex(text, tokens, index)
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
            sex = person_sex(text, tokens, k, names=True)
            if sex is not None:
                name = k + 1 if titled(text, tokens, k) else k
                if not (name + 1 < len(tokens) and tokens[name + 1].key == "s"
                        and text[tokens[name].end:tokens[name + 1].start] in ("'", "’")):  # "Mrs Lee's sister"
                    found.append(Partner(i, k, sex == OF_WORDS[of][partner]))
                break
            if tokens[k].key in OTHER_PERSONS or tokens[k].key in NOT_OF_A_PERSON or capitalised(text, tokens[k]):
                break
    return found


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
