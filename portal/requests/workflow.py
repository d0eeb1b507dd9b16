"""The privacy-request workflow as plain rules: which action is allowed in which status
(one table), the legal reasons a refusal may rest on, what an erasure may remove, how a
repeated request is recognised, and whether a proposed value fits a catalogue field.

No Flask and no database here: services/requests.py applies these rules, the views
show them, and tests/requests/test_workflow.py tests them directly. Problems are
reported as codes (`BadValue.code`); the forms turn them into sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

from portal.deadlines import add_months

KINDS = ("access", "rectification", "erasure", "restriction", "portability", "objection")
STATUSES = ("received", "in_progress", "waiting_info", "answered", "closed", "withdrawn")
OPEN_STATUSES = ("received", "in_progress", "waiting_info")
# Kinds whose request may name records or categories (erasure: what to remove;
# restriction: what to freeze; objection: what to stop using).
TARGETED_KINDS = ("erasure", "restriction", "objection")

_ANSWERABLE = {"received": "answered", "in_progress": "answered", "waiting_info": "answered"}
_SAME = {s: s for s in OPEN_STATUSES}

#: THE table of allowed transitions: action -> {status before: status after}.
TRANSITIONS: dict[str, dict[str, str]] = {
    "assign": {"received": "in_progress", "in_progress": "in_progress", "waiting_info": "waiting_info"},
    "request_info": {"received": "waiting_info", "in_progress": "waiting_info"},
    "provide_info": {"waiting_info": "in_progress"},
    "extend": dict(_SAME),
    "grant": dict(_ANSWERABLE),
    "partly_grant": dict(_ANSWERABLE),
    "refuse": dict(_ANSWERABLE),
    "close": {"answered": "closed"},
    "withdraw": {"received": "withdrawn", "in_progress": "withdrawn", "waiting_info": "withdrawn"},
}
STAFF_ACTIONS = ("assign", "request_info", "extend", "grant", "partly_grant", "refuse", "close")
TENANT_ACTIONS = ("provide_info", "withdraw")
OUTCOME_OF = {"grant": "granted", "partly_grant": "partly_granted", "refuse": "refused"}
# Actions whose message is required (what to ask, why extend, why refuse).
MESSAGE_REQUIRED = frozenset({"request_info", "extend", "partly_grant", "refuse", "provide_info"})
# Actions that need a legal reason from REFUSAL_REASONS (every refusal, whole or partial).
REASON_REQUIRED = frozenset({"partly_grant", "refuse"})
# The letter each action produces (services/letters.py).
LETTER_OF = {"grant": "granted", "partly_grant": "partly_granted", "refuse": "refused",
             "extend": "extension", "request_info": "info_request"}

#: Legal reasons a refusal, whole or partial, may rest on (the letters explain each one).
REFUSAL_REASONS = ("manifestly_unfounded", "manifestly_excessive", "identity_not_established",
                   "rights_of_others", "legal_obligation", "legal_claims", "compelling_grounds",
                   "data_accurate", "not_portable", "no_right_to_object")

#: A request of the same kind by the same tenant within this many months is a repeat.
REPEAT_WINDOW_MONTHS = 12

MESSAGE_MAX = 5000
DETAILS_MAX = 5000

#: What a granted erasure does to each category: "delete" the rows, "anonymise" them
#: (cut the link to the tenant and clear the free text), or keep them because a legal
#: retention period applies (the category's Art. 15 retention text says which).
ERASURE_RULES: dict[str, str] = {
    # household: held under a legal obligation (occupancy checks, Building and Housing
    # Code): Art. 17(3)(b) keeps it (requests/rights.py ERASURE_EXCEPTIONS names why).
    "notes": "delete", "correspondence": "delete", "household": "keep", "incidents": "anonymise",
    "identity": "keep", "contact": "keep", "lease": "keep", "resources": "keep", "payments": "keep",
    "account": "keep", "requests": "keep", "access_log": "keep",
}
#: Categories a restriction (Art. 18) may freeze.
RESTRICTABLE = ("identity", "contact", "household", "resources", "incidents", "notes", "correspondence")


class NotAllowed(ValueError):
    """The action is not possible in the request's current status."""

    def __init__(self, action: str, status: str) -> None:
        super().__init__(f"{action} not allowed in status {status}")
        self.action, self.status = action, status


def next_status(action: str, status: str) -> str:
    """The status after `action`, or NotAllowed."""
    after = TRANSITIONS.get(action, {}).get(status)
    if after is None:
        raise NotAllowed(action, status)
    return after


