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

A memo of the last short texts of a call is a :class:`TextMemo` (registered here when made);
other memos register themselves with :func:`text_memo` (a way to clear it, and a way to ask
whether it holds a text). This module imports nothing of the guard.
"""
from __future__ import annotations

import weakref
from contextlib import contextmanager
from typing import Any, Callable, Iterator

_MEMOS: list[tuple[Callable[[], None], Callable[[str], bool]]] = []
_TEXT_MEMOS: "weakref.WeakSet[TextMemo]" = weakref.WeakSet()  # every live TextMemo
_MISSING = object()


class TextMemo:
    """What was computed for the last short texts of a call, keyed by the text: at most
    ``size`` texts of at most ``max_text`` characters (longer ones are recomputed, so memory
    stays bounded), forgotten after each public call like every memo here."""

    def __init__(self, max_text: int = 4_000, size: int = 4_096) -> None:
        self.max_text, self.size = max_text, size
        self.texts: dict[str, Any] = {}
        _TEXT_MEMOS.add(self)

    def get(self, text: str, compute: Callable[[str], Any]) -> Any:
        """``compute(text)``, remembered when ``text`` is short."""
        if len(text) > self.max_text:
            return compute(text)
        found = self.texts.get(text, _MISSING)
        if found is _MISSING:
            if len(self.texts) >= self.size:
                self.texts.clear()
            found = self.texts[text] = compute(text)
        return found


def text_memo(clear: Callable[[], None], holds: Callable[[str], bool]) -> None:
    """Register a memo keyed by note text: ``clear()`` empties it, ``holds(text)`` tells."""
    _MEMOS.append((clear, holds))


def forget_texts() -> None:
    """Empty every memo that holds note texts (another thread's call then recomputes
    what it needs: slower, never a different verdict)."""
    for clear, _holds in _MEMOS:
        clear()
    for memo in list(_TEXT_MEMOS):
        memo.texts.clear()


def holds(text: str) -> bool:
    """True when some memo of the guard still holds ``text`` (tests of the rule above)."""
    return any(memo_holds(text) for _clear, memo_holds in _MEMOS) \
        or any(text in memo.texts for memo in list(_TEXT_MEMOS))


@contextmanager
def forgetting() -> Iterator[None]:
    """Run a public entry point; forget the texts it remembered when it returns."""
    try:
        yield
    finally:
        forget_texts()
