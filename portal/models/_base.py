"""Shared column helpers for the models."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Naive UTC timestamp: SQLite keeps no time zone, so we store UTC everywhere."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
