"""Unreadable input (OWASP ASVS 5.1): a NUL byte or bytes that are not UTF-8 in a form
or a query string get a clear message instead of an empty form, a database error
(PostgreSQL refuses NUL in text) or silently mangled text. Werkzeug decodes invalid
UTF-8 as U+FFFD, so the replacement character marks it."""

from __future__ import annotations

from typing import Iterable

from flask import request
from werkzeug.datastructures import MultiDict

BAD = ("\x00", "\ufffd")


def unreadable(values: Iterable[str]) -> bool:
    return any(bad in v for v in values for bad in BAD)


def form_is_unreadable() -> bool:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    return unreadable(request.form.values()) or unreadable(request.form.keys())


def args_are_unreadable() -> bool:
    return unreadable(request.args.values()) or unreadable(request.args.keys())


def cleaned_form() -> MultiDict:
    """The submitted form without the unreadable characters, to show it back."""
    return MultiDict([(k, v.replace("\x00", "").replace("\ufffd", ""))
                      for k, v in request.form.items(multi=True)])
