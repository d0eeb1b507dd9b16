"""The queue's assignee filter lists the staff who process requests. The rendered list is
kept (Flask-Caching, at most a minute), yet someone who joins or leaves those staff, or
is renamed, shows in it on the next page."""

from __future__ import annotations

from portal.models import User
from tests import builders
from tests.conftest import login
from tests.requests.helpers import text


def _option(name: str) -> str:
    return f">{name}</option>"


def test_staff_who_join_leave_or_are_renamed_show_at_once_in_the_assignee_filter(client, dbs):
    dpo = builders.account(dbs, "dpo")
    builders.account(dbs, "manager", display_name="Claude Présent")
    dbs.commit()
    login(client, dpo.email, builders.PASSWORD)
    first = text(client.get("/staff/requests?lang=en"))
    assert _option("Claude Présent") in first and _option("Dominique Neuve") not in first

    newcomer = User(email="dominique.neuve@example.org", role="manager", display_name="Dominique Neuve",
                    language="fr", is_enabled=True, email_confirmed=True)
    dbs.add(newcomer)
    dbs.commit()
    assert _option("Dominique Neuve") in text(client.get("/staff/requests?lang=en"))

    newcomer.display_name = "Dominique Neuve-Martin"
    dbs.commit()
    renamed = text(client.get("/staff/requests?lang=en"))
    assert _option("Dominique Neuve-Martin") in renamed and _option("Dominique Neuve") not in renamed

    newcomer.role = "caretaker"
    dbs.commit()
    assert "Dominique Neuve" not in text(client.get("/staff/requests?lang=en"))
