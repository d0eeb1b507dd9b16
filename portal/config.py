"""Default settings. Safe for development, no secrets: instance/config.py and the
environment override them (see create_app)."""

from __future__ import annotations

from datetime import timedelta


class Defaults:
    # Secret key: None here on purpose. create_app reads instance/secret_key or
    # creates it on first start, so no secret ever lives in the repository.
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled with a SQLite file in instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Languages: French first (the users are in France), English complete too.
    LANGUAGES = ("fr", "en")
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"

    # Sessions and cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # turned on by the production profile
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)  # absolute timeout
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    WTF_CSRF_TIME_LIMIT = 3600 * 8
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024  # request size limit (bytes)

    # Password hashing: argon2id. Tests use a cheap profile (see tests/conftest.py).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 2

    # Rate limiting: memory by default, Redis in production (shared across workers).
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False

    # Mail: SMTP when MAIL_SERVER is set, else a file outbox in instance/outbox.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "Portail vie privée <no-reply@example.org>"

    # The landlord (letterhead, staff names in access logs).
    LANDLORD = {
        "name": "Office Public de l'Habitat Exemple",
        "address": "12 rue de la République, 75011 Paris",
        "dpo_email": "dpo@example.org",
        "dpo_address": "Délégué à la protection des données, 12 rue de la République, 75011 Paris",
        "phone": "01 23 45 67 89",
        "website": "https://habitat.example.org",
        # The help line shown at the foot of every page (the letters print the phone too).
        "help_hours": {"fr": "du lundi au vendredi, de 9 h à 17 h", "en": "Monday to Friday, 9 am to 5 pm"},
        "help_desk": {"fr": "accueil du siège, 12 rue de la République, 75011 Paris",
                      "en": "front desk, 12 rue de la République, 75011 Paris"},
    }
    SHOW_STAFF_NAMES_IN_ACCESS_LOG = False

    # Staff two-factor authentication (TOTP); the demo profile turns it off.
    REQUIRE_STAFF_2FA = True
    # Demo mode: set by `portal demo`-created instance config and tests.
    DEMO_MODE = False

    # Where the DPO's overrides of the catalogue's Art. 15 texts live (optional).
    CATALOGUE_OVERRIDES: str | None = None  # path to a TOML file; default instance/catalogue.toml

    # Production guard: refuse to start with unsafe settings.
    ENV_PROFILE = "development"  # or "production" (env PORTAL_PROFILE or ENV_PROFILE)
    # How many app processes serve this database (env PORTAL_PROCESSES). None: not said.
    # In production SQLite is refused unless this says 1 (SQLite serves one process).
    PROCESSES: int | None = None

    # The portal's public address, scheme://host[:port] (e.g. "https://portail.example.org"):
    # links in e-mails are built from it, never from the request's Host header (host-header
    # poisoning of reset links). Env PORTAL_PUBLIC_URL. Flask's TRUSTED_HOSTS (a list of
    # host names) makes every other Host answer 400.
    PUBLIC_URL: str | None = None
    TRUSTED_HOSTS: list[str] | None = None
    # Reverse proxies in front of the app (nginx: 1). Their X-Forwarded-For/-Proto/-Host
    # are believed for that many hops (werkzeug ProxyFix); 0: none are (the default, since
    # a client could otherwise pick its own address). Env PORTAL_TRUSTED_PROXIES.
    TRUSTED_PROXIES = 0

    # Keys kept outside the database (instance files created on first start, mode 600, or
    # env PORTAL_AUDIT_KEY / PORTAL_TOTP_KEY): the audit chain's HMAC key, and the key
    # that encrypts staff two-factor secrets at rest. Back them up apart from the database.
    AUDIT_KEY: str | None = None
    TOTP_KEY: str | None = None
    # The audit chain's signed checkpoint (its head, outside the database); default
    # instance/audit-checkpoint.json.
    AUDIT_CHECKPOINT: str | None = None

    # Login throttling (portal/web/throttle.py), per source address and per e-mail: the
    # longest delay after repeated failures (CNIL: growing delays, no long lock).
    LOGIN_IP_LIMIT = "30 per 10 minutes"
    LOGIN_LOCK_MINUTES = 15
    # A refused login answers after at least LOGIN_FAILURE_MIN_SECONDS: a wrong password
    # records a login event and a failure count, an unknown address writes nothing, and
    # the time must not tell them apart (OWASP Authentication Cheat Sheet: account
    # enumeration; the hash is computed in both cases, see accounts/passwords.py).
    LOGIN_FAILURE_MIN_SECONDS = 0.4
    # One-time links and codes (hashed in one_time_tokens).
    ACTIVATION_CODE_DAYS = 60
    RESET_LINK_MINUTES = 60
    # "Forgotten password": mails per address (beyond: the same answer, no mail) and asks
    # per client (beyond: 429); every answer takes at least FORGOT_MIN_SECONDS, so that
    # the time does not tell whether an account exists (the work differs: a token, a mail).
    FORGOT_EMAIL_LIMIT = "3 per hour"
    FORGOT_IP_LIMIT = "20 per hour"
    FORGOT_MIN_SECONDS = 0.5
    CONFIRM_LINK_HOURS = 48
