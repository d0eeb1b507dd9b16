"""/me/access-log: who consulted the tenant's file, newest first, in plain words (when,
which role, for what purpose, which categories). Staff names only where the landlord
turns SHOW_STAFF_NAMES_IN_ACCESS_LOG on (C-579/21 counts dates and purposes as access-
right information; names are the landlord's choice)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Iterable

from flask import current_app, render_template
from flask_babel import gettext as _

from portal.db import db
from portal.web.guards import requires
from portal.audit import access_log as access_log_service
from portal.web.tenant import bp
from portal.web.context import own_tenant
from portal.web import params
from portal.formatting import PARIS

PAGE_SIZE = 25


@bp.route("/access-log")
@requires("read_own_file")
def access_log():
    tenant = own_tenant()
    page = params.page(limit=10_000)
    show_names = bool(current_app.config.get("SHOW_STAFF_NAMES_IN_ACCESS_LOG"))
    log = access_log_service.reads_of(db.session, tenant.id, page, PAGE_SIZE, show_names)
    return render_template("tenant/access_log.html", log=log, show_names=show_names, groups=group_reads(log.items))


@dataclass
class ReadGroup:
    """The reads of one day by one person (role, and name where shown) for one purpose."""

    day: date
    role_label: Any
    staff_name: str | None
    purpose: Any
    times: list[datetime] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)

    @property
    def clock(self) -> list[str]:
        return [t.strftime("%H:%M") for t in sorted(self.times)]


# Purposes the services write in French (audit.record's purpose), said in the reader's language.
_REQUEST_PURPOSE = re.compile(r"^Traitement de la demande (DPR-[A-Z0-9-]+)$")


def _purpose(label: Any) -> Any:
    found = _REQUEST_PURPOSE.match(str(label or ""))
    if found:
        return _("Handling of your request %(ref)s", ref=found.group(1))
    return label or _("not stated")


def group_reads(items: Iterable[Any]) -> list[ReadGroup]:
    """Reads of the same person, purpose and day as one entry (a manager opening a file ten
    times in a morning is one consultation to the tenant, with its times and all it saw)."""
    groups: dict[tuple[Any, ...], ReadGroup] = {}
    for c in items:
        at = c.at if c.at.tzinfo else c.at.replace(tzinfo=timezone.utc)
        local = at.astimezone(PARIS)
        purpose = _purpose(c.purpose_label)
        key = (local.date(), c.role, c.staff_name, str(purpose))
        group = groups.get(key)
        if group is None:
            group = groups[key] = ReadGroup(local.date(), c.role_label, c.staff_name, purpose)
        group.times.append(local)
        group.categories.extend(k for k in c.categories if k not in group.categories)
    return list(groups.values())
