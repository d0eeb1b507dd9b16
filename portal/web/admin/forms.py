"""Forms of the administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from portal.catalogue import LANGS

ROLE_LABELS = {"caretaker": _l("Building caretaker"), "manager": _l("Rental manager"),
               "dpo": _l("Data-protection officer"), "admin": _l("IT administrator")}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StaffForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[
        DataRequired(message=_l("Enter the person's name.")),
        Length(max=120, message=_l("This name is too long: %(max)d characters at most."))])
    role = RadioField(_l("Role"), choices=list(ROLE_LABELS.items()), validate_choice=True,
                      validators=[DataRequired(message=_l("Choose a role."))])
    buildings = CheckboxesField(_l("Buildings (caretakers only)"), coerce=int, choices=[], validate_choice=True)
    portfolios = CheckboxesField(_l("Portfolios (rental managers only)"), coerce=int, choices=[],
                                 validate_choice=True)
    # A caretaker without a building sees no tenant: saved only once this box is ticked
    # (accounts/staff.py sees_no_tenant).
    no_building_ok = BooleanField(_l("Save this caretaker without a building all the same"))


class NewStaffForm(StaffForm):
    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(message=_l("Enter the e-mail address.")), Length(max=254),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an e-mail address like name@example.org."))])
    # The person's language: their e-mails (the link to choose a password first) and their
    # pages. Left out of a post, the landlord's default language (given by the view).
    language = RadioField(_l("Language"), choices=list(LANGS.items()), validate_choice=True)


class ApproveForm(FlaskForm):
    """The DPO approves one account's role (its id in a hidden field)."""

    user_id = StringField(validators=[DataRequired(), Length(max=12)])


class EditStaffForm(StaffForm):
    enabled = BooleanField(_l("Account enabled"))
