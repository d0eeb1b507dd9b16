"""Login throttling (CNIL 2022-100, OWASP ASVS 2.2.1): per e-mail address and per source
address, counted in the rate-limit storage (RATELIMIT_STORAGE_URI: memory by default,
Redis in production so that every process and machine counts together).

Per e-mail address — whether an account exists or not, so that the answer never tells:
  failures 1–4: nothing; failure 5: blocked 1 minute, then 2, 4, 8, 16 minutes;
  failure 10 and after (within 24 h): the address is locked for LOGIN_LOCK_MINUTES.
Per source address: LOGIN_IP_LIMIT failures (default 30 in 10 minutes), then 429.
A success clears the e-mail's counter. RATELIMIT_ENABLED=False turns both off (tests)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits import parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

FAILURES_BEFORE_DELAY = 5
FAILURES_BEFORE_LOCK = 10
FAILURE_MEMORY = 24 * 3600  # seconds a failure counts
EXTENSION = "portal.throttle"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    wait_seconds: int = 0
    reason: str = ""  # "account" | "address"


class LoginThrottle:
    def __init__(self, storage: Storage, ip_limit: str, lock_minutes: int) -> None:
        self.storage = storage
        self.ip_item = parse(ip_limit)
        self.lock_seconds = lock_minutes * 60
        self.window = MovingWindowRateLimiter(storage)

    @staticmethod
    def _key(kind: str, value: str) -> str:
        # Hashed: the storage (Redis) never holds an e-mail address or an IP in clear.
        return f"portal-login/{kind}/" + hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]

    def delay_after(self, failures: int) -> int:
        """Seconds blocked after this many consecutive failures (0: none)."""
        if failures < FAILURES_BEFORE_DELAY:
            return 0
        if failures >= FAILURES_BEFORE_LOCK:
            return self.lock_seconds
        return 60 * 2 ** (failures - FAILURES_BEFORE_DELAY)

    def check(self, email: str, ip: str | None) -> Verdict:
        """May this attempt go on to the password check?"""
        if ip and not self.window.test(self.ip_item, "login-ip", self._key("ip", ip)):
            reset = self.window.get_window_stats(self.ip_item, "login-ip", self._key("ip", ip)).reset_time
            return Verdict(False, max(1, int(reset - time.time())), "address")
        lock = self._key("lock", email)
        if self.storage.get(lock) > 0:
            if ip:  # an attempt on a locked account still counts against its source
                self.window.hit(self.ip_item, "login-ip", self._key("ip", ip))
            return Verdict(False, max(1, int(self.storage.get_expiry(lock) - time.time())), "account")
        return Verdict(True)

    def failed(self, email: str, ip: str | None) -> int:
        """Count a failure; returns the e-mail's consecutive failures."""
        if ip:
            self.window.hit(self.ip_item, "login-ip", self._key("ip", ip))
        failures = self.storage.incr(self._key("fail", email), FAILURE_MEMORY)
        delay = self.delay_after(failures)
        if delay:
            lock = self._key("lock", email)
            self.storage.clear(lock)
            self.storage.incr(lock, delay)
        return failures

    def succeeded(self, email: str) -> None:
        self.storage.clear(self._key("fail", email))
        self.storage.clear(self._key("lock", email))


def init_app(app: Flask) -> None:
    app.config.setdefault("LOGIN_IP_LIMIT", "30 per 10 minutes")
    app.config.setdefault("LOGIN_LOCK_MINUTES", 60)
    app.extensions[EXTENSION] = LoginThrottle(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]),
                                              app.config["LOGIN_IP_LIMIT"], app.config["LOGIN_LOCK_MINUTES"])


def current() -> LoginThrottle | None:
    """The app's throttle, or None when rate limiting is off (RATELIMIT_ENABLED=False)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    return current_app.extensions.get(EXTENSION)
