"""Shared helpers for the sensitive-scanner tests."""
from __future__ import annotations

from pathlib import Path

from portal.sensitive import scan

DATA = Path(__file__).with_name("data")


def categories(text: str) -> set[str]:
    """The categories ``scan`` finds in ``text``."""
    return {f.category for f in scan(text)}
