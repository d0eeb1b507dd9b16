"""Settings in layers: package defaults, then instance/config.py, then the environment
(DATABASE_URL, SECRET_KEY, PORTAL_*), then the mapping given to create_app."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from portal.config import Defaults

DEV_SECRET_MARKERS = ("dev", "change-me", "secret")


def load(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for name in ("DATABASE_URL", "SECRET_KEY", "RATELIMIT_STORAGE_URI", "MAIL_SERVER", "QUEUE_URL"):
        if os.environ.get(name):
            app.config["SQLALCHEMY_DATABASE_URI" if name == "DATABASE_URL" else name] = os.environ[name]
    for name in ("PORTAL_PROFILE", "ENV_PROFILE"):
        if os.environ.get(name):
            app.config["ENV_PROFILE"] = os.environ[name]
    for name in ("PUBLIC_URL", "TRUSTED_PROXIES", "AUDIT_KEY", "TOTP_KEY"):
        if os.environ.get("PORTAL_" + name):
            app.config[name] = os.environ["PORTAL_" + name]
    if os.environ.get("PORTAL_PROCESSES"):
        app.config["PROCESSES"] = os.environ["PORTAL_PROCESSES"]
    if overrides:
        overrides = dict(overrides)
        if "DATABASE_URL" in overrides:
            overrides["SQLALCHEMY_DATABASE_URI"] = overrides.pop("DATABASE_URL")
        app.config.update(overrides)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'portal.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_url(app.config["SQLALCHEMY_DATABASE_URI"])
    _private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)
    for name, filename in (("AUDIT_KEY", "audit_key"), ("TOTP_KEY", "totp_key")):
        if not app.config.get(name):
            app.config[name] = _instance_secret(instance, filename)
    if not app.config.get("AUDIT_CHECKPOINT"):
        app.config["AUDIT_CHECKPOINT"] = str(instance / "audit-checkpoint.json")
    if not app.config.get("CATALOGUE_OVERRIDES"):
        app.config["CATALOGUE_OVERRIDES"] = str(instance / "catalogue.toml")
    if app.config["ENV_PROFILE"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        problems = production_problems(app.config, os.environ)
        if problems:
            raise UnsafeSettings("Refusing to start with ENV_PROFILE=production:\n  - " + "\n  - ".join(problems))
    elif (instance / DEMO_MARKER).exists() and "DEMO_MODE" not in (overrides or {}):
        app.config["DEMO_MODE"] = True  # written by `portal demo` (see security/twofactor.py)


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
