"""Login throttling (CNIL délibération 2022-100 on passwords, OWASP ASVS 2.2.1), counted in
the rate-limit storage (RATELIMIT_STORAGE_URI: memory by default, Redis in production so
that every process and machine counts together). The client's address is the real one:
behind a reverse proxy, TRUSTED_PROXIES makes ProxyFix read it from X-Forwarded-For
(portal/web/security.py), otherwise every tenant would share nginx's address.

The CNIL asks for a growing delay after failures, not a lock a stranger can set off:
- per e-mail address *and* source address (whether an account exists or not, so that the
  answer never tells): failures 1–4 nothing; from failure 5, blocked 1 minute, then 2, 4,
  8… up to LOGIN_LOCK_MINUTES (15 by default). Only the address that failed waits: the
  account's owner, from her own address, logs in as usual.
- per e-mail address from every address together (a guessing spread over many machines):
  from ACCOUNT_FAILURES_BEFORE_DELAY failures in 24 h, one minute between attempts —
  slow enough to stop guessing, never hours.
- per source address: LOGIN_IP_LIMIT failures (default 30 in 10 minutes), then 429.
A success clears the counters of its e-mail. RATELIMIT_ENABLED=False turns all off (tests)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from flask import Flask, current_app
from limits import parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

FAILURES_BEFORE_DELAY = 5
ACCOUNT_FAILURES_BEFORE_DELAY = 50
ACCOUNT_DELAY = 60  # seconds between attempts on an account under distributed guessing
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
        self.max_delay = lock_minutes * 60
        self.window = MovingWindowRateLimiter(storage)

    @staticmethod
    def _key(kind: str, *values: str | None) -> str:
        # Hashed: the storage (Redis) never holds an e-mail address or an IP in clear.
        joined = "\n".join((v or "").strip().lower() for v in values)
        return f"portal-login/{kind}/" + hashlib.sha256(joined.encode()).hexdigest()[:32]

    def delay_after(self, failures: int) -> int:
        """Seconds blocked after this many consecutive failures from one address (0: none):
        doubling from one minute, never more than the configured ceiling."""
        if failures < FAILURES_BEFORE_DELAY:
            return 0
        return min(self.max_delay, 60 * 2 ** min(failures - FAILURES_BEFORE_DELAY, 20))

    def _waiting(self, key: str) -> int:
        if self.storage.get(key) > 0:
            return max(1, int(self.storage.get_expiry(key) - time.time()))
        return 0

    def check(self, email: str, ip: str | None) -> Verdict:
        """May this attempt go on to the password check?"""
        if ip and not self.window.test(self.ip_item, "login-ip", self._key("ip", ip)):
            reset = self.window.get_window_stats(self.ip_item, "login-ip", self._key("ip", ip)).reset_time
            return Verdict(False, max(1, int(reset - time.time())), "address")
        wait = self._waiting(self._key("lock", email, ip)) or self._waiting(self._key("slow", email))
        if wait:
            if ip:  # an attempt on a blocked account still counts against its source
                self.window.hit(self.ip_item, "login-ip", self._key("ip", ip))
            return Verdict(False, wait, "account")
        return Verdict(True)

    def _block(self, key: str, seconds: int) -> None:
        self.storage.clear(key)
        self.storage.incr(key, seconds)

    def failed(self, email: str, ip: str | None) -> int:
        """Count a failure; returns the consecutive failures of this e-mail from this address."""
        if ip:
            self.window.hit(self.ip_item, "login-ip", self._key("ip", ip))
        failures = self.storage.incr(self._key("fail", email, ip), FAILURE_MEMORY)
        delay = self.delay_after(failures)
        if delay:
            self._block(self._key("lock", email, ip), delay)
        if self.storage.incr(self._key("all", email), FAILURE_MEMORY) >= ACCOUNT_FAILURES_BEFORE_DELAY:
            self._block(self._key("slow", email), ACCOUNT_DELAY)
        return failures

    def allow(self, kind: str, value: str, limit: str) -> bool:
        """Count one use of `kind` by `value` (an address, an e-mail); False once over
        `limit` ("3 per hour"). For actions other than logging in: reset mails."""
        return self.window.hit(parse(limit), f"portal-{kind}", self._key(kind, value))

    def succeeded(self, email: str, ip: str | None = None) -> None:
        for key in (self._key("fail", email, ip), self._key("lock", email, ip), self._key("all", email),
                    self._key("slow", email)):
            self.storage.clear(key)


def init_app(app: Flask) -> None:
    app.config.setdefault("LOGIN_IP_LIMIT", "30 per 10 minutes")
    app.config.setdefault("LOGIN_LOCK_MINUTES", 15)
    app.extensions[EXTENSION] = LoginThrottle(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]),
                                              app.config["LOGIN_IP_LIMIT"], app.config["LOGIN_LOCK_MINUTES"])


def current() -> LoginThrottle | None:
    """The app's throttle, or None when rate limiting is off (RATELIMIT_ENABLED=False)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    return current_app.extensions.get(EXTENSION)


def answer_after(started: float, setting: str) -> None:
    """Wait until ``current_app.config[setting]`` seconds have passed since ``started``
    (``time.perf_counter()``): an answer that must not tell whether an account exists takes
    the same time whatever work was done (OWASP Authentication Cheat Sheet, account enumeration)."""
    time.sleep(max(0.0, float(current_app.config[setting]) - (time.perf_counter() - started)))
