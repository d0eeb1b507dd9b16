"""Login, second factor, activation and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(message=_l("Enter your e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(message=_l("Enter your password.")), Length(max=1024)])


class CodeForm(FlaskForm):
    """The second factor: a 6-digit code from the app, or a recovery code."""

    code = StringField(_l("Code"), validators=[
        DataRequired(message=_l("Enter the code.")), Length(max=64)])


class NewPasswordFields(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(message=_l("Enter a password.")), Length(max=1024)])
    password_confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(message=_l("Enter the password a second time.")),
        EqualTo("password", message=_l("The two passwords are different."))])


class ActivationForm(NewPasswordFields):
    code = StringField(_l("Activation code (on your letter)"), validators=[
        DataRequired(message=_l("Enter the activation code printed on your letter.")), Length(max=64)])
    email = EmailField(_l("Your e-mail address"), validators=[
        DataRequired(message=_l("Enter your e-mail address.")), Length(max=254),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an e-mail address like name@example.org."))])


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(message=_l("Enter your e-mail address.")), Length(max=254)])


class ChangePasswordForm(NewPasswordFields):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(message=_l("Enter your current password.")), Length(max=1024)])


class ReEnrolForm(CodeForm):
    """Replacing an authenticator: the code of the current one proves it is the owner."""

    current_code = StringField(_l("Code from your current app, or a recovery code"), validators=[
        DataRequired(message=_l("Enter the code your current app shows now.")), Length(max=64)])
