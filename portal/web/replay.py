"""No lost work. When a form cannot be accepted for a reason that is not the user's
fault — its CSRF token expired while a tenant wrote a long request, or it holds an
unreadable character — the same page is shown again with what they typed and a clear
message, instead of an error page.

How: the view is called again in "replay" mode. Every FlaskForm answers False to
validate_on_submit (so nothing is acted on) but keeps the submitted data, and the
template renders a fresh CSRF token. As a second lock, any database commit during a
replay raises ReplayWrite, so even a view that reads request.form by hand cannot
change anything: that case falls back to the plain 400 page."""

from __future__ import annotations

from flask import Flask, current_app, flash, g, has_request_context, render_template, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from portal.web import inputs, sessions

FLAG = "portal_replay"


class ReplayWrite(RuntimeError):
    """A view tried to commit while its form was being shown again."""


def active() -> bool:
    return has_request_context() and bool(g.get(FLAG))


_original_validate_on_submit = FlaskForm.validate_on_submit


def _validate_on_submit(self: FlaskForm, extra_validators=None) -> bool:
    if active():
        return False
    return _original_validate_on_submit(self, extra_validators)


def _refuse_commit(_session: Session) -> None:
    if active():
        raise ReplayWrite("commit refused while a form is shown again")


def replay(message: str):
    """Render the current POST's page again with its data and `message` (status 400)."""
    from portal.db import db

    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.method != "POST":
        return render_template("errors/error.html", code=400, detail=message), 400
    expired_redirect = sessions.enforce()
    if expired_redirect is not None:
        return expired_redirect
    flash(message, "error")
    g.setdefault(FLAG, True)
    try:
        response = current_app.make_response(view(**(request.view_args or {})))
    except ReplayWrite:  # a view that acts without a FlaskForm: show the message alone
        db.session.rollback()
        return render_template("errors/error.html", code=400), 400
    except HTTPException as exc:
        db.session.rollback()
        return exc
    finally:
        g.pop(FLAG, None)
    db.session.rollback()
    if response.status_code == 200:
        response.status_code = 400  # the page is the same; the status says nothing was done
    return response


def _csrf_error(_err: CSRFError):
    return replay(_("For your security, this form had expired. Nothing was sent: your text "
                    "is kept below. Check it and send it again."))


def check_input():
    """before_request: unreadable characters in the form or the address."""
    if inputs.form_is_unreadable():
        request.form = inputs.cleaned_form()  # werkzeug's cached_property accepts this
        return replay(_("Your text contained characters that cannot be read (a NUL byte or an "
                        "invalid encoding). They were removed: check the text below and send it again."))
    if inputs.form_has_files():
        request.files = inputs.without_files()  # as request.form above
        return replay(_("This form takes text only: the file you sent was not kept. Check the form "
                        "below and send it again."))
    if inputs.args_are_unreadable():
        return render_template("errors/error.html", code=400, detail=_(
            "The address contains characters that cannot be read.")), 400
    return None


def init_app(app: Flask) -> None:
    FlaskForm.validate_on_submit = _validate_on_submit  # type: ignore[method-assign]
    if not event.contains(Session, "before_commit", _refuse_commit):
        event.listen(Session, "before_commit", _refuse_commit)
    app.register_error_handler(CSRFError, _csrf_error)
    app.before_request(check_input)
