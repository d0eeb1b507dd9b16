"""Shared helpers for the notes tests: a built cast of people, signing in as them, and
the demo tenant whose notes `portal scan-notes` audits in test_scan_notes_cli."""

from __future__ import annotations

from sqlalchemy import func, select

from portal import access
from portal.models import Incident, Note, Tenant
from tests import builders
from tests.conftest import login

def tenant(session, number: str) -> Tenant:
    return session.scalar(select(Tenant).where(Tenant.tenant_number == number))


def camille(session) -> Tenant:
    return tenant(session, "LOC-000101")


def count_notes(session, tenant_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Note).where(Note.tenant_id == tenant_id))


def count_incidents(session, tenant_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Incident).where(Incident.tenant_id == tenant_id))


class Cast:
    """People built for a notes test (tests/builders.py), instead of the demo's: a manager
    of one portfolio of two buildings, the caretaker of the first, a DPO, a tenant in each
    of those buildings, one outside the portfolio and one who reads English."""

    def __init__(self, session) -> None:
        from tests import builders

        mine = builders.portfolio(session)
        first, second = builders.building(session, portfolio_id=mine.id), builders.building(session, portfolio_id=mine.id)
        self.tenant = builders.tenant(session, first)
        self.neighbour = builders.tenant(session, second)  # same manager, not the caretaker's building
        self.outsider = builders.tenant(session)  # a building of no portfolio of the manager
        self.english = builders.tenant(session, first, preferred_language="en")
        users = (builders.account(session, "manager", portfolios=(mine,)),
                 builders.account(session, "caretaker", buildings=(first,)), builders.account(session, "dpo"))
        self.manager, self.caretaker, self.dpo = (access.actor_for(session, u) for u in users)


def signed_in(client, user, password: str = builders.PASSWORD):
    """The test client logged in as a built account."""
    login(client, user.email, password)
    return client


def switch_to(client, user):
    """Log out, then in as another built account."""
    client.post("/logout")
    return signed_in(client, user)
