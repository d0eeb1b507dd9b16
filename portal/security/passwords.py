"""Password hashing with argon2id (argon2-cffi). The cost comes from settings so that
tests can use a cheap profile; a hash made with other parameters still verifies and
is upgraded at the next login (check_needs_rehash)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


def hasher(time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 2) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hash_password(ph: PasswordHasher, password: str) -> str:
    return ph.hash(password)


def verify_password(ph: PasswordHasher, stored: str | None, password: str) -> bool:
    """True when the password matches. A missing hash still costs one hash computation,
    so an unknown account answers in the same time as a wrong password."""
    if not stored:
        ph.hash(password)
        return False
    try:
        return ph.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(ph: PasswordHasher, stored: str) -> bool:
    try:
        return ph.check_needs_rehash(stored)
    except InvalidHashError:
        return True
