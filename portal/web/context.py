"""What every blueprint needs about the current request: the language, the acting user
as an access.Actor, the page arguments of a file page and the signed-in tenant's own
file. Blueprints share helpers through this module, never through each other."""

from __future__ import annotations

from flask import abort, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user

from portal import access
from portal.db import db
from portal.file import dossier as dossier_service
from portal.models import Tenant
from portal.numbers import parse_int


def select_locale() -> str:
    """?lang= wins and sticks (session); then the account's language; then French."""
    langs = ("fr", "en")
    try:
        asked = request.args.get("lang")
    except RuntimeError:  # no request (CLI, documents): French unless forced
        return "fr"
    if asked in langs:
        session["lang"] = asked
        return asked
    if session.get("lang") in langs:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.language in langs:
        return current_user.language
    return "fr"


def current_lang() -> str:
    """The page's language (Flask-Babel's locale; French outside a request)."""
    try:
        return str(get_locale() or "fr")
    except RuntimeError:  # no application context
        return "fr"


def page_arguments() -> dict[str, int]:
    """The page asked for each section of a file: ?page.payments.payments=3 →
    {"payments.payments": 3}; garbage is ignored."""
    pages = {key[5:]: parse_int(value, minimum=1, maximum=10**6) for key, value in request.args.items()
             if key.startswith("page.")}
    return {key: value for key, value in pages.items() if value is not None}


def current_actor() -> access.Actor:
    """The access.Actor of the logged-in user, built once per request."""
    if "actor" not in g:
        g.actor = access.actor_for(db.session, current_user)
    return g.actor


def own_tenant() -> Tenant:
    tenant = db.session.get(Tenant, current_user.tenant_id) if current_user.tenant_id else None
    if tenant is None:
        abort(404)
    return tenant


def own_file() -> tuple[dossier_service.FileOwner, dossier_service.Dossier]:
    """The signed-in tenant and their whole file (every row); 404 when the account has no
    tenant row. What the exports are made of."""
    found = dossier_service.collect_by_id(db.session, current_user.tenant_id, current_actor(), current_lang(),
                                          override_path=current_app.config["CATALOGUE_OVERRIDES"]
                                          ) if current_user.tenant_id else None
    if found is None:
        abort(404)
    return found
