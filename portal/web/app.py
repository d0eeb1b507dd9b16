"""Wiring of the web application: extensions, locale, login, blueprints, commands,
template helpers and error pages. create_app calls init_app and nothing else."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from flask import Flask, render_template, request, url_for
from flask_babel import get_translations
from jinja2 import pass_context
from markupsafe import Markup, escape

from portal import catalogue, formatting
from portal.db import db
from portal.extensions import babel, csrf, limiter, login_manager
from portal.web.context import current_lang, page_arguments, select_locale
from portal.models import User
from portal.numbers import parse_id, parse_int


def init_app(app: Flask) -> None:
    from portal.web import params

    params.init_app(app)  # before the blueprints: their <int:…> ids use the bounded converter
    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Europe/Paris")
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








def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        ident, _, version = user_id.partition(":")
        ident_id, version_no = parse_id(ident), parse_int(version)
        if ident_id is None or version_no is None:
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
                                  requests as _requests, tenants as _tenants)
    from portal.web.tenant import (access_log as _access_log, requests as _tenant_requests,  # noqa: F401
                                   views as _tenant_views)

    for package in (auth, tenant, staff, admin, documents):
        app.register_blueprint(package.bp)


def _register_template_helpers(app: Flask) -> None:
    @app.template_filter("fmt")
    @pass_context
    def fmt(context: Any, value: Any, field: catalogue.Field | None = None, ftype: str | None = None) -> str:
        # The language comes from the template's context (set once per render, and under
        # force_locale for the documents), not from a lookup per value.
        lang = context.get("current_lang") or current_lang()
        if field is not None and ftype is None:
            return formatting.field_formatter(field, lang)(value)
        return formatting.format_value(value, ftype or "text", lang)

    # The "Why we hold this" block of a category is the same for every tenant: rendered once
    # per text and language (twelve on each file page).
    art15_html: dict[tuple[catalogue.Art15, str], Markup] = {}

    @app.template_filter("art15_block")
    @pass_context
    def art15_block(context: Any, info: catalogue.Art15) -> Markup:
        key = (info, context.get("current_lang") or current_lang())
        html = art15_html.get(key)
        if html is None:
            macro = app.jinja_env.get_template("tenant/_section.html").module.render_info  # type: ignore[attr-defined]
            html = art15_html[key] = Markup(str(macro(info)))
        return html

    @app.template_filter("queue_rows")
    @pass_context
    def queue_rows(context: Any, rows: Any, detail_prefix: str) -> Markup:
        from portal.web.staff import table_rows

        return Markup(table_rows.queue(rows, context.get("current_lang") or current_lang(), detail_prefix))

    @app.template_filter("tenant_rows")
    def tenant_rows(hits: Any, file_prefix: str) -> Markup:
        from portal.web.staff import table_rows

        return Markup(table_rows.tenants(hits, file_prefix))

    @app.template_filter("options")
    def options(choices: Any, chosen: Any = None) -> Markup:
        """<option> elements for (value, label) pairs, the chosen value selected. A staff
        list reaches hundreds of names at a large landlord and is the same from one page
        to the next: the markup is kept for the list and choice it was built for."""
        return _options(tuple((value, str(label)) for value, label in choices), None if chosen is None else str(chosen))

    @app.template_filter("money")
    def money(cents: int | None) -> str:
        return formatting.money(cents, current_lang())

    @app.template_filter("date")
    def date_(value: Any) -> str:
        return formatting.format_value(value, "datetime" if hasattr(value, "hour") else "date",
                                       current_lang())

    # The templates' _() and ngettext() read the translations the page is rendered with
    # (put in its context below, once per render) instead of looking up the request's
    # locale and catalogue again for each of the hundreds of strings of a long page.
    def _translations(context: Any) -> Any:
        return context.get("_translations") or get_translations()

    app.jinja_env.install_gettext_callables(
        gettext=pass_context(lambda context, s: _translations(context).ugettext(s)),
        ngettext=pass_context(lambda context, s, p, n: _translations(context).ungettext(s, p, n)),
        newstyle=True)

    # _() itself does what Jinja's "newstyle" wrapper does (the translation, marked safe
    # when the template escapes, always %-formatted with the escaped variables), with each
    # catalogue's translations kept as they come out: a file page asks for the same few
    # strings eighty times, and the wrapper cost 6 µs a call.
    kept: dict[tuple[Any, str, bool], tuple[str, str | None]] = {}

    @pass_context
    def gettext_(context: Any, msgid: str, **variables: Any) -> str:
        translations = _translations(context)
        key = (translations, msgid, context.eval_ctx.autoescape)
        hit = kept.get(key)
        if hit is None:
            text = translations.ugettext(msgid)
            if key[2]:
                text = Markup(text)
            if len(kept) > 20_000:  # bounded: a few thousand strings per language
                kept.clear()
            hit = kept[key] = (text, None if "%(" in text else text % {})
        text, without_variables = hit
        if variables or without_variables is None:
            return text % variables
        return without_variables

    app.jinja_env.globals.update(gettext=gettext_, _=gettext_)

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

    @app.template_filter("section_html")
    @pass_context
    def section_html(context: Any, section: Any, cat_key: str, level: int = 3, correct_links: bool = False) -> Markup:
        """A catalogue section of a file (formatting.section_html), its pager linking to this
        same page with the section's page argument changed."""
        def page_url(argument: str, page: int) -> str:
            return url_for(request.endpoint or "", **{**(request.view_args or {}), **request.args.to_dict(),
                                                      argument: page})

        return formatting.section_html(
            cat_key, section, context.get("current_lang") or current_lang(),
            lambda msgid, **variables: gettext_(context, msgid, **variables), level=level,
            correct_url=context.get("correct_url") if correct_links else None,
            page_url=page_url)

    @app.context_processor
    def inject() -> dict[str, Any]:
        from portal.web.navigation import nav_items

        endpoints = app.view_functions.keys()

        base: list[str] = []

        def correct_url(category: str, field: str, record: int | None = None) -> str | None:
            """The rectification form for one field (and record). Its URL is built once per
            page and the query added here: a file page links dozens of fields."""
            if "tenant.new_request" not in endpoints:
                return None
            if not base:
                base.append(url_for("tenant.new_request", kind="rectification"))
            query = {"field": f"{category}.{field}"} if record is None else {
                "field": f"{category}.{field}", "record": record}
            return f"{base[0]}&{urlencode(query)}"

        return {"current_lang": current_lang(), "_translations": get_translations(), "catalogue": catalogue,
                "landlord": app.config["LANDLORD"], "nav_items": nav_items,
                "config_endpoints": endpoints, "correct_url": correct_url}


@lru_cache(maxsize=64)
def _options(choices: tuple[tuple[Any, Any], ...], chosen: str | None) -> Markup:
    return Markup("".join(
        f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>{escape(label)}</option>'
        for value, label in choices))


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