def allowed_actions(status: str, extended: bool = False, actions: Iterable[str] = STAFF_ACTIONS) -> list[str]:
    """The actions of `actions` the status allows (an extension happens once only)."""
    return [a for a in actions if status in TRANSITIONS.get(a, {}) and not (a == "extend" and extended)]


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


@dataclass(frozen=True)
class Earlier:
    """An earlier request of the same tenant, as the repeat rule needs it."""

    kind: str
    received_on: date
    status: str


def is_repeat(kind: str, received_on: date, earlier: Iterable[Earlier]) -> bool:
    """Same kind by the same tenant still open, or received within REPEAT_WINDOW_MONTHS.
    Only a flag for staff: Art. 12(5) lets them refuse a manifestly excessive request,
    the portal never does it by itself. Withdrawn requests do not count."""
    since = add_months(received_on, -REPEAT_WINDOW_MONTHS)
    return any(e.kind == kind and e.status != "withdrawn"
               and (e.status in OPEN_STATUSES or since <= e.received_on <= received_on)
               for e in earlier)


def parse_target(value: str) -> tuple[str, int | None] | None:
    """"notes" -> ("notes", None); "notes:12" -> ("notes", 12); anything else -> None."""
    cat, sep, ident = value.partition(":")
    if cat not in ERASURE_RULES:
        return None
    if not sep:
        return cat, None
    return (cat, int(ident)) if ident.isdigit() and len(ident) < 12 else None


# --- Does a proposed value fit the field? -----------------------------------------

class BadValue(ValueError):
    """A proposed value that does not fit its field; `code` names the problem."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
TEXT_MAX = 200


def _phone(raw: str) -> str:
    """French numbers (10 digits starting with 0) or international (+ and 8 to 15 digits),
    with spaces, dots or dashes between groups. Kept as the tenant wrote it (spaces
    tidied): it is their number, and they must recognise it in their file."""
    compact = re.sub(r"[\s.\-()]", "", raw)
    if re.fullmatch(r"0[1-9]\d{8}", compact) or re.fullmatch(r"\+[1-9]\d{7,14}", compact):
        return " ".join(raw.split())
    raise BadValue("phone")


def _date(raw: str, today: date) -> date:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw) or None
    parts: tuple[int, int, int] | None = None
    if m:
        parts = (int(m[1]), int(m[2]), int(m[3]))
    else:
        m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", raw)
        if m:
            parts = (int(m[3]), int(m[2]), int(m[1]))
    if parts is None:
        raise BadValue("date")
    try:
        value = date(*parts)
    except ValueError:
        raise BadValue("date") from None
    if value.year < 1900 or value > today:
        raise BadValue("date_range")
    return value


def parse_value(ftype: str, raw: str | None, *, required: bool = False, max_length: int | None = None,
                choices: Mapping[str, Any] | None = None, today: date) -> Any:
    """The stored value for a proposed value of a field of type `ftype`, or BadValue.
    An empty value is refused for required fields (and for every field but free text:
    asking to blank a phone number is better said in the details)."""
    text = (raw or "").strip()
    if not text:
        raise BadValue("empty")
    limit = max_length or (MESSAGE_MAX if ftype == "longtext" else TEXT_MAX)
    if len(text) > limit:
        raise BadValue("too_long", max=limit, length=len(text))
    if ftype == "email":
        if not EMAIL_RE.fullmatch(text) or len(text) > 254:
            raise BadValue("email")
        return text
    if ftype == "phone":
        return _phone(text)
    if ftype == "date":
        return _date(text, today)
    if ftype == "int":
        if not re.fullmatch(r"-?\d{1,9}", text):
            raise BadValue("int")
        return int(text)
    if ftype == "money":
        try:
            amount = Decimal(text.replace("\u202f", "").replace(" ", "").replace("€", "").replace(",", "."))
        except InvalidOperation:
            raise BadValue("money") from None
        if not amount.is_finite() or amount < 0 or amount > 10**8:
            raise BadValue("money")
        return int((amount * 100).quantize(Decimal(1)))
    if ftype in ("choice", "language"):
        if choices and text in choices:
            return text
        for key, label in (choices or {}).items():
            if str(label).casefold() == text.casefold():
                return key
        raise BadValue("choice")
    if "\n" in text and ftype != "longtext":
        raise BadValue("one_line")
    return text


def stored_text(value: Any) -> str:
    """How a value is kept in the history (FieldChange): ISO dates, plain numbers."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
