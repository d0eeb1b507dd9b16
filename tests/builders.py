"""Plain builder functions for test data: each makes what a test needs, with defaults
that can be overridden, instead of leaning on the demo's ids (LOC-000101…). Every
builder adds to the session and flushes, so ids are set; the test's transaction is
rolled back afterwards (tests/conftest.py)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from portal.models import Building, Dwelling, Lease, Note, Tenant, User

_serial = itertools.count(1)


def _next() -> int:
    return next(_serial)


def building(session: Session, **values: Any) -> Building:
    n = _next()
    row = Building(**{"ref": f"TB-{n}", "name": f"Résidence d'essai {n}", "address": f"{n} rue des Essais",
                      "postcode": "75011", "city": "Paris", **values})
    session.add(row)
    session.flush()
    return row


def tenant(session: Session, building_row: Building | None = None, **values: Any) -> Tenant:
    """A tenant with a lease on a dwelling of `building_row` (a new building by default)."""
    n = _next()
    home = building_row or building(session)
    dwelling = Dwelling(ref=f"TD-{n}", building_id=home.id, staircase="A", floor=2, door=str(n), kind="T3",
                        surface_m2=64.0)
    session.add(dwelling)
    session.flush()
    lease = Lease(ref=f"TL-{n}", dwelling_id=dwelling.id, start_date=date(2020, 1, 1), rent_cents=52_000,
                  charges_cents=8_000, deposit_cents=52_000)
    session.add(lease)
    session.flush()
    row = Tenant(**{"tenant_number": f"TEST-{n:06d}", "civility": "Mme", "first_name": "Alice",
                    "last_name": f"Essai{n}", "preferred_language": "fr", "lease_id": lease.id, **values})
    session.add(row)
    session.flush()
    return row


def note(session: Session, tenant_row: Tenant, body: str, **values: Any) -> Note:
    row = Note(tenant_id=tenant_row.id, body=body, author_name="Agent d'essai", **values)
    session.add(row)
    session.flush()
    return row


def tenant_account(session: Session, tenant_row: Tenant, email: str, password_hash: str, **values: Any) -> User:
    """A tenant's confirmed login account (the password hashed by the caller, with the app's hasher)."""
    row = User(**{"email": email, "password_hash": password_hash, "role": "tenant", "tenant_id": tenant_row.id,
                  "display_name": f"{tenant_row.first_name} {tenant_row.last_name}", "email_confirmed": True,
                  **values})
    session.add(row)
    session.flush()
    return row
