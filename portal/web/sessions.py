"""Session lifetime (OWASP ASVS 3.3): an idle timeout (SESSION_IDLE_TIMEOUT) and an
absolute one (PERMANENT_SESSION_LIFETIME), both counted from timestamps kept in the
signed session cookie, so every app process enforces them without shared state.
Logout and password changes are handled by the per-user session_version (web.py)."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
TOUCH_EVERY = 30  # seconds: refresh the idle clock at most this often (fewer new cookies)


def now() -> int:
    """Seconds since the epoch (tests move it forward)."""
    return int(time.time())


def _seconds(value: timedelta | int | float) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def start(lang: str | None = None) -> None:
    """Call right after login_user: the clocks start now, nothing older survives."""
    session[LOGIN_AT] = session[SEEN_AT] = now()
    if lang:
        session["lang"] = lang


def clear_keeping_language() -> str | None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return lang


def expired() -> bool:
    """True when the logged-in session is past its idle or absolute limit."""
    t = now()
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        session[LOGIN_AT] = session[SEEN_AT] = t  # a session signed before this rule existed
        return False
    cfg = current_app.config
    return (t - login_at > _seconds(cfg["PERMANENT_SESSION_LIFETIME"])
            or t - seen_at > _seconds(cfg["SESSION_IDLE_TIMEOUT"]))


def enforce():
    """before_request: end an expired session; refresh the idle clock of a live one."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    if expired():
        logout_user()
        clear_keeping_language()
        flash(_("Your session has expired. Please log in again."), "info")
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("auth.login", next=target))
    if now() - session[SEEN_AT] >= TOUCH_EVERY:
        session[SEEN_AT] = now()
    return None


# GET pages that write an audit entry (a file read, a search, a letter preview, a
# request opened): another site must not make a logged-in staff member's browser load
# them (a forged read in the tenant's access log). SameSite=Lax still sends the cookie
# on a top-level navigation from another site; Sec-Fetch-Site tells where it came from.
AUDITED_GETS = frozenset({"staff.tenant_detail", "staff.tenants", "staff.request_detail",
                          "documents.letter_preview", "staff.audit"})


def refuse_cross_site_reads():
    """before_request: an audited page opened from another site asks for one more click."""
    if request.method != "GET" or request.endpoint not in AUDITED_GETS:
        return None
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return render_template("errors/cross_site.html", target=request.full_path.rstrip("?")), 403
    return None


def init_app(app: Flask) -> None:
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.before_request(enforce)
    app.before_request(refuse_cross_site_reads)
