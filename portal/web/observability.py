"""Operations: /healthz for the reverse proxy, one log line per request with its timing,
and a clear 503 page when the database is away.

Log lines carry the method, the URL rule (never the concrete URL: it may hold a
reference or a search term), the status, the duration and the role — never a name,
an e-mail, an id or a query string."""

from __future__ import annotations

import logging
import time

from flask import Flask, g, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from portal.db import db

log = logging.getLogger("portal.requests")


def init_app(app: Flask) -> None:
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        if started is not None and not app.config.get("TESTING"):
            role = current_user.role if current_user and current_user.is_authenticated else "anonymous"
            rule = request.url_rule.rule if request.url_rule else "<unmatched>"
            log.info("%s %s %s %.1fms role=%s", request.method, rule, response.status_code,
                     (time.perf_counter() - started) * 1000, role)
        return response

    @app.route("/healthz")
    def healthz():
        # One read in the request's own session: a GET begins a plain (deferred) transaction,
        # so on SQLite the check takes no write lock. It used to open a second connection
        # while the request's first one (loading the user) held the write lock, and waited
        # 30 s on itself, holding up every write meanwhile.
        try:
            db.session.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError):
            return jsonify(status="error", database="unreachable"), 503
        return jsonify(status="ok", database="ok")

    def database_away(_err: Exception):
        app.logger.warning("database unreachable: %s", type(_err).__name__)
        # The page must not touch the database again: the user loader (web/app.py) sees
        # this flag and answers "nobody", so the page shows an anonymous visitor, and the
        # broken session is thrown away.
        g.database_unreachable = True
        session = g.pop("db_session", None)
        if session is not None:
            try:
                session.close()
            except Exception:  # noqa: BLE001 - the connection is already gone
                pass
        return render_template("errors/error.html", code=503), 503

    app.register_error_handler(OperationalError, database_away)
