"""People's names: what the vocabulary does not read as a term and the model does not read at all.

A surname is the capitalised word right after a courtesy title ("M. Juif", "Mrs Gay", "Ms
Green"); a name is that word and the capitalised words joined to it by a space or a hyphen
("Mme Khadija Ouali", "M. Jean-Pierre Martin": first names, then the surname). Both labelling guides say a name is not the category it sounds like ("surnames that
are words"; a name is not an origin or a religion: ``tests/sensitive/data/eval/GUIDE.md``,
``portal/sensitive/data/GUIDE.md``). So:

* the vocabulary skips a term that is a surname (:func:`surname`, used by the scanner);
* the model reads every name as the same placeholder ``X`` (:func:`masked` for the sentence
  encoder, :data:`NAME_KEY` for the n-gram features), the whole name since model format /4
  (seventh round: "Mme X Ouali" still carried the surname when a first name came between). A model that learned "Cohen" or
  "Abubakar" as a sign of religion would flag notes for the tenant's name, which is itself the
  discrimination the guard is there to prevent (GDPR Art. 9 and the CNIL's warning to Paris
  Habitat); masked, a note's scores do not depend on whose name it carries.

Plain string work on the scanner's tokens, no model.
"""
from __future__ import annotations

from .couples import after_title
from .normalize import Token, tokenize

NAME_MASK = "X"  # the French and English convention for an anonymised person ("M. X", "Mr X")
NAME_KEY = "x"  # its normalised key, as the n-gram features read it
MAX_NAME_WORDS = 4  # "M. Jean-Pierre Martin" is three words; a longer run is not one name


def surname(text: str, tokens: list[Token], index: int) -> bool:
    """True when word ``index`` comes right after a courtesy title and starts with a capital:
    a surname ("M. Juif", "Mrs Gay", "Ms Green"). "Monsieur est juif", "la famille Rom" and
    "Monsieur SDF" are not: a word between, no courtesy title, an abbreviation in capitals."""
    if not after_title(text, tokens, index):
        return False
    title, word = tokens[index - 1], tokens[index]
    written, title_written = text[word.start:word.end], text[title.start:title.end]
    # "Monsieur SDF": an abbreviation after a title (unless the whole is in capitals)
    return not (written.isupper() and not (len(title_written) > 1 and title_written.isupper()))


def names(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """(first, last) token indices of each name: a :func:`surname`, then up to
    ``MAX_NAME_WORDS`` words in all, each capitalised (not an abbreviation in capitals) and joined
    to the previous one by a single space or hyphen ("Mme Khadija Ouali", "M. Jean-Pierre
    Martin"). "M. Roche. Sa fille" is one word: a dot ends the name."""
    spans, index = [], 0
    while index < len(tokens):
        if not surname(text, tokens, index):
            index += 1
            continue
        last = index
        while (last + 1 < len(tokens) and last + 1 - index < MAX_NAME_WORDS
               and text[tokens[last].end:tokens[last + 1].start] in (" ", "-")
               and _capitalised(text, tokens, index - 1, last + 1)):
            last += 1
        spans.append((index, last))
        index = last + 1
    return spans


def name_indices(text: str, tokens: list[Token]) -> set[int]:
    """Indices of every word of every name (:func:`names`)."""
    return {i for first, last in names(text, tokens) for i in range(first, last + 1)}


def _capitalised(text: str, tokens: list[Token], title: int, index: int) -> bool:
    written = text[tokens[index].start:tokens[index].end]
    title_written = text[tokens[title].start:tokens[title].end]
    if not written[:1].isupper():
        return False
    return not (written.isupper() and not (len(title_written) > 1 and title_written.isupper()))


def masked(text: str) -> str:
    """``text`` with every name replaced by ``NAME_MASK`` ("M. Cohen appelle" -> "M. X appelle",
    "Mme Khadija Ouali appelle" -> "Mme X appelle")."""
    tokens = list(tokenize(text))
    parts, last = [], 0
    for first, final in names(text, tokens):
        parts += [text[last:tokens[first].start], NAME_MASK]
        last = tokens[final].end
    return "".join(parts) + text[last:] if parts else text
