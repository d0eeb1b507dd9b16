"""Negated vocabulary findings: "not disabled", "pas de casier judiciaire", "jamais été condamné".

Issue #20: a negation must not be flagged ("pas de problème de santé"). The model reads
negation from the whole note; a listed term does not, so a health or offence term right
after a negation word of its own clause is dropped. Only those two categories: elsewhere
the negation is itself the fact the guide protects ("n'est pas français" is origin,
"pas de logement" / "no fixed abode" is precarity, "n'est pas syndiqué" still reveals
union membership, Art. 9(1) GDPR; "pas très malin" is a judgement).

Deliberately narrow: the negation word must come just before the term, with at most two
small words between ("pas *de* handicap", "jamais *été* condamné", "no *criminal*" is the
term itself) and no punctuation ("Flat no. 5, disabled tenant" keeps its finding). "sans"
and "without" are not negations here: "sans son traitement", "without his medication"
reveal the treatment. Pure string work on the scanner's tokens, no model.
"""
from __future__ import annotations

from typing import Sequence

from .normalize import Token

NEGATABLE = frozenset({"health", "offence"})
CUES = frozenset({"pas", "jamais", "aucun", "aucune", "ni", "not", "no", "never", "nor"})
# "isn't" is tokenised "isn" + "t": the "t" is a negation after these
CONTRACTED = frozenset({"isn", "aren", "wasn", "weren", "doesn", "don", "didn", "hasn", "haven",
                        "hadn", "won", "wouldn", "can", "couldn", "shouldn"})
FILLERS = frozenset({"de", "d", "du", "des", "of", "any", "ete", "been", "un", "une", "a", "an"})
MAX_FILLERS = 2
BREAKS = frozenset(",.;:!?()[]{}|/\n\r\t…—–\"«»")


def negated(text: str, tokens: Sequence[Token], first: int) -> bool:
    """True when the term starting at token ``first`` follows a negation word of its own
    clause, with at most ``MAX_FILLERS`` small words between."""
    fillers = 0
    for i in range(first - 1, -1, -1):
        if any(c in BREAKS for c in text[tokens[i].end:tokens[i + 1].start]):
            return False
        key = tokens[i].key
        if key in CUES or (key == "t" and i > 0 and tokens[i - 1].key in CONTRACTED):
            return True
        if key not in FILLERS or fillers == MAX_FILLERS:
            return False
        fillers += 1
    return False
