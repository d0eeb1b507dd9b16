"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.auth.forms import LoginForm
from portal.db import db
from portal.services import accounts

bp = Blueprint("auth", __name__)


def home_for(user) -> str:
    if user.role == "tenant":
        return url_for("tenant.home")
    if user.role == "admin":
        return url_for("admin.staff_list")
    if user.role == "caretaker":
        return url_for("staff.tenants")
    return url_for("staff.requests")


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative //."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, accounts.hasher_for(current_app), form.email.data,
                                     form.password.data, request.remote_addr)
        db.session.commit()
        if user is not None:
            lang = session.get("lang")
            session.clear()  # no session fixation: nothing from before login survives
            if lang:
                session["lang"] = lang
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or home_for(user))
        flash(_("Incorrect e-mail address or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    if current_user.is_authenticated:
        accounts.end_sessions(current_user)
        db.session.commit()
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
