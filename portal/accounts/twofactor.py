"""Staff two-factor authentication with TOTP (RFC 6238, pyotp).

Enrolment shows the secret as a QR code drawn as inline SVG (no image from another
site, nothing blocked by the CSP) and as text. Ten recovery codes are shown once and
stored as argon2 hashes; each works once. A TOTP code is never accepted twice: the
time step of the last accepted code is kept (totp_last_counter), and only a later
step is accepted.

Required for every staff role when REQUIRE_STAFF_2FA is on, except in the demo
configuration (DEMO_MODE, set by `portal demo`), where staff may still enrol.

The secret is stored encrypted (Fernet: AES-128-CBC + HMAC) with TOTP_KEY, a key kept
outside the database: a copy of the database alone does not give anyone the codes
(OWASP ASVS 2.9.1: authentication secrets protected at rest)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Mapping

import pyotp
import qrcode
import qrcode.image.svg
from argon2 import PasswordHasher
from cryptography.fernet import Fernet, InvalidToken

from portal.models import User
from portal.accounts import passwords

ISSUER = "Portail vie privée"
RECOVERY_CODES = 10
STEP = 30


def required(user: User, config: Mapping) -> bool:
    """Must this user pass a second factor (or enrol) before using the portal?"""
    if not user.is_staff:
        return False
    if user.totp_secret:
        return True  # enrolled: always asked, demo or not
    return bool(config.get("REQUIRE_STAFF_2FA", True)) and not config.get("DEMO_MODE", False)


def _fernet(key: str) -> Fernet:
    # TOTP_KEY is any long random text; Fernet wants 32 bytes, url-safe base64.
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


def seal(key: str, secret: str) -> str:
    """The TOTP secret encrypted for storage."""
    return _fernet(key).encrypt(secret.encode()).decode()


def unseal(key: str, stored: str) -> str | None:
    """The TOTP secret from its stored form (None if it was not sealed with this key)."""
    try:
        return _fernet(key).decrypt(stored.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as an <svg> element (trusted markup we generate: safe to mark |safe)."""
    img = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = img.to_string(encoding="unicode")
    return svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-title" class="qr" ', 1).replace(
        ">", '><title id="qr-title">QR code</title>', 1)


def matching_counter(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step the code belongs to (now, or one step either side), else None."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = at if at is not None else time.time()
    current = int(now // STEP)
    for counter in (current - 1, current, current + 1):
        if secrets.compare_digest(totp.at(counter * STEP), code):
            return counter
    return None


def verify_totp(user: User, code: str, at: float | None = None, *, key: str) -> bool:
    """True once per code: the step must be later than the last accepted one."""
    secret = unseal(key, user.totp_secret) if user.totp_secret else None
    if not secret:
        return False
    counter = matching_counter(secret, code, at)
    if counter is None or (user.totp_last_counter is not None and counter <= user.totp_last_counter):
        return False
    user.totp_last_counter = counter
    return True


def new_recovery_codes(ph: PasswordHasher) -> tuple[list[str], list[str]]:
    """(codes to show once, their hashes to store)."""
    codes = ["-".join(secrets.token_hex(3) for _ in range(2)) for _ in range(RECOVERY_CODES)]
    return codes, [passwords.hash_password(ph, c) for c in codes]


def use_recovery_code(ph: PasswordHasher, user: User, code: str) -> bool:
    """A recovery code works once: its hash is removed when it is used."""
    code = code.strip().lower()
    if not code or len(code) > 64:
        return False
    stored = list(user.recovery_codes or [])
    for i, hashed in enumerate(stored):
        if passwords.verify_password(ph, hashed, code):
            del stored[i]
            user.recovery_codes = stored  # new list: the JSON column sees the change
            return True
    return False


def enrol(ph: PasswordHasher, user: User, secret: str, code: str, at: float | None = None, *,
          key: str) -> list[str] | None:
    """Confirm enrolment with a first code; returns the recovery codes to show, or None."""
    counter = matching_counter(secret, code, at)
    if counter is None:
        return None
    codes, hashes = new_recovery_codes(ph)
    user.totp_secret = seal(key, secret)
    user.totp_last_counter = counter
    user.recovery_codes = hashes
    user.session_version = (user.session_version or 0) + 1  # other sessions re-authenticate
    return codes
