"""Security building blocks: password hashing and policy, login throttling, one-time
tokens, TOTP, session lifetime, headers, and the input checks with their no-lost-work
rule (web/forms.py). init_app wires the request hooks (called once from web.init_app)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.web.auth.account import require_enrolment
    from portal.web import accesslog, errors, forms, headers, sessions, throttle

    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # Behind nginx the client's address, scheme and host come from the proxy's
        # X-Forwarded-* headers, believed for exactly that many hops (a client cannot
        # choose its own address). The login throttle keys on this real address.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    from portal.audit import chain
    from portal.db import Database

    chain.use_key(Database.state(app).engine, app.config["AUDIT_KEY"])
    accesslog.install()
    throttle.init_app(app)
    sessions.init_app(app)
    app.before_request(require_enrolment)
    forms.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
