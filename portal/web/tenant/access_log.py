"""/me/access-log: who consulted the tenant's file, newest first, in plain words (when,
which role, for what purpose, which categories). Staff names only where the landlord
turns SHOW_STAFF_NAMES_IN_ACCESS_LOG on (C-579/21 counts dates and purposes as access-
right information; names are the landlord's choice)."""

from __future__ import annotations

from flask import current_app, render_template

from portal.db import db
from portal.web.guards import requires
from portal.audit import access_log as access_log_service
from portal.web.tenant import bp
from portal.web.context import own_tenant
from portal.web import params

PAGE_SIZE = 25


@bp.route("/access-log")
@requires("read_own_file")
def access_log():
    tenant = own_tenant()
    page = params.page(limit=10_000)
    show_names = bool(current_app.config.get("SHOW_STAFF_NAMES_IN_ACCESS_LOG"))
    log = access_log_service.reads_of(db.session, tenant.id, page, PAGE_SIZE, show_names)
    return render_template("tenant/access_log.html", log=log, show_names=show_names,
                           groups=access_log_service.group_reads(log.items))
