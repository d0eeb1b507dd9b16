"""The form macros tie every hint and error to its field, and list errors at the top."""

from __future__ import annotations

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired

TEMPLATE = """{% from "_forms.html" import field, error_summary %}
{{ error_summary(form) }}{{ field(form.kind, hint="Pick one") }}{{ field(form.value) }}{{ field(form.agree) }}"""


class _Form(FlaskForm):
    kind = RadioField("Kind", choices=[("a", "Access"), ("r", "Rectification")],
                      validators=[DataRequired("Choose a kind.")])
    value = StringField("New value", validators=[DataRequired("Enter the new value.")])
    agree = BooleanField("I agree")


def test_errors_are_tied_to_fields_and_summarised(app):
    with app.test_request_context("/", method="POST", data={}):
        form = _Form(meta={"csrf": False})
        assert not form.validate()
        html = render_template_string(TEMPLATE, form=form)
    assert '<legend>Kind</legend>' in html
    assert 'aria-describedby="kind-hint kind-error"' in html
    assert 'id="value-error"' in html and 'aria-invalid="true"' in html
    assert '<a href="#value">Enter the new value.</a>' in html
    assert '<a href="#kind">' in html and 'role="alert"' in html


def test_no_summary_without_errors(app):
    with app.test_request_context("/"):
        html = render_template_string(TEMPLATE, form=_Form(meta={"csrf": False}))
    assert "error-summary" not in html and 'aria-invalid' not in html
    assert '<label for="value">New value</label>' in html
