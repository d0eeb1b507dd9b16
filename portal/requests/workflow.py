"""The privacy-request workflow as plain rules: which action is allowed in which status
(one table), the legal reasons a refusal may rest on, what an erasure may remove, how a
repeated request is recognised, and whether a proposed value fits a catalogue field.

No Flask and no database here: services/requests.py applies these rules, the views
show them, and tests/requests/test_workflow.py tests them directly. Problems are
reported as codes (`BadValue.code`); the forms turn them into sentences."""

from __future__ import annotations

from portal.numbers import parse_id
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

from portal import request_kinds
from portal.deadlines import add_months

# The kinds are defined once, in portal/request_kinds.py.
KINDS = request_kinds.KEYS
STATUSES = ("received", "in_progress", "waiting_info", "answered", "closed", "withdrawn")
OPEN_STATUSES = ("received", "in_progress", "waiting_info")
TARGETED_KINDS = request_kinds.TARGETED

_ANSWERABLE = {"received": "answered", "in_progress": "answered", "waiting_info": "answered"}
_SAME = {s: s for s in OPEN_STATUSES}

#: THE table of allowed transitions: action -> {status before: status after}.
TRANSITIONS: dict[str, dict[str, str]] = {
    "assign": {"received": "in_progress", "in_progress": "in_progress", "waiting_info": "waiting_info"},
    "request_info": {"received": "waiting_info", "in_progress": "waiting_info"},
    "provide_info": {"waiting_info": "in_progress"},
    # Staff record the tenant's answer received by post or at the desk.
    "record_info": {"waiting_info": "in_progress"},
    "extend": dict(_SAME),
    "grant": dict(_ANSWERABLE),
    "partly_grant": dict(_ANSWERABLE),
    "refuse": dict(_ANSWERABLE),
    "close": {"answered": "closed"},
    "withdraw": {"received": "withdrawn", "in_progress": "withdrawn", "waiting_info": "withdrawn"},
    # A withdrawal can be undone for UNDO_WITHDRAW_DAYS (a tap on a phone is easily a slip).
    # The request goes back to the status it had before (kept in the withdraw step); this
    # table gives the status when that step names none.
    "undo_withdraw": {"withdrawn": "received"},
}
STAFF_ACTIONS = ("assign", "request_info", "extend", "grant", "partly_grant", "refuse", "close")
TENANT_ACTIONS = ("provide_info", "withdraw", "undo_withdraw")
#: How long a tenant may take back a withdrawal (days after it).
UNDO_WITHDRAW_DAYS = 14
OUTCOME_OF = {"grant": "granted", "partly_grant": "partly_granted", "refuse": "refused"}
# Actions whose message is required (what to ask, why extend, why refuse).
MESSAGE_REQUIRED = frozenset({"request_info", "extend", "partly_grant", "refuse", "provide_info", "record_info"})

#: What a request for information is about. Only reasonable doubt about the requester's
#: identity stops the clock until the answer; asking to clarify the request does not
#: (EDPB Guidelines 01/2022 on the right of access, §§ 159-160; Art. 12(6)).
INFO_KINDS = ("identity", "clarification")
# Actions that need a legal reason from REFUSAL_REASONS (every refusal, whole or partial).
REASON_REQUIRED = frozenset({"partly_grant", "refuse"})
# The letter each action produces (services/letters.py).
LETTER_OF = {"grant": "granted", "partly_grant": "partly_granted", "refuse": "refused",
             "extend": "extension", "request_info": "info_request"}

#: Legal reasons a refusal, whole or partial, may rest on (the letters explain each one).
REFUSAL_REASONS = ("manifestly_unfounded", "manifestly_excessive", "identity_not_established",
                   "rights_of_others", "legal_obligation", "legal_claims", "compelling_grounds",
                   "objection_not_applicable", "restriction_not_applicable", "data_accurate", "not_portable")
_ANY_KIND = ("manifestly_unfounded", "manifestly_excessive", "identity_not_established")  # Art. 12(2), 12(5)
#: The reasons each kind of request may be refused for: the exceptions its own article
#: provides, and nothing else (an access request cannot be refused "for legal claims").
REASONS_BY_KIND: dict[str, tuple[str, ...]] = {k.key: (*_ANY_KIND, *k.refusal_reasons) for k in request_kinds.KINDS}


def reasons_for(kind: str) -> tuple[str, ...]:
    """The refusal reasons open to a request of this kind."""
    return REASONS_BY_KIND.get(kind, _ANY_KIND)

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


def clock_stopped(status: str, info_kind: str | None) -> bool:
    """True while staff wait for information that identifies the requester: the period
    then runs again, in full, from the day it arrives. A request for clarification, and
    every other open status, leaves the clock running. (Requests asked before the kinds
    existed carry no kind: they stopped the clock, and still do.)"""
    return status == "waiting_info" and info_kind != "clarification"


def clock_runs(status: str, info_kind: str | None) -> bool:
    """True when the request is open and its deadline can pass."""
    return status in OPEN_STATUSES and not clock_stopped(status, info_kind)


def default_info_kind(identity_verified: bool) -> str:
    """The kind of a request for information when staff do not say: about identity when
    the identity of a request received by post or e-mail is not established yet, else a
    clarification (which does not stop the clock: the tenant's safer default)."""
    return "clarification" if identity_verified else "identity"


def may_undo_withdraw(status: str, withdrawn_on: date | None, today: date) -> bool:
    """A withdrawn request can be reopened by its tenant up to UNDO_WITHDRAW_DAYS after."""
    return (status in TRANSITIONS["undo_withdraw"] and withdrawn_on is not None
            and today <= withdrawn_on + timedelta(days=UNDO_WITHDRAW_DAYS))


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
    record = parse_id(ident)
    return (cat, record) if record is not None else None


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
