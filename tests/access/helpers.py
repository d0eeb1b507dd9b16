"""Helpers of the access tests: database look-ups in their own short app context (a
context held open across requests would share flask.g and the session between them)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import select

from portal.db import Database
from portal.models import AuditEntry, Tenant


@contextmanager
def db_session(app) -> Iterator[Any]:
    with app.app_context():
        session = Database.state(app).factory()
        try:
            yield session
        finally:
            session.close()


def tenant_id(app, number: str) -> int:
    with db_session(app) as s:
        return s.scalar(select(Tenant.id).where(Tenant.tenant_number == number))


def last_entry(app) -> AuditEntry:
    with db_session(app) as s:
        entry = s.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
        s.expunge(entry)
        return entry


def entries_after(app, entry_id: int) -> list[AuditEntry]:
    with db_session(app) as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.id > entry_id).order_by(AuditEntry.id)).all()
        for r in rows:
            s.expunge(r)
        return list(rows)


def text_of(response) -> str:
    """The visible text of the page's main content, whitespace collapsed."""
    html = response.get_data(as_text=True)
    main = html.split('<main', 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S)
    import html as html_lib
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", main)).split())
