"""Links that leave the site (in e-mails): built from the configured public address,
never from the request's Host header, which anyone can set (OWASP: "host header
poisoning" of password-reset links)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for


def public_origin() -> str:
    """scheme://host[:port] of the portal as its users reach it: PUBLIC_URL, else
    PREFERRED_URL_SCHEME + SERVER_NAME (settings, not the request)."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        parts = urlsplit(str(configured))
        return f"{parts.scheme}://{parts.netloc}"
    scheme = current_app.config.get("PREFERRED_URL_SCHEME") or "http"
    return f"{scheme}://{current_app.config.get('SERVER_NAME') or 'localhost'}"


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute address of a page, for a link sent by e-mail or written in a letter."""
    return public_origin() + url_for(endpoint, **values)
