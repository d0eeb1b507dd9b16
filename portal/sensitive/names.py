"""People's names: what the vocabulary does not read as a term and the model does not read at all.

A surname is the capitalised word right after a courtesy title ("M. Juif", "Mrs Gay", "Ms
Green"). Both labelling guides say a name is not the category it sounds like ("surnames that
are words"; a name is not an origin or a religion: ``tests/sensitive/data/eval/GUIDE.md``,
``portal/sensitive/data/GUIDE.md``). So:

* the vocabulary skips a term that is a surname (:func:`surname`, used by the scanner);
* the model reads every name as the same placeholder ``X`` (:func:`name_words`: :func:`masked` for
  the sentence encoder, :data:`NAME_KEY` for the n-gram features). A model that learned "Cohen" or
  "Abubakar" as a sign of religion would flag notes for the tenant's name, which is itself the
  discrimination the guard is there to prevent (GDPR Art. 9 and the CNIL's warning to Paris
  Habitat); masked, a note's scores do not depend on whose name it carries.

Plain string work on the scanner's tokens, no model.
"""
from __future__ import annotations

from .persons import COURTESY_TITLES, after_title, capitalised, given_names
from .normalize import Token, tokens_of

NAME_MASK = "X"  # the French and English convention for an anonymised person ("M. X", "Mr X")
NAME_KEY = "x"  # its normalised key, as the n-gram features read it


def surname(text: str, tokens: list[Token], index: int) -> bool:
    """True when word ``index`` is a surname: right after a courtesy title and starting with a
    capital ("M. Juif", "Mrs Gay", "Ms Green"; :func:`_after_title`), or, since the tenth round
    (R13a), written Like-this right after a given name ("Ms Amy Gay", "Amy Gay, recommended by…";
    :func:`after_given_name`). "Monsieur est juif", "la famille Rom" and "Monsieur SDF" are not."""
    return after_given_name(text, tokens, index) or _after_title(text, tokens, index)


def _after_title(text: str, tokens: list[Token], index: int) -> bool:
    """Word ``index`` comes right after a courtesy title and starts with a capital; not an
    abbreviation in capitals after a title ("Monsieur SDF") unless the whole is in capitals."""
    if not after_title(text, tokens, index):
        return False
    title, word = tokens[index - 1], tokens[index]
    written, title_written = text[word.start:word.end], text[title.start:title.end]
    return not (written.isupper() and not (len(title_written) > 1 and title_written.isupper()))


def after_given_name(text: str, tokens: list[Token], index: int) -> bool:
    """R13a: word ``index`` is written Like-this right after a given name of the list written
    Like-this, one space between: the person's surname ("Amy Gay", "Ms Amy Gay"). Not "AMY GAY"
    (capitals say nothing of a name) nor "Amy, gay" (punctuation between)."""
    if index == 0 or index >= len(tokens):
        return False
    first, word = tokens[index - 1], tokens[index]
    return text[first.end:word.start] == " " and first.key in given_names() \
        and capitalised(text, first) and capitalised(text, word)


def name_words(text: str, tokens: list[Token]) -> list[bool]:
    """Which words the model reads as the placeholder: the word after a courtesy title ("M.
    Cohen", "Mr Imran" in "Mr Imran Qureshi"). Masking the surname after such a given name too
    (M1, tenth round) was tried and not adopted: the model built with it flagged a couple of the
    other sex (``docs/guard-rounds/2026-12-07-tenth-round-rules.md``)."""
    return [bool(index) and tokens[index - 1].key in COURTESY_TITLES and _after_title(text, tokens, index)
            for index in range(len(tokens))]


def masked(text: str) -> str:
    """``text`` with every name word (:func:`name_words`) replaced by ``NAME_MASK`` ("M. Cohen
    appelle" -> "M. X appelle")."""
    tokens = tokens_of(text)
    parts, last = [], 0
    for token, name in zip(tokens, name_words(text, tokens)):
        if name:
            parts += [text[last:token.start], NAME_MASK]
            last = token.end
    return "".join(parts) + text[last:] if parts else text
