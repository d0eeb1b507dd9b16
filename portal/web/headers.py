"""Security headers on every response (OWASP ASVS 14.4, CNIL security guide).

The Content-Security-Policy allows nothing from another site and no inline script or
style (templates carry no `style=` attribute and no <script>; charts and QR codes are
inline SVG markup, which CSP does not restrict). HSTS is sent outside development only:
a development server on http://localhost must not pin HTTPS in the browser."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Flask, Response, request
from flask_login import current_user

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

STATIC = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
    "Referrer-Policy": "same-origin",  # URLs carry request refs: never sent to other sites
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def apply(response: Response, development: bool) -> Response:
    for name, value in STATIC.items():
        response.headers.setdefault(name, value)
    if not development:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    # Personal data must not stay in shared caches or the browser's back/forward cache.
    if request.endpoint != "static" and current_user and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        return apply(response, app.config.get("ENV_PROFILE", "development") == "development")


def download(response: Response, filename: str, inline: bool = False) -> Response:
    """Content-Disposition built by werkzeug (Headers.set quotes and escapes the value),
    as flask.send_file does it: an ASCII filename, and filename* (RFC 6266 / 5987) when
    the name is not ASCII. A tenant number such as `LOC-9"; filename=evil.exe` stays
    inside the quoted name instead of adding a parameter."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    options = {"filename": ascii_name}
    if ascii_name != filename:
        options["filename*"] = "UTF-8''" + quote(filename, safe="!#$&+^`|")
    response.headers.set("Content-Disposition", "inline" if inline else "attachment", **options)
    return response
