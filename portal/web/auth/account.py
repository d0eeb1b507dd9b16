"""Account pages: activation with a code from a letter, e-mail confirmation, password
reset by e-mail link, password change, and staff two-factor enrolment."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from portal.web.auth.forms import (ActivationForm, ChangePasswordForm, CodeForm, ForgotForm, NewPasswordFields,
                                   ReEnrolForm)
from portal.web.auth import bp
from portal.web.auth.views import home_for
from portal.db import db
from portal.models import User
from portal.accounts import activation, passwords
from portal.web import sessions, throttle
from portal.web.forms import accepted, keeps_input
from portal.web.links import external_url
from portal.accounts import tokens, twofactor
from portal.accounts import service as accounts
from portal import mail, rendering
from portal.web.context import current_lang

ENROL_SECRET = "_totp_enrol"


def _send_confirmation(user: User) -> None:
    token = tokens.issue(db.session, user, "confirm_email",
                         timedelta(hours=current_app.config["CONFIRM_LINK_HOURS"]))
    link = external_url("auth.confirm_email", token=token)
    mail.send_later(db.session, user.email, _("Confirm your e-mail address"),
                    rendering.render_text("mail/confirm_email.txt", current_lang(), link=link,
                                          hours=current_app.config["CONFIRM_LINK_HOURS"]))


def _policy_errors(field, password: str, email: str | None, names: tuple[str, ...] = ()) -> bool:
    problems = passwords.check_policy(password, email, names)
    field.errors = list(field.errors) + [_(p.message) for p in problems]
    return bool(problems)


@bp.route("/activate", methods=["GET", "POST"])
@keeps_input
def activate():
    form = ActivationForm()
    if accepted(form):
        try:
            user = activation.activate(db.session, accounts.hasher_for(current_app.config), form.code.data,
                                       form.email.data, form.password.data)
        except activation.ActivationError as err:
            db.session.rollback()
            target = getattr(form, err.field)
            target.errors = list(target.errors) + [_(err.message)]
        else:
            _send_confirmation(user)
            db.session.commit()
            return render_template("auth/message.html", title=_("Almost done"), text=_(
                "Your password is set. We sent a link to %(email)s: open it to confirm your address, "
                "then log in.", email=user.email))
    return render_template("auth/activate.html", form=form)


@bp.route("/confirm-email/<token>")
def confirm_email(token: str):
    user = tokens.consume(db.session, token, "confirm_email")
    if user is None:
        return render_template("auth/message.html", title=_("This link does not work"), text=_(
            "The link is not valid, was already used or has expired. Log in to get a new one, or use "
            "“Forgotten password”.")), 404
    user.email_confirmed = True
    db.session.commit()
    flash(_("Your e-mail address is confirmed. You can log in."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@keeps_input
def forgot_password():
    form = ForgotForm()
    if accepted(form):
        started = time.perf_counter()
        guard = throttle.current()
        if guard and not guard.allow("forgot-ip", request.remote_addr or "", current_app.config["FORGOT_IP_LIMIT"]):
            abort(429)
        # Over the per-address limit: the same answer, no mail (20 mails to one inbox was a nuisance).
        mail_allowed = not guard or guard.allow("forgot-email", form.email.data.strip().lower(),
                                                current_app.config["FORGOT_EMAIL_LIMIT"])
        user = accounts.find_by_email(db.session, form.email.data) if mail_allowed else None
        if user is not None and user.is_enabled and not user.email.endswith(".invalid"):
            token = tokens.issue(db.session, user, "reset",
                                 timedelta(minutes=current_app.config["RESET_LINK_MINUTES"]))
            link = external_url("auth.reset_password", token=token)
            mail.send_later(db.session, user.email, _("Choose a new password"),
                            rendering.render_text("mail/reset_password.txt", current_lang(), link=link,
                                                  minutes=current_app.config["RESET_LINK_MINUTES"]))
            db.session.commit()
        # The same answer whether the account exists or not, and in the same time: the
        # answer waits until FORGOT_MIN_SECONDS have passed (OWASP: account enumeration).
        throttle.answer_after(started, "FORGOT_MIN_SECONDS")
        return render_template("auth/message.html", title=_("Check your e-mail"), text=_(
            "If an account uses this address, we sent it a link to choose a new password. The link "
            "works once, for %(minutes)s minutes.", minutes=current_app.config["RESET_LINK_MINUTES"]))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@keeps_input
def reset_password(token: str):
    row = tokens.find(db.session, token, "reset")
    if row is None:
        return render_template("auth/message.html", title=_("This link does not work"), text=_(
            "The link is not valid, was already used or has expired. Ask for a new one with "
            "“Forgotten password”.")), 404
    form = NewPasswordFields()
    user = db.session.get(User, row.user_id)
    if accepted(form) and not _policy_errors(form.password, form.password.data, user.email):
        if tokens.consume(db.session, token, "reset") is None:
            return redirect(url_for("auth.reset_password", token=token))
        accounts.set_password(accounts.hasher_for(current_app.config), user, form.password.data)
        user.email_confirmed = True  # the link reached this address
        user.failed_logins = 0
        db.session.commit()
        flash(_("Your password is changed. You can log in."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@keeps_input
@login_required
def change_password():
    form = ChangePasswordForm()
    if accepted(form):
        ph = accounts.hasher_for(current_app.config)
        user = current_user._get_current_object()
        if not passwords.verify_password(ph, user.password_hash, form.current_password.data):
            form.current_password.errors = [_("This is not your current password.")]
        elif not _policy_errors(form.password, form.password.data, user.email):
            accounts.set_password(ph, user, form.password.data)  # every other session ends
            db.session.commit()
            lang = sessions.clear_keeping_language()
            login_user(user)
            sessions.start(lang)
            flash(_("Your password is changed. Your other sessions are closed."), "info")
            return redirect(home_for(user))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@keeps_input
@login_required
def two_factor_setup():
    """Enrolment: scan the QR code, type the first code, note the recovery codes."""
    user = current_user._get_current_object()
    if not user.is_staff:
        return redirect(home_for(user))
    secret = session.get(ENROL_SECRET)
    if not secret or request.method == "GET":
        secret = session[ENROL_SECRET] = twofactor.new_secret()
    enrolled = bool(user.totp_secret)
    form = ReEnrolForm() if enrolled else CodeForm()
    key = current_app.config["TOTP_KEY"]
    ph = accounts.hasher_for(current_app.config)
    if accepted(form) and enrolled and not (
            twofactor.verify_totp(user, form.current_code.data, key=key)
            or twofactor.use_recovery_code(ph, user, form.current_code.data)):
        # Someone at an open session must not swap the authenticator for theirs.
        db.session.commit()  # a code or recovery code used here stays used
        form.current_code.errors = [_("This is not a valid code of your current app (or recovery code).")]
    elif accepted(form):
        codes = twofactor.enrol(ph, user, secret, form.code.data, key=key)
        if codes is None:
            form.code.errors = [_("This code does not match. Check the time of your phone and type the "
                                  "6 digits shown now.")]
        else:
            db.session.commit()
            lang = sessions.clear_keeping_language()  # enrol() ended the other sessions
            login_user(user)
            sessions.start(lang)
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = twofactor.provisioning_uri(secret, user.email)
    return render_template("auth/two_factor_setup.html", form=form, secret=secret,
                           qr=twofactor.qr_svg(uri), enrolled=enrolled)


def require_enrolment():
    """before_request: staff who must use two factors and have not enrolled go to
    enrolment first; nothing else opens until they have."""
    if not current_user.is_authenticated or not current_user.is_staff or current_user.totp_secret:
        return None
    if request.endpoint in ("auth.two_factor_setup", "auth.logout", "static") or request.endpoint is None:
        return None
    if twofactor.required(current_user, current_app.config):
        flash(_("Your role gives access to tenants' files: set up two-step verification first."), "info")
        return redirect(url_for("auth.two_factor_setup"))
    return None
