"""One-time tokens: activation codes (on paper), password-reset and e-mail confirmation
links. Only a SHA-256 of each token is stored: the tokens are long random values (not
passwords), so a fast hash suffices and a stolen table reveals no usable token.
A token works once, before its expiry, for its purpose only."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.models import OneTimeToken, User
from portal.models._base import utcnow

# Activation codes are typed by hand from a letter: no 0/O, 1/I/L, grouped by four.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16  # 31^16 ≈ 2^79


def digest(token: str) -> str:
    return hashlib.sha256(normalise(token).encode()).hexdigest()


def normalise(token: str) -> str:
    """Codes are forgiving about case, spaces and dashes; links are used as they are."""
    stripped = token.strip()
    if stripped.replace("-", "").replace(" ", "").isalnum() and len(stripped) <= 24:
        return stripped.replace("-", "").replace(" ", "").upper()
    return stripped


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def issue(session: Session, user: User, purpose: str, lifetime: timedelta, code: bool = False) -> str:
    """A new token for `purpose`; earlier unused tokens of the same purpose stop working."""
    session.execute(update(OneTimeToken).where(
        OneTimeToken.user_id == user.id, OneTimeToken.purpose == purpose,
        OneTimeToken.used_at.is_(None)).values(used_at=utcnow()))
    token = new_code() if code else secrets.token_urlsafe(32)
    session.add(OneTimeToken(user_id=user.id, purpose=purpose, token_hash=digest(token),
                             expires_at=utcnow() + lifetime))
    session.flush()
    return token


def find(session: Session, token: str, purpose: str, at: datetime | None = None) -> OneTimeToken | None:
    """The live token (unused, unexpired, right purpose), or None."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(OneTimeToken).where(OneTimeToken.token_hash == digest(token)))
    now = at or utcnow()
    if row is None or row.purpose != purpose or row.used_at is not None or _naive(row.expires_at) <= _naive(now):
        return None
    return row


def consume(session: Session, token: str, purpose: str) -> User | None:
    """Use the token once: returns its user, or None if it is not valid (any more).
    The UPDATE … WHERE used_at IS NULL makes two simultaneous uses impossible."""
    row = find(session, token, purpose)
    if row is None:
        return None
    done = session.execute(update(OneTimeToken).where(
        OneTimeToken.id == row.id, OneTimeToken.used_at.is_(None)).values(used_at=utcnow()))
    if done.rowcount != 1:
        return None
    return session.get(User, row.user_id)


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None) if value.tzinfo else value
