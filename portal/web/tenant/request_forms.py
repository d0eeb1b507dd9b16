"""Forms of the tenant's request pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField

from portal import catalogue
from portal.requests import workflow
from portal.web.forms import MultiCheckboxField, field_choices

class NewRequestForm(FlaskForm):
    # Choices are checked by the service, so that an unknown value gets our own message.
    kind = RadioField(_l("What do you want to do?"), choices=[], validate_choice=False)
    field = SelectField(_l("Data to correct"), choices=[], validate_choice=False)
    record = HiddenField()
    proposed_value = StringField(_l("Correct value"))
    targets = MultiCheckboxField(_l("Data concerned"), choices=[], validate_choice=False)
    details = TextAreaField(_l("Details"))

    def setup(self, target_choices: list[tuple[str, str]]) -> "NewRequestForm":
        self.kind.choices = [(k, catalogue.REQUEST_KIND_LABELS[k]) for k in workflow.KINDS]
        self.field.choices = field_choices()
        self.targets.choices = target_choices
        return self


class StepForm(FlaskForm):
    """Add information asked for, or withdraw the request."""

    action = HiddenField()
    version = HiddenField()
    message = TextAreaField(_l("Your message"))
