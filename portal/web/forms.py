"""Form pieces shared by the blueprints, and the "no lost work" rule for forms.

No lost work: when a form cannot be accepted for a reason that is not the user's fault —
its CSRF token expired while a tenant wrote a long request, or the text holds characters
that cannot be read — the same page comes back with what was typed, a message saying why
(in the user's language), a fresh token, and the status 400. Nothing is acted on.

How, explicitly: a view with forms is declared `@keeps_input` and tests each submission
with `accepted(form)` instead of `form.validate_on_submit()`. Such a view is left out of
Flask-WTF's global CSRF check (which would answer a bare 400 page before the view runs):
its FlaskForm checks the token itself (Flask-WTF's form-level CSRF), and `accepted` turns
a refused token into the message. So every action of a `@keeps_input` view must go
through `accepted`. Other views keep the global check. Unreadable input is cleaned before
the view runs (`check_input`) and refused by `accepted` the same way."""

from __future__ import annotations

from typing import Any, Callable

from flask import Flask, current_app, flash, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from portal import catalogue
from portal.extensions import csrf
from portal.web import inputs

EXPIRED = _l("For your security, this form had expired. Nothing was sent: your text is kept below. "
             "Check it and send it again.")
UNREADABLE = _l("Your text contained characters that cannot be read (a NUL byte or an invalid encoding). "
                "They were removed: check the text below and send it again.")
FILE_SENT = _l("This form takes text only: the file you sent was not kept. Check the form below and send it "
               "again.")
_REFUSED = "portal_form_refused"  # flask.g: the reason a submission was refused, if any


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def field_choices() -> list[tuple[str, str]]:
    return [("", _l("Choose…"))] + [(key, f"{cat.title} — {f.label}") for key, cat, f in
                                     catalogue.rectifiable_fields()]


def keeps_input(view: Callable[..., Any]) -> Callable[..., Any]:
    """Declares a view whose every action goes through `accepted` (see the module
    docstring): its forms check their CSRF token themselves."""
    view.keeps_input = True  # type: ignore[attr-defined]
    return csrf.exempt(view)


def accepted(form: FlaskForm) -> bool:
    """`form.validate_on_submit()`, with the refusals that are not the user's fault made
    visible: an expired (or missing) CSRF token, or unreadable text, flashes why, and the
    answer gets the status 400. The form keeps what was typed; the view shows it again."""
    if not form.is_submitted():
        return False
    reason = g.get(_REFUSED)
    if reason is None:
        if form.validate():
            return True
        if form.meta.csrf and form.meta.csrf_field_name in form.errors:
            reason = EXPIRED
    if reason is not None and not g.get("portal_form_flashed"):
        g.setdefault(_REFUSED, reason)
        g.portal_form_flashed = True
        flash(str(reason), "error")
    return False


def refused() -> bool:
    """Whether this request's submission was refused by `accepted` or `check_input`."""
    return g.get(_REFUSED) is not None


def check_input():
    """before_request: unreadable characters (OWASP ASVS 5.1). In the address: the 400
    page. In a form: a `@keeps_input` view gets the form without them (and `accepted`
    refuses it with UNREADABLE); any other view is not run."""
    if inputs.args_are_unreadable():
        return render_template("errors/error.html", code=400, detail=_l(
            "The address contains characters that cannot be read.")), 400
    if inputs.form_is_unreadable():
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, "keeps_input", False):
            return render_template("errors/error.html", code=400, detail=UNREADABLE), 400
        request.form = inputs.cleaned_form()  # werkzeug's cached_property accepts this
        g.setdefault(_REFUSED, UNREADABLE)
    if inputs.form_has_files():  # no form of the portal takes a file (OWASP ASVS 5.1.3)
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, "keeps_input", False):
            return render_template("errors/error.html", code=400, detail=FILE_SENT), 400
        request.files = inputs.without_files()  # as request.form above
        g.setdefault(_REFUSED, FILE_SENT)
    return None


def _refusal_status(response: Any) -> Any:
    """after_request: a page shown again after a refusal says so in its status."""
    if refused() and (200 <= response.status_code < 300 or response.status_code == 422):
        response.status_code = 400
    return response


def init_app(app: Flask) -> None:
    app.before_request(check_input)
    app.after_request(_refusal_status)

