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
    for name in ("DATABASE_URL", "SECRET_KEY", "RATELIMIT_STORAGE_URI", "MAIL_SERVER"):
        if os.environ.get(name):
            app.config["SQLALCHEMY_DATABASE_URI" if name == "DATABASE_URL" else name] = os.environ[name]
    if os.environ.get("PORTAL_PROFILE"):
        app.config["ENV_PROFILE"] = os.environ["PORTAL_PROFILE"]
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
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)
    if not app.config.get("CATALOGUE_OVERRIDES"):
        app.config["CATALOGUE_OVERRIDES"] = str(instance / "catalogue.toml")
    if app.config["ENV_PROFILE"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def normalise_url(url: str) -> str:
    """postgres:// and postgresql:// mean psycopg 3 here (the driver we install)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(instance: Path) -> str:
    """The secret key lives in instance/secret_key, created on first start (mode 600)."""
    path = instance / "secret_key"
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race: use its key
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return path.read_text().strip()
