"""Security building blocks: password hashing and policy, login throttling, one-time
tokens, TOTP, session lifetime, headers, and the input checks with their no-lost-work
rule (web/forms.py). init_app wires the request hooks (called once from web.init_app)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.web.auth.account import require_enrolment
    from portal.web import errors, forms, headers, sessions, throttle

    throttle.init_app(app)
    sessions.init_app(app)
    app.before_request(require_enrolment)
    forms.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
