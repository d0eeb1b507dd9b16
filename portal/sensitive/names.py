"""People's names: what the vocabulary does not read as a term and the model does not read at all.

A surname is the capitalised word right after a courtesy title ("M. Juif", "Mrs Gay", "Ms
Green"). Both labelling guides say a name is not the category it sounds like ("surnames that
are words"; a name is not an origin or a religion: ``tests/sensitive/data/eval/GUIDE.md``,
``portal/sensitive/data/GUIDE.md``). So:

* the vocabulary skips a term that is a surname (:func:`surname`, used by the scanner);
* the model reads every surname as the same placeholder ``X`` (:func:`masked` for the sentence
  encoder, :data:`NAME_KEY` for the n-gram features). A model that learned "Cohen" or
  "Abubakar" as a sign of religion would flag notes for the tenant's name, which is itself the
  discrimination the guard is there to prevent (GDPR Art. 9 and the CNIL's warning to Paris
  Habitat); masked, a note's scores do not depend on whose name it carries.

Plain string work on the scanner's tokens, no model.
"""
from __future__ import annotations

from .couples import COURTESY_TITLES, after_title
from .normalize import Token, tokens_of

NAME_MASK = "X"  # the French and English convention for an anonymised person ("M. X", "Mr X")
NAME_KEY = "x"  # its normalised key, as the n-gram features read it


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


def masked(text: str) -> str:
    """``text`` with every surname replaced by ``NAME_MASK`` ("M. Cohen appelle" -> "M. X appelle")."""
    tokens = tokens_of(text)
    parts, last = [], 0
    for index, token in enumerate(tokens):
        if index and tokens[index - 1].key in COURTESY_TITLES and surname(text, tokens, index):
            parts += [text[last:token.start], NAME_MASK]
            last = token.end
    return "".join(parts) + text[last:] if parts else text
