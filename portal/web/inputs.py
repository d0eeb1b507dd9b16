"""Unreadable input (OWASP ASVS 5.1): a NUL byte or bytes that are not UTF-8 in a form
or a query string get a clear message instead of an empty form, a database error
(PostgreSQL refuses NUL in text) or silently mangled text. Werkzeug decodes invalid
UTF-8 as U+FFFD in multipart forms; in url-encoded forms it re-quotes the bytes that are
not UTF-8 as %XX (XX from 80 to FF), which a browser never sends as such (it would
send %25XX for a typed "%XX")."""

from __future__ import annotations

import re
from typing import Iterable

from flask import request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

BAD = re.compile(r"[\x00\ufffd]|%[89A-F][0-9A-F]")


def unreadable(values: Iterable[str]) -> bool:
    return any(BAD.search(v) for v in values)


def form_is_unreadable() -> bool:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    return unreadable(request.form.values()) or unreadable(request.form.keys())


def args_are_unreadable() -> bool:
    return unreadable(request.args.values()) or unreadable(request.args.keys())


def cleaned_form() -> MultiDict:
    """The submitted form without the unreadable characters, to show it back."""
    return MultiDict([(BAD.sub("", k), BAD.sub("", v)) for k, v in request.form.items(multi=True)])


def form_has_files() -> bool:
    """A file sent with a form: no form of the portal takes one, and a file where a text
    field is expected would reach code that expects text (OWASP ASVS 5.1.3)."""
    return request.method in ("POST", "PUT", "PATCH", "DELETE") and bool(request.files)


def without_files() -> ImmutableMultiDict:
    return ImmutableMultiDict()
