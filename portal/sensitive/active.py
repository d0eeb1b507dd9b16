"""Which model the guard uses: the instance's active model file, else the shipped one.

``use_model(path)`` points the guard at a model file (the Flask app calls it with
``instance/<file>`` at start-up, and again after a successful retrain); ``None`` goes
back to the shipped default. A missing or unreadable file falls back to the shipped model
(logged), so ``scan()`` always works, with or without an instance folder.
``model_version()`` is what the audit log records next to a flag.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from .encoder import ENCODER
from .memory import forgetting
from .model import Model
from .modelfile import SHIPPED_MODEL, load
from .scanner import Finding, Scanner

log = logging.getLogger(__name__)
_LOCK = threading.Lock()
_STATE: dict = {"path": None, "model": None, "scanner": None}


def _load_active(path: Path | None) -> Model | None:
    if path is not None:
        try:
            return load(path)
        except (OSError, ValueError) as error:
            log.warning("guard model %s unusable (%s); using the shipped model", path, error)
    try:
        return load(SHIPPED_MODEL)
    except (OSError, ValueError) as error:  # pragma: no cover - broken install
        log.error("shipped guard model unusable (%s); vocabulary only", error)
        return None


def use_model(path: str | Path | None) -> str:
    """Make the model at ``path`` the active one (``None``: the shipped model).

    Returns the active model's version (``"vocabulary-only"`` if none could load)."""
    with _LOCK:
        resolved = Path(path) if path is not None else None
        model = _load_active(resolved)
        _STATE.update(path=resolved, model=model, scanner=Scanner(model=model))
    return model_version()


def set_model_path(path: str | Path | None) -> None:
    """Point the guard at the model file at ``path`` (the instance's active model) without
    loading it now: it loads with the first scan. A path with no file keeps the shipped
    model, so an app started without a retrained model costs nothing here."""
    resolved = Path(path) if path is not None else None
    if resolved is not None and not resolved.is_file():
        resolved = None
    with _LOCK:
        if _STATE["path"] != resolved:
            _STATE.update(path=resolved, model=None, scanner=None)


def active_model_path() -> Path | None:
    """The instance model file the guard is pointed at (``None``: the shipped model), so
    that a worker process can point itself at the same one."""
    return _STATE["path"]


def active_scanner() -> Scanner:
    scanner = _STATE["scanner"]
    if scanner is None:
        with _LOCK:
            if _STATE["scanner"] is None:
                model = _load_active(_STATE["path"])
                _STATE.update(model=model, scanner=Scanner(model=model))
            scanner = _STATE["scanner"]
    return scanner


def active_model() -> Model | None:
    active_scanner()
    return _STATE["model"]


def model_version() -> str:
    """Version string of the active model, for the audit log."""
    model = active_model()
    return model.version if model is not None else "vocabulary-only"


def default_scanner() -> Scanner:
    """The hybrid scanner with the active model (see ``portal.sensitive.active``)."""
    return active_scanner()


def warm_up() -> str:
    """Load now what the first notes would otherwise wait for: the active model and the
    vocabulary, the spelling dictionaries and the sentence encoder (about 1.5 s here; the
    encoder alone ~0.9 s, and a note that the fast heads settle never loads it).
    ``portal scan-notes`` calls it before forking its workers, which then share what it
    loaded; the speed benchmark calls it before timing. Returns the active model's version."""
    default_scanner().corrector.load()
    ENCODER.load()
    return model_version()


def scan(text: str) -> list[Finding]:
    """Scan ``text`` with the packaged vocabulary and the active model; see :class:`Finding`."""
    with forgetting():  # nothing of the note stays in memory (memory.py)
        return default_scanner().scan(text)


def scan_many(texts) -> list[list[Finding]]:
    """``[scan(t) for t in texts]``, in order (same results)."""
    with forgetting():  # nothing of the notes stays in memory (memory.py)
        return default_scanner().scan_many(texts)
