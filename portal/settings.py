"""Settings in layers: package defaults, then instance/config.py, then the environment
(DATABASE_URL, SECRET_KEY, PORTAL_*), then the mapping given to create_app. Plain values
in, a plain dict out: create_app puts it in the Flask app's config."""

from __future__ import annotations

import os
import runpy
import secrets
from pathlib import Path
from typing import Any, Mapping

from portal.config import Defaults

DEV_SECRET_MARKERS = ("dev", "change-me", "secret")


def _upper(names: Mapping[str, Any]) -> dict[str, Any]:
    """The settings of a module or class: its UPPERCASE names (as Flask's from_object)."""
    return {key: value for key, value in names.items() if key.isupper()}


def _instance_file(path: Path) -> dict[str, Any]:
    """The settings of instance/config.py, when there is one (Python, as Flask's from_pyfile)."""
    return _upper(runpy.run_path(str(path))) if path.is_file() else {}


def load(instance_path: str | Path, overrides: Mapping[str, Any] | None,
         environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Every setting, from the layers above (the instance directory is created when missing)."""
    instance = Path(instance_path)
    config = _upper({name: getattr(Defaults, name) for name in dir(Defaults)})
    config.update(_instance_file(instance / "config.py"))
    for name in ("DATABASE_URL", "SECRET_KEY", "RATELIMIT_STORAGE_URI", "MAIL_SERVER", "QUEUE_URL"):
        if environ.get(name):
            config["SQLALCHEMY_DATABASE_URI" if name == "DATABASE_URL" else name] = environ[name]
    for name in ("PORTAL_PROFILE", "ENV_PROFILE"):
        if environ.get(name):
            config["ENV_PROFILE"] = environ[name]
    for name in ("PUBLIC_URL", "TRUSTED_PROXIES", "AUDIT_KEY", "TOTP_KEY"):
        if environ.get("PORTAL_" + name):
            config[name] = environ["PORTAL_" + name]
    if environ.get("PORTAL_PROCESSES"):
        config["PROCESSES"] = environ["PORTAL_PROCESSES"]
    if overrides:
        overrides = dict(overrides)
        if "DATABASE_URL" in overrides:
            overrides["SQLALCHEMY_DATABASE_URI"] = overrides.pop("DATABASE_URL")
        config.update(overrides)
    instance.mkdir(parents=True, exist_ok=True)
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'portal.db'}"
    config["SQLALCHEMY_DATABASE_URI"] = normalise_url(config["SQLALCHEMY_DATABASE_URI"])
    _private_sqlite_file(config["SQLALCHEMY_DATABASE_URI"])
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret(instance)
    for name, filename in (("AUDIT_KEY", "audit_key"), ("TOTP_KEY", "totp_key")):
        if not config.get(name):
            config[name] = _instance_secret(instance, filename)
    if not config.get("AUDIT_CHECKPOINT"):
        config["AUDIT_CHECKPOINT"] = str(instance / "audit-checkpoint.json")
    if not config.get("CATALOGUE_OVERRIDES"):
        config["CATALOGUE_OVERRIDES"] = str(instance / "catalogue.toml")
    if config["ENV_PROFILE"] == "production":
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        problems = production_problems(config, environ)
        if problems:
            raise UnsafeSettings("Refusing to start with ENV_PROFILE=production:\n  - " + "\n  - ".join(problems))
    elif (instance / DEMO_MARKER).exists() and "DEMO_MODE" not in (overrides or {}):
        config["DEMO_MODE"] = True  # written by `portal demo` (see security/twofactor.py)
    return config


DEMO_MARKER = "demo-mode"


class UnsafeSettings(RuntimeError):
    """The production profile met a setting that is only safe in development."""


def production_problems(config: Mapping[str, Any], environ: Mapping[str, str]) -> list[str]:
    """Every reason this configuration is unsafe for production (empty: fine)."""
    problems = []
    key = str(config.get("SECRET_KEY") or "")
    if len(key) < 32 or any(marker in key.lower() for marker in DEV_SECRET_MARKERS + ("test",)):
        problems.append("SECRET_KEY is a development or test key (or shorter than 32 characters): "
                        "set a long random SECRET_KEY, the same on every server")
    if config.get("DEBUG") or environ.get("FLASK_DEBUG", "").lower() in ("1", "true", "yes"):
        problems.append("debug mode is on (DEBUG / FLASK_DEBUG): it shows code and data on errors")
    if config.get("TESTING"):
        problems.append("TESTING is on")
    if config.get("DEMO_MODE"):
        problems.append("DEMO_MODE is on: staff two-factor authentication would not be required")
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        processes = str(config.get("PROCESSES") or environ.get("WEB_CONCURRENCY") or "")
        if processes != "1":
            problems.append("SQLite with several processes, or without saying how many: SQLite serves one "
                            "process only. Use PostgreSQL (DATABASE_URL), or declare PROCESSES = 1 "
                            "(PORTAL_PROCESSES=1) if this server really runs a single process")
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory") and \
            str(config.get("PROCESSES") or environ.get("WEB_CONCURRENCY") or "1") != "1":
        problems.append("RATELIMIT_STORAGE_URI is memory:// with several processes: each would count "
                        "login failures on its own; use redis://")
    return problems


def normalise_url(url: str) -> str:
    """postgres:// and postgresql:// mean psycopg 3 here (the driver we install)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _private_sqlite_file(url: str) -> None:
    """A SQLite database holds every tenant's file: created readable by its owner only
    (SQLite would create it with the umask, usually world-readable)."""
    if not url.startswith("sqlite:///") or url in ("sqlite://", "sqlite:///:memory:"):
        return
    path = Path(url[len("sqlite:///"):].split("?")[0])
    if not path.exists() and path.parent.is_dir():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:  # another process made it meanwhile
            pass


def _instance_secret(instance: Path, name: str = "secret_key") -> str:
    """A key kept in a file of instance/ (secret_key, audit_key, totp_key), created on
    first start (mode 600)."""
    path = instance / name
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race: use its key
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return path.read_text().strip()
