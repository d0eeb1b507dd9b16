"""Tenant activation: the landlord prints a letter with a one-time activation code for
each tenant who has no portal account yet (`portal activation-letters`); the tenant
types the code at /activate with their e-mail address and a new password, then
confirms the address through an e-mailed link. Only then can they log in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Callable, Iterable

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import rendering
from portal.models import Tenant, User
from portal.accounts import passwords, tokens


class ActivationError(ValueError):
    """The code, the e-mail address or the password cannot be accepted."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message, self.field = message, field  # an English msgid, the form field it is about


@dataclass(frozen=True)
class Letter:
    tenant_number: str
    path: Path


def _pending_user(session: Session, tenant: Tenant) -> User:
    user = session.scalar(select(User).where(User.tenant_id == tenant.id))
    if user is None:
        # The login address is chosen by the tenant at activation; until then a
        # placeholder that can receive no mail and matches no login.
        user = User(email=f"pending-{tenant.id}@activation.invalid", password_hash=None, role="tenant",
                    tenant_id=tenant.id, display_name=f"{tenant.first_name} {tenant.last_name}", language=tenant.preferred_language or "fr",
                    email_confirmed=False)
        session.add(user)
        session.flush()
    return user


def letter_text(tenant: Tenant, code: str, url: str, days: int, landlord: dict) -> str:
    """The activation letter of one tenant, in their language (templates/letters/activation.txt)."""
    lang = tenant.preferred_language if tenant.preferred_language in ("fr", "en") else "fr"
    return rendering.render_text(
        "letters/activation.txt", lang, landlord=landlord, code=code, url=url, days=days,
        recipient=f"{tenant.civility or ''} {tenant.first_name} {tenant.last_name}".strip(),
        postal_address=tenant.postal_address or "", tenant_number=tenant.tenant_number) + "\n"


def write_letters(session: Session, out_dir: Path, url: str, days: int, landlord: dict,
                  numbers: Iterable[str] = (), progress: Callable[[str], None] | None = None) -> list[Letter]:
    """One letter (text file) per tenant without an activated account; a new code each
    time (a code printed earlier stops working)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    query = select(Tenant).order_by(Tenant.tenant_number)
    wanted = list(numbers)
    if wanted:
        query = query.where(Tenant.tenant_number.in_(wanted))
    letters = []
    for tenant in session.scalars(query):
        user = session.scalar(select(User).where(User.tenant_id == tenant.id))
        if user is not None and user.password_hash:
            continue  # already active
        user = _pending_user(session, tenant)
        code = tokens.issue(session, user, "activation", timedelta(days=days), code=True)
        safe = re.sub(r"[^A-Za-z0-9_-]", "_", tenant.tenant_number)  # never a path from data
        path = out_dir / f"activation-{safe}.txt"
        path.write_text(letter_text(tenant, code, url, days, landlord), encoding="utf-8")
        letters.append(Letter(tenant.tenant_number, path))
        if progress:
            progress(f"  {tenant.tenant_number} → {path.name}")
    return letters


def activate(session: Session, ph: PasswordHasher, code: str, email: str, password: str) -> User:
    """Use the code: the account gets its e-mail address (to confirm) and its password."""
    email = email.strip().lower()
    row = tokens.find(session, code, "activation")
    if row is None:
        raise ActivationError("This activation code is not valid, or was already used, or has expired.", "code")
    user = session.get(User, row.user_id)
    taken = session.scalar(select(User.id).where(func.lower(User.email) == email, User.id != row.user_id))
    if taken is not None:
        raise ActivationError("This e-mail address is already used by another account.", "email")
    tenant = user.tenant
    problems = passwords.check_policy(password, email, (tenant.first_name, tenant.last_name) if tenant else ())
    if problems:
        raise ActivationError(problems[0].message, "password")
    if tokens.consume(session, code, "activation") is None:
        raise ActivationError("This activation code is not valid, or was already used, or has expired.", "code")
    user.email = email
    user.email_confirmed = False
    user.password_hash = passwords.hash_password(ph, password)
    user.session_version = (user.session_version or 0) + 1
    return user
