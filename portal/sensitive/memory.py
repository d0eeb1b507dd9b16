"""Nothing of a note outlives the call that scanned it.

Inside one call the guard remembers texts: ``scan_many`` judges a note twice (a dry run
that learns what the sentence encoder will be asked, then the verdict), and a note's
sentences and n-gram vectors are asked for more than once. Those memos are copies of
the note, and copies are personal data: once a note is erased (GDPR Art. 17) or past
its retention period (Art. 5(1)(e)), no web server or worker may still hold its text or
its embedding in memory. So the public entry points (``scan``, ``scan_many``,
``explain``; ``portal scan-notes`` goes through ``scan_many``) forget every text memo
when they return (:func:`forgetting`).

Memos of single words (accent-stripped form, spelling correction, lemma, n-gram ids)
are kept across calls, bounded: a word alone, with no note and no person attached, is
what makes the vocabulary fast.

Each memo registers itself here with :func:`text_memo` (a way to clear it, and a way to
ask whether it holds a text); this module imports nothing of the guard.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

_MEMOS: list[tuple[Callable[[], None], Callable[[str], bool]]] = []


def text_memo(clear: Callable[[], None], holds: Callable[[str], bool]) -> None:
    """Register a memo keyed by note text: ``clear()`` empties it, ``holds(text)`` tells."""
    _MEMOS.append((clear, holds))


def forget_texts() -> None:
    """Empty every memo that holds note texts (another thread's call then recomputes
    what it needs: slower, never a different verdict)."""
    for clear, _holds in _MEMOS:
        clear()


def holds(text: str) -> bool:
    """True when some memo of the guard still holds ``text`` (tests of the rule above)."""
    return any(memo_holds(text) for _clear, memo_holds in _MEMOS)


@contextmanager
def forgetting() -> Iterator[None]:
    """Run a public entry point; forget the texts it remembered when it returns."""
    try:
        yield
    finally:
        forget_texts()
