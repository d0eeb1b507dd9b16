"""Wiring of the web application: extensions, locale, login, blueprints, commands,
template helpers and error pages. create_app calls init_app and nothing else."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Flask, g, render_template, request, url_for
from flask_babel import get_locale
from jinja2 import pass_context

from portal import catalogue, formatting, i18n
from portal.db import db
from portal.extensions import babel, cache, csrf, limiter, login_manager
from portal.web.context import current_lang, page_arguments, select_locale
from portal.models import User
from portal.numbers import parse_id, parse_int


def init_app(app: Flask) -> None:
    from portal.web import params

    params.init_app(app)  # before the blueprints: their <int:…> ids use the bounded converter
    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Europe/Paris")
    _follow_page_language(app)  # first hook: every later one already speaks the page's language
    # Template fragments that are the same for every tenant ({% cache %}, Flask-Caching's
    # Jinja extension) are kept in each process: they are cheap to make again, and a
    # shared cache would cost a round trip to save less than that.
    app.config.setdefault("CACHE_TYPE", "SimpleCache")
    cache.init_app(app)
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    _init_login(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_errors(app)
    from portal.web import baseline, observability, security

    security.init_app(app)

    observability.init_app(app)
    baseline.init_app(app)
    from portal.cli import register_commands

    register_commands(app)








def _follow_page_language(app: Flask) -> None:
    """The services' text (portal.i18n: catalogue labels, messages) in the language
    Flask-Babel chose for this request, reset when the request ends."""

    @app.before_request
    def set_language() -> None:
        g.language_token = i18n.set_language(get_locale())

    @app.teardown_request
    def reset_language(_exc: BaseException | None) -> None:
        token = g.pop("language_token", None)
        if token is not None:
            i18n.reset_language(token)


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        ident, _, version = user_id.partition(":")
        ident_id, version_no = parse_id(ident), parse_int(version)
        # The database-outage page (web/observability.py) sets this flag: the page is
        # shown to an anonymous visitor rather than trying the unreachable database again.
        if ident_id is None or version_no is None or g.get("database_unreachable"):
            return None
        user = db.session.get(User, ident_id)
        # A bumped session version (logout, password change) kills older cookies.
        if user is None or user.session_version != version_no or not user.is_active:
            return None
        return user




def _register_blueprints(app: Flask) -> None:
    # Importing a blueprint's view modules registers their routes on its `bp`.
    from portal.web import admin, auth, documents, staff, tenant
    from portal.web.admin import views as _admin_views  # noqa: F401
    from portal.web.auth import account as _auth_account, views as _auth_views  # noqa: F401
    from portal.web.documents import views as _documents_views  # noqa: F401
    from portal.web.staff import (audit as _audit, dashboard as _dashboard, notes as _notes,  # noqa: F401
                                  requests as _requests, tenants as _tenants,
                                  third_party as _third_party)
    from portal.web.tenant import (access_log as _access_log, requests as _tenant_requests,  # noqa: F401
                                   views as _tenant_views)

    for package in (auth, tenant, staff, admin, documents):
        app.register_blueprint(package.bp)


def _register_template_helpers(app: Flask) -> None:
    @app.template_filter("fmt")
    @pass_context
    def fmt(context: Any, value: Any, field: catalogue.Field | None = None, ftype: str | None = None) -> str:
        # The language comes from the template's context (set once per render), not from a
        # lookup per value. (Documents render through portal.rendering, with its own filters.)
        lang = context.get("current_lang") or current_lang()
        if field is not None and ftype is None:
            return formatting.field_formatter(field, lang)(value)
        return formatting.format_value(value, ftype or "text", lang)

    @app.template_filter("columns")
    def columns(fields: Any) -> list[tuple[catalogue.Field, str, Any]]:
        """(field, its label, its value formatter) for each column of a file's section, in
        the page's language (formatting.columns)."""
        return formatting.columns(fields, current_lang())

    app.add_template_filter(formatting.filled, "filled")

    @app.template_filter("money")
    def money(cents: int | None) -> str:
        return formatting.money(cents, current_lang())

    @app.template_filter("date")
    def date_(value: Any) -> str:
        return formatting.format_value(value, "datetime" if hasattr(value, "hour") else "date",
                                       current_lang())

    @app.template_filter("titles")
    @pass_context
    def titles(context: Any, keys: Any) -> str:
        """Category keys as their titles, "Identity, Payments" (unknown keys left out)."""
        return _titles(tuple(keys or ()), context.get("current_lang") or current_lang())

    @app.template_global()
    def opened_categories() -> set[str]:
        """The categories a file page shows open: ?open=<category>, and each category one of
        whose sections was paged (page.<category>.<section>=n), so the reader lands on it."""
        opened = {key.split(".")[0] for key in page_arguments() if "." in key}
        if request.args.get("open"):
            opened.add(request.args["open"])
        return opened

    @app.template_global()
    def page_url(argument: str, page: int) -> str:
        """This same page with one page argument (page.<category>.<section>) set: the
        pagers of a file's sections (_tables.html)."""
        return url_for(request.endpoint or "", **{**(request.view_args or {}), **request.args.to_dict(),
                                                  argument: page})

    @app.context_processor
    def inject() -> dict[str, Any]:
        from portal.web.navigation import nav_items

        endpoints = app.view_functions.keys()

        def correct_url(category: str, field: str, record: int | None = None) -> str | None:
            """The rectification form for one field (and record), None where the portal
            has no such form."""
            if "tenant.new_request" not in endpoints:
                return None
            return url_for("tenant.new_request", kind="rectification", field=f"{category}.{field}", record=record)

        def contest_url(category: str, record: int) -> str | None:
            """An erasure request pre-filled with one record the staff wrote about the tenant
            ("Contester cette note"), for the categories of staff-written text."""
            if category not in CONTESTABLE or "tenant.new_request" not in endpoints:
                return None
            return url_for("tenant.new_request", kind="erasure", target=f"{category}:{record}")

        return {"current_lang": current_lang(), "catalogue": catalogue,
                "landlord": app.config["LANDLORD"], "nav_items": nav_items,
                "config_endpoints": endpoints, "correct_url": correct_url, "contest_url": contest_url}


# Staff-written text a tenant may contest from their file (an erasure request, Art. 17).
CONTESTABLE = ("notes",)


@lru_cache(maxsize=1024)
def _titles(keys: tuple[str, ...], lang: str) -> str:
    with formatting.in_locale(lang):
        return ", ".join(str(catalogue.BY_KEY[k].title) for k in keys if k in catalogue.BY_KEY)


def _register_errors(app: Flask) -> None:
    def handler(code: int):
        def render(_err: Exception):
            return render_template("errors/error.html", code=code), code
        return render

    for code in (400, 403, 404, 405, 409, 413, 429, 500):
        app.register_error_handler(code, handler(code))
