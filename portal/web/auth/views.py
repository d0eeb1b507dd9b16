"""Login (with throttling and the staff second factor), logout. Activation, e-mail
confirmation, password reset and two-factor enrolment live in auth/account.py."""

from __future__ import annotations

import math
import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.web.auth.forms import CodeForm, LoginForm
from portal.db import db
from portal.web.auth import bp
from portal.models import User
from portal.web import sessions, throttle
from portal.web.forms import accepted, keeps_input
from portal.accounts import twofactor
from portal.accounts import service as accounts



HOMES = {"tenant": "tenant.home", "admin": "admin.staff_list", "caretaker": "staff.tenants"}


def home_for(user) -> str:
    endpoint = HOMES.get(user.role, "staff.requests")
    if endpoint not in current_app.view_functions:  # a page not built yet: the dashboard
        endpoint = "staff.dashboard" if user.is_staff and "staff.dashboard" in current_app.view_functions \
            else "auth.change_password"
    return url_for(endpoint)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative //."""
    if not target:
        return None
    parts = urlsplit(target)
    # Browsers drop tabs and newlines inside URLs ("/\t/evil" becomes "//evil"): refuse
    # any control character or space, as well as schemes, hosts and back-slashes.
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(c) < 33 or c == "\x7f" for c in target):
        return None
    return target


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))


PENDING = "_2fa_pending"  # (user id, session version, started at, next) between the two steps
PENDING_SECONDS = 300


def _refused(form, wait_seconds: int, template: str = "auth/login.html"):
    flash(_("Too many failed attempts. Please wait %(minutes)s minutes before trying again.",
            minutes=max(1, math.ceil(wait_seconds / 60))), "error")
    return render_template(template, form=form), 429


def _finish_login(user: User, target: str | None):
    lang = sessions.clear_keeping_language()  # no session fixation: nothing from before survives
    login_user(user)
    sessions.start(lang)
    return redirect(safe_next(target) or home_for(user))


@bp.route("/login", methods=["GET", "POST"])
@keeps_input
def login():
    form = LoginForm()
    if accepted(form):
        email, ip = form.email.data.strip(), request.remote_addr
        guard = throttle.current()
        verdict = guard.check(email, ip) if guard else throttle.Verdict(True)
        if not verdict.allowed:
            return _refused(form, verdict.wait_seconds)
        started = time.perf_counter()
        user = accounts.authenticate(db.session, accounts.hasher_for(current_app.config), email,
                                     form.password.data, request.remote_addr)
        db.session.commit()
        if user is None:
            if guard:
                guard.failed(email, ip)
            # Unknown address or wrong password: the same words, after the same time (config.py).
            throttle.answer_after(started, "LOGIN_FAILURE_MIN_SECONDS")
            flash(_("Incorrect e-mail address or password."), "error")
            return render_template("auth/login.html", form=form)
        if guard:
            guard.succeeded(email, ip)
        if user.role == "tenant" and not user.email_confirmed:
            # Said only to whoever knows the password: no account enumeration.
            flash(_("Please confirm your e-mail address first: open the link we sent you. "
                    "No e-mail? Use “Forgotten password” to get a new link."), "error")
            return render_template("auth/login.html", form=form)
        if twofactor.required(user, current_app.config) and user.totp_secret:
            lang = sessions.clear_keeping_language()
            session[PENDING] = [user.id, user.session_version, sessions.now(), safe_next(request.args.get("next"))]
            if lang:
                session["lang"] = lang
            return redirect(url_for("auth.two_factor"))
        return _finish_login(user, request.args.get("next"))
    return render_template("auth/login.html", form=form)


@bp.route("/login/two-factor", methods=["GET", "POST"])
@keeps_input
def two_factor():
    """Second step for enrolled staff: a code from the authenticator app, or a recovery code."""
    pending = session.get(PENDING)
    user = db.session.get(User, pending[0]) if isinstance(pending, list) and len(pending) == 4 else None
    if user is None or user.session_version != pending[1] or not user.is_active \
            or sessions.now() - pending[2] > PENDING_SECONDS:
        session.pop(PENDING, None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if accepted(form):
        guard = throttle.current()
        key = f"two-factor:{user.id}"
        verdict = guard.check(key, request.remote_addr) if guard else throttle.Verdict(True)
        if not verdict.allowed:
            return _refused(form, verdict.wait_seconds, "auth/two_factor.html")
        ph = accounts.hasher_for(current_app.config)
        ok = twofactor.verify_totp(user, form.code.data, key=current_app.config["TOTP_KEY"]) or twofactor.use_recovery_code(ph, user, form.code.data)
        db.session.commit()
        if ok:
            if guard:
                guard.succeeded(key, request.remote_addr)
            return _finish_login(user, pending[3])
        if guard:
            guard.failed(key, request.remote_addr)
        flash(_("This code is not valid (or was already used). Type the 6 digits shown now by your app, "
                "or one of your recovery codes."), "error")
    return render_template("auth/two_factor.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    # Only a POST with its CSRF token logs out: a link on another site (an <img> pointing
    # here) must not end a tenant's session in the middle of a request. GET /logout (a
    # bookmark) asks to confirm with the same button as the menu's.
    if request.method == "GET":
        if current_user.is_authenticated:
            return render_template("auth/logout.html")
        return redirect(url_for("auth.login"))
    if current_user.is_authenticated:
        accounts.end_sessions(current_user)
        db.session.commit()
    logout_user()
    sessions.clear_keeping_language()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


