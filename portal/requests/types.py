"""What the request operations raise and return: errors the pages turn into messages, and results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


from portal.models import PrivacyRequest
from portal.requests.workflow import BadValue, NotAllowed  # noqa: F401  (re-exported for the views)

REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone



# --- Errors ---------------------------------------------------------------------------

class RequestError(Exception):
    """A step that cannot be taken; nothing was changed."""


class Invalid(RequestError):
    """Bad input for one form field: `code` names the problem (see the forms)."""

    def __init__(self, field: str, code: str, **params: Any) -> None:
        super().__init__(f"{field}: {code}")
        self.field, self.code, self.params = field, code, params


class Stale(RequestError):
    """Someone changed the request since the form was drawn."""


class Forbidden(RequestError):
    """This actor may not take this step on this request."""


class Restricted(RequestError):
    """Art. 18: the data is restricted and may not be changed."""

    def __init__(self, category_key: str) -> None:
        super().__init__(category_key)
        self.category_key = category_key


class ExtensionRefused(RequestError):
    """`reason` is "already" (extended once) or "too_late" (the first month has run out)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- Results --------------------------------------------------------------------------

@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


@dataclass
class Done:
    request: PrivacyRequest
    mails: list[Mail] = field(default_factory=list)
    summary: str = ""  # what an erasure removed and kept, etc.
    duplicate: bool = False  # the same request was just filed (a double click): not filed twice
