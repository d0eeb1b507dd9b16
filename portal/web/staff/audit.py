"""/staff/audit: the whole audit log for the DPO, filtered by tenant, staff member, date
range and action, newest first, a page at a time."""

from __future__ import annotations

from datetime import date

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.db import db
from portal.web.guards import requires
from portal.audit import access_log
from portal.web.staff import bp
from portal.web import params
from portal.numbers import parse_id

PAGE_SIZE = 50
# What the keys of an entry's details mean, for people (the log keeps them as JSON).
DETAIL_LABELS = {
    "note_id": _l("Note no."), "incident_id": _l("Incident no."), "flagged": _l("Flagged by the guard"),
    "kind": _l("Kind"), "decision": _l("Decision"), "reason": _l("Reason"), "categories": _l("Categories"),
    "q": _l("Search terms"), "results": _l("Results"), "recipient": _l("Recipient"), "channel": _l("Received by"),
    "identity_verified": _l("Identity checked"), "user_id": _l("Account no."),
    "assignee": _l("Assigned to (account no.)"), "asked": _l("Address asked"), "before": _l("Before"),
    "after": _l("After"),
}
HIDDEN_DETAILS = frozenset({"purpose_key"})


def _date(name: str, errors: dict[str, str]) -> date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    value = params.bounded_date(raw)
    if value is None:
        errors[name] = _("Give a date such as 2026-11-28.") + " " + _(
            "The log holds dates from %(first)s to %(last)s.", first=params.MIN_DATE.year, last=params.MAX_DATE.year)
    return value


@bp.route("/audit")
@requires("read_audit")
def audit():
    errors: dict[str, str] = {}
    staff_raw = (request.args.get("staff") or "").strip()
    actions = access_log.log_actions(db.session)
    action = (request.args.get("action") or "").strip()
    filters = access_log.LogFilters(
        tenant_number=(request.args.get("tenant") or "").strip()[:40] or None,
        actor_id=parse_id(staff_raw),
        action=action if action in actions else None,
        date_from=_date("from", errors), date_to=_date("to", errors))
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        errors["to"] = _("The end date is before the start date.")
    page = params.page(limit=100_000)
    log = access_log.search_log(db.session, filters, page, PAGE_SIZE)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("staff/audit.html", log=log, filters=filters, errors=errors, args=args,
                           actions=actions, action_labels=access_log.ACTION_LABELS,
                           staff=access_log.staff_members(db.session), role_labels=access_log.ROLE_LABELS,
                           detail_labels=DETAIL_LABELS, hidden_details=HIDDEN_DETAILS)
