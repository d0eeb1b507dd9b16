"""How requests read to people, shared by the tenant and staff pages: what each kind
means, the steps of a history, the roles, and the sentence for every problem the request
service reports (requests.service.Invalid codes)."""

from __future__ import annotations

from functools import partial
from typing import Any, Iterable, NamedTuple
from urllib.parse import quote

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from portal import catalogue, formatting, request_kinds
from portal.requests import types as request_types
from portal.requests.queue import Row

# What each kind means, in plain words (defined with the kind in portal/request_kinds.py).
KIND_HELP = {k.key: k.help for k in request_kinds.KINDS}

ERRORS: dict[str, Any] = {
    "kind": _l("Choose the kind of request from the list."),
    "field": _l("Choose the data to correct from the list."),
    "record": _l("This record is not part of your file."),
    "empty": _l("Give the correct value."),
    "required": _l("This field is required."),
    "too_long": _l("This text is too long: %(length)s characters, %(max)s at most."),
    "email": _l("Enter an e-mail address like name@example.org."),
    "phone": _l("Enter a phone number like 01 23 45 67 89, or +44 20 7946 0958 from abroad."),
    "date": _l("Enter a date like 31/12/1980."),
    "date_range": _l("Enter a date between 1900 and today."),
    "int": _l("Enter a whole number."),
    "money": _l("Enter an amount in euros, like 1234.50."),
    "choice": _l("Choose one of the values offered."),
    "one_line": _l("Write the value on one line."),
    "same": _l("This is already the value we hold."),
    "target": _l("One of the records named is not part of your file."),
    "restrict_none": _l("Name the data to restrict (tick at least one category)."),
    "future": _l("The date of receipt cannot be in the future."),
    "too_old": _l("The date of receipt cannot be more than a year ago: check the year."),
    "assignee": _l("Choose a member of staff who may process this request."),
    "notice": _l("This recipient is not part of this request."),
    "restriction": _l("This restriction is not in force for this tenant."),
    "action": _l("Choose an action from the list."),
    "unknown": _l("Choose a legal reason from the list."),
}
# Sharper wording for some fields.
FIELD_ERRORS: dict[tuple[str, str], Any] = {
    ("details", "required"): _l("Describe your request."),
    ("message", "required"): _l("Write a message."),
    ("refusal_reason", "required"): _l("Choose the legal reason for the refusal."),
    ("identity_note", "required"): _l("Say how the identity was checked."),
    ("provide_message", "required"): _l("Write the information we asked for."),
}


def error_text(exc: request_types.Invalid) -> str:
    """The sentence for a service's Invalid error, in the user's language."""
    text = FIELD_ERRORS.get((exc.field, exc.code)) or ERRORS.get(exc.code, ERRORS["required"])
    return str(text) % exc.params if exc.params else str(text)

# The steps of a request's history, as people read them (the catalogue's labels).
ACTION_LABELS: dict[str, Any] = catalogue.REQUEST_STEP_LABELS
ROLE_LABELS: dict[str, Any] = {
    "tenant": _l("Tenant"), "manager": _l("Rental manager"), "dpo": _l("Data-protection officer"),
    "caretaker": _l("Building caretaker"), "admin": _l("IT administrator"),
}


# The staff queue's deadline badges, their %(num)s placeholder left in: the template fills
# it for each row (its `format` filter).
QUEUE_BADGES = {"overdue": _l("Overdue by %(num)s days"), "left": _l("Days left: %(num)s")}


def queue_labels(lang: str) -> dict[str, Any]:
    """The queue's kind and status labels, deadline badges and date format in `lang`,
    chosen once for a page: a lazy string is translated again each time it is read, and a
    page of the queue read four of them, and looked the language up twice, on each of its
    fifty rows."""
    def translated(labels: dict[str, Any]) -> dict[str, Markup]:
        # Markup, as a lazy string prints itself in a template (a translation is not escaped).
        return {key: Markup(str(label)) for key, label in labels.items()}

    return {"kinds": translated(catalogue.REQUEST_KIND_LABELS), "statuses": translated(catalogue.REQUEST_STATUS_LABELS),
            "badges": translated(QUEUE_BADGES), "date": partial(formatting.fmt_date, lang=lang)}


class QueueLine(NamedTuple):
    """A row of the staff queue as it reads (web/staff/requests, `queue_rows` macro): its
    labels, dates and deadline badge already in the page's language."""
    ref: str
    url: str  # the request's page
    kind: str  # the kind's label (the key itself if it has none)
    extended: bool
    status: str  # the status's label (likewise)
    tenant_name: str
    tenant_number: str
    assignee: str | None
    due_on: str
    received_on: str
    overdue: bool
    badge: str  # "overdue", "soon", "ok", or "" while the clock is stopped
    badge_text: str
    is_repeat: bool
    identity_verified: bool


def queue_lines(rows: Iterable[Row], labels: dict[str, Any], detail_prefix: str) -> list[QueueLine]:
    """The queue's rows as they read with `labels` (queue_labels of the page's language),
    each linked to its page (`detail_prefix` followed by the quoted reference).
    Done here, in one loop, rather than by the template for each cell: a call from a
    template costs several times what it costs here, and a full page holds fifty rows
    (a few at a small landlord: the page's cost grew with the landlord)."""
    kinds, statuses, date = labels["kinds"], labels["statuses"], labels["date"]
    # Filled as plain text (the number is an int), then marked safe as the label is.
    late, left = str(labels["badges"]["overdue"]), str(labels["badges"]["left"])
    out = []
    for r in rows:
        if r.overdue:
            badge, text = "overdue", Markup(late % {"num": -r.days_left})
        elif r.clock_runs:
            badge, text = "soon" if r.due_soon else "ok", Markup(left % {"num": r.days_left})
        else:
            badge, text = "", ""
        # quote(…, safe="/"): as Jinja's urlencode filter quoted the reference before.
        out.append(QueueLine(r.ref, detail_prefix + quote(r.ref, safe="/"), kinds.get(r.kind) or r.kind,
                             r.extended, statuses.get(r.status) or r.status, r.tenant_name, r.tenant_number,
                             r.assignee, date(r.due_on), date(r.received_on), r.overdue, badge, text,
                             r.is_repeat, r.identity_verified))
    return out
