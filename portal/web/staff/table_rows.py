"""The rows of the back office's long tables as HTML, built in Python: the request queue
(fifty requests a page, seven cells each) and the tenant search's results. A template
loop translates, formats and escapes each cell one at a time (at a large landlord that
was most of the queue's time). Same markup as the template loops wrote; the templates
keep the tables around them."""

from __future__ import annotations

import re
from typing import Any, Iterable
from urllib.parse import quote

from flask_babel import get_translations
from markupsafe import escape

from portal import catalogue
from portal.requests import workflow
from portal.formatting import fmt_date
from portal.requests.queue import Row
from portal.tenancy.search import TenantHit

_PLAIN_REF = re.compile(r"[A-Za-z0-9._~-]+")  # nothing to quote in a URL or to escape in HTML
OVERDUE = ' class="overdue"'


def queue(rows: Iterable[Row], lang: str, detail_prefix: str) -> str:
    """<tr> elements for the queue's rows; `detail_prefix` + a reference is a request's page.
    Translations and labels are markup, as in the templates; every value is escaped."""
    gettext = get_translations().ugettext

    def esc(value: Any) -> str:
        return str(escape(value))

    due, ref, kind, tenant, status, assigned, received = (gettext(label) for label in (
        "Due by", "Reference", "Kind", "Tenant", "Status", "Assigned to", "Received on"))
    repeat = f' <span class="badge badge-soon">{gettext("Repeated request")}</span>'
    identity = f' <span class="badge badge-soon">{gettext("Identity to check")}</span>'
    extended = f' <span class="hint">({gettext("extended")})</span>'
    nobody = gettext("Nobody yet")
    late = f' <span class="badge badge-overdue">{gettext("Overdue by %(num)s days")}</span>'
    soon = f' <span class="badge badge-soon">{gettext("Days left: %(num)s")}</span>'
    running = f' <span class="badge badge-ok">{gettext("Days left: %(num)s")}</span>'
    kinds = {key: esc(label) for key, label in catalogue.REQUEST_KIND_LABELS.items()}
    statuses = {key: esc(label) for key, label in catalogue.REQUEST_STATUS_LABELS.items()}
    prefix = esc(detail_prefix)
    days: dict[Any, str] = {}  # a page repeats its days: each formatted and escaped once

    def day(value: Any) -> str:
        text = days.get(value)
        if text is None:
            text = days[value] = esc(fmt_date(value, lang))
        return text

    out = []
    for r in rows:
        if r.overdue:
            badge = late % {"num": -r.days_left}
        elif r.due_soon:
            badge = soon % {"num": r.days_left}
        elif r.status in workflow.OPEN_STATUSES and r.clock_runs:
            badge = running % {"num": r.days_left}
        else:
            badge = ""
        plain = _PLAIN_REF.fullmatch(r.ref) is not None
        link = r.ref if plain else esc(quote(r.ref, safe="/"))
        out.append(
            f'<tr{OVERDUE if r.overdue else ""}>'
            f'<td data-label="{due}">{day(r.due_on)}{badge}</td>'
            f'<td data-label="{ref}"><a class="ref" href="{prefix}{link}">{r.ref if plain else esc(r.ref)}</a>'
            f'{repeat if r.is_repeat else ""}{"" if r.identity_verified else identity}</td>'
            f'<td data-label="{kind}">{kinds.get(r.kind) or esc(r.kind)}{extended if r.extended else ""}</td>'
            f'<td data-label="{tenant}">{esc(r.tenant_name)} <span class="ref">{esc(r.tenant_number)}</span></td>'
            f'<td data-label="{status}">{statuses.get(r.status) or esc(r.status)}</td>'
            f'<td data-label="{assigned}">{esc(r.assignee) if r.assignee else nobody}</td>'
            f'<td data-label="{received}">{day(r.received_on)}</td></tr>\n')
    return "".join(out)


def tenants(hits: Iterable[TenantHit], file_prefix: str) -> str:
    """<tr> elements for the search's results; `file_prefix` + a tenant id is their file."""
    gettext = get_translations().ugettext
    number, building, door = (gettext(label) for label in ("Tenant number", "Building", "Door"))
    prefix = str(escape(file_prefix))
    out = []
    for t in hits:
        out.append(
            f'<tr><th scope="row"><a href="{prefix}{int(t.id)}">{escape(t.last_name)} {escape(t.first_name)}</a></th>'
            f'<td data-label="{number}">{escape(t.tenant_number)}</td>'
            f'<td data-label="{building}">{escape(t.building or "—")}</td>'
            f'<td data-label="{door}">{escape(t.door or "—")}</td></tr>\n')
    return "".join(out)
