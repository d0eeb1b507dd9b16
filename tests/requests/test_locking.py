"""Optimistic locking: two staff members act on the same request at the same time over
real, separate database connections; the second gets "changed meanwhile" and nothing
of the first is overwritten."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal import access
from portal.db import Database
from portal.models import PrivacyRequest, RequestEvent, User
from portal.requests import answering
from portal.formatting import landlord_today
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import build_app


@pytest.fixture(scope="module")
def own_app(tmp_path_factory):
    app = build_app(tmp_path_factory.mktemp("locking"), "locking", demo=False)
    yield app
    Database.state(app).engine.dispose()


@pytest.fixture(scope="module")
def people(own_app):
    """Who is who (tests/builders.estate) and two requests, committed into own_app."""
    with builders.committed(own_app) as s:
        people = builders.estate(s)
        people.tenant.email = "adresse.actuelle@essai.example.org"
        # A rectification of the e-mail (both the DPO and the manager may process it), and
        # an access request nobody has taken yet.
        builders.request(s, people.tenant, kind="rectification", ref="DPR-TEST-LOCK1", field_key="contact.email",
                         proposed_value="nouvelle.adresse@essai.example.org")
        builders.request(s, people.neighbour, kind="access", ref="DPR-TEST-LOCK2")
    return people


def _client(app, user):
    c = app.test_client()
    assert c.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return c


def test_second_of_two_staff_members_gets_changed_meanwhile(own_app, people):
    dpo = _client(own_app, people.dpo)
    manager = _client(own_app, people.manager)
    ref = "DPR-TEST-LOCK1"
    page_a = dpo.get(f"/staff/requests/{ref}").get_data(as_text=True)
    page_b = manager.get(f"/staff/requests/{ref}").get_data(as_text=True)
    version_a = re.search(r'name="version" value="(\d+)"', page_a).group(1)
    version_b = re.search(r'name="version" value="(\d+)"', page_b).group(1)
    assert version_a == version_b

    first = dpo.post(f"/staff/requests/{ref}", data={"action": "refuse", "message": "Adresse déjà exacte.",
                                                      "refusal_reason": "data_accurate", "version": version_a})
    assert first.status_code == 303
    second = manager.post(f"/staff/requests/{ref}?lang=en", data={"action": "grant", "message": "OK",
                                                                   "version": version_b})
    assert second.status_code == 409
    assert "changed meanwhile" in second.get_data(as_text=True)
    french = manager.post(f"/staff/requests/{ref}?lang=fr", data={"action": "grant", "message": "OK",
                                                                   "version": version_b})
    assert "modifiée entre-temps" in french.get_data(as_text=True)

    with own_app.app_context():
        s = Database.state(own_app).factory()
        req = s.scalar(select(PrivacyRequest).where(PrivacyRequest.ref == ref))
        assert req.outcome == "refused" and req.refusal_reason == "data_accurate"
        assert req.tenant.email == "adresse.actuelle@essai.example.org"  # the grant did not apply the new one
        actions = s.scalars(select(RequestEvent.action).where(RequestEvent.request_id == req.id)).all()
        assert actions.count("grant") == 0 and actions.count("refuse") == 1
        s.close()


def test_concurrent_flush_raises_stale_data_and_keeps_the_first(own_app, people):
    """Both sessions load version N; the first commits; the second's flush finds no row at
    version N (StaleDataError), which the views turn into "changed meanwhile"."""
    factory = Database.state(own_app).factory
    with own_app.app_context():
        a, b = factory(), factory(expire_on_commit=False)
        ref = "DPR-TEST-LOCK2"
        req_b = b.scalar(select(PrivacyRequest).where(PrivacyRequest.ref == ref))
        b.commit()  # b's snapshot of the row (version N) outlives its read transaction
        req_a = a.scalar(select(PrivacyRequest).where(PrivacyRequest.ref == ref))
        dpo = a.get(User, people.dpo.id)
        actor = access.actor_for(a, dpo)
        answering.act(a, req_a, actor, "assign", message="", today=landlord_today(), config=own_app.config)
        a.commit()
        req_b.status = "answered"
        req_b.outcome = "granted"
        with pytest.raises(StaleDataError):
            b.flush()
        b.rollback()
        check = factory()
        fresh = check.scalar(select(PrivacyRequest).where(PrivacyRequest.ref == ref))
        assert fresh.status == "in_progress" and fresh.outcome is None
        for s in (a, b, check):
            s.close()
