"""Accounts: authentication, creation of staff and tenant accounts."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import LoginEvent, User
from portal.models._base import utcnow
from portal.accounts import passwords


def hasher_for(config: Mapping[str, Any]) -> PasswordHasher:
    """The argon2id hasher of these settings (cheap profile in tests, real cost elsewhere)."""
    return _hasher(int(config["ARGON2_TIME_COST"]), int(config["ARGON2_MEMORY_COST"]),
                   int(config["ARGON2_PARALLELISM"]))


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    # One per cost profile, made once: building it checks the parameters.
    return passwords.hasher(time_cost, memory_cost, parallelism)


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(session: Session, ph: PasswordHasher, email: str, password: str,
                 ip: str | None = None) -> User | None:
    """The user when the e-mail and password match an enabled account, else None.
    Unknown e-mail and wrong password cost the same (one hash each) and look the same."""
    user = find_by_email(session, email)
    ok = passwords.verify_password(ph, user.password_hash if user else None, password)
    if user is None:
        return None
    session.add(LoginEvent(user_id=user.id, success=ok and user.is_enabled, ip_address=ip))
    if not ok or not user.is_enabled:
        user.failed_logins = (user.failed_logins or 0) + 1
        return None
    user.failed_logins = 0
    user.last_login_at = utcnow()
    if passwords.needs_rehash(ph, user.password_hash or ""):
        user.password_hash = passwords.hash_password(ph, password)
    return user


def set_password(ph: PasswordHasher, user: User, password: str) -> None:
    user.password_hash = passwords.hash_password(ph, password)
    user.session_version = (user.session_version or 0) + 1  # every other session ends


def end_sessions(user: User) -> None:
    """Logout everywhere: older cookies no longer resolve to this user."""
    user.session_version = (user.session_version or 0) + 1
