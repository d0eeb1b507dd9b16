"""The 500 page: the error is logged with its trace (for the operators), the visitor
sees a plain page in their language with nothing internal, and a half-done
transaction is rolled back. If even that page cannot be rendered (say the database
vanished while the layout asked for the user), a fixed bilingual text is returned."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from werkzeug.exceptions import SecurityError

log = logging.getLogger("portal.errors")

FALLBACK = ("<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Erreur 500</title>"
            "<h1>Une erreur est survenue de notre côté</h1><p>Veuillez réessayer dans quelques minutes.</p>"
            "<h1 lang=\"en\">Something went wrong on our side</h1><p lang=\"en\">Please try again in a few minutes.</p>")

UNTRUSTED_HOST = ("<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Erreur 400</title>"
                  "<h1>Adresse du site inconnue</h1><h1 lang=\"en\">Unknown site address</h1>")


def init_app(app: Flask) -> None:
    def server_error(err: Exception):
        from portal.db import db

        original = getattr(err, "original_exception", None)
        if original is not None:
            # Flask logged it already (log_exception); this line ties it to our logger.
            log.error("500 on %s: %s", _rule(), type(original).__name__)
        try:
            db.session.rollback()
            return render_template("errors/error.html", code=500), 500
        except Exception:  # noqa: BLE001 — the last resort must not fail
            log.exception("the 500 page itself failed")
            return FALLBACK, 500, {"Content-Type": "text/html; charset=utf-8"}

    app.register_error_handler(500, server_error)

    def untrusted_host(_err: Exception):
        # TRUSTED_HOSTS refused the Host header: no page of the site can be built for
        # that host (its URLs would name it), so a fixed text answers.
        return UNTRUSTED_HOST, 400, {"Content-Type": "text/html; charset=utf-8"}

    app.register_error_handler(SecurityError, untrusted_host)


def _rule() -> str:
    from flask import request

    return request.url_rule.rule if request.url_rule else "<unmatched>"
