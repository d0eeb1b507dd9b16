"""Art. 18: restricted data leaves staff use (stored, shown only for legal claims, and
that consultation is recorded), and lifting is announced to the tenant before it takes
effect (Art. 18(3))."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.models import AuditEntry, Restriction
from portal.retention import purge
from portal.requests.rights import apply_due_lifts
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import login
from tests.requests.helpers import load, mails_about, text
from tests.requests.rights_helpers import answered

NOTE = "Relance pour l'entretien de la chaudière, rendez-vous pris le 14."


@pytest.fixture()
def people(dbs):
    """Who is who (tests/builders.estate); the tenant's file holds a note (NOTE)."""
    cast = builders.estate(dbs)
    builders.note(dbs, cast.tenant, NOTE)
    dbs.commit()
    return cast


def _restrict_notes(client, dbs, people):
    ref, done = answered(client, people.tenant_account, "restriction", targets=["notes"],
                         details="Le temps de vérifier.", dpo=people.dpo)
    assert done.status_code == 303
    return ref, people.tenant, NOTE


def _as(client, user) -> None:
    client.post("/logout")
    login(client, user.email, PASSWORD)


def test_restricted_notes_are_withheld_from_staff_unless_for_legal_claims(app, client, dbs, people):
    ref, tenant, body = _restrict_notes(client, dbs, people)
    _as(client, people.manager)
    page = text(client.get(f"/staff/tenants/{tenant.id}?lang=en"))
    assert "Restriction of use (GDPR Art. 18) in force." in page
    assert "Content withheld: restriction of use in force." in page
    assert body[:30] not in page
    read = dbs.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert "notes" not in (read.categories or "").split(",")
    # For legal claims (Art. 18(2)) the notes show, and that purpose is recorded.
    assert client.post(f"/staff/tenants/{tenant.id}", data={"purpose": "legal_claims"}).status_code == 302
    page = text(client.get(f"/staff/tenants/{tenant.id}?lang=fr"))
    assert body[:30].replace("'", "&#39;") in page
    assert "Affiché uniquement pour des droits en justice" in page
    dbs.expire_all()
    read = dbs.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert read.purpose == "Constatation, exercice ou défense de droits en justice"
    assert "notes" in read.categories.split(",")


def test_lifting_is_announced_to_the_tenant_and_takes_effect_on_the_announced_day(app, client, dbs, today, people):
    ref, tenant, _ = _restrict_notes(client, dbs, people)
    restriction = dbs.scalar(select(Restriction).where(Restriction.tenant_id == tenant.id,
                                                       Restriction.active.is_(True)))
    _as(client, people.dpo)
    done = client.post(f"/staff/requests/{ref}?lang=en", data={"action": "lift_restriction",
                                                                "restriction_id": str(restriction.id)})
    assert done.status_code == 303
    dbs.expire_all()
    item = dbs.get(Restriction, restriction.id)
    assert item.active and item.lift_on == today + timedelta(days=15)
    # The tenant is told first, in French, with the date.
    mail = mails_about(app, ref)[-1]
    body = mail.get_content()
    assert "sera levée le" in body and item.lift_on.strftime("%d/%m/%Y") in body
    page = text(client.get(f"/staff/requests/{ref}?lang=en"))
    assert "Lifting announced to the tenant; it takes effect on" in page
    # Still restricted the day before; lifted by the periodic job on the day.
    assert apply_due_lifts(dbs, item.lift_on - timedelta(days=1)) == 0
    purge.run(dbs, item.lift_on)
    dbs.commit()
    dbs.expire_all()
    assert dbs.get(Restriction, restriction.id).active is False
    _as(client, people.manager)
    assert "Restriction of use (GDPR Art. 18) in force." not in text(client.get(f"/staff/tenants/{tenant.id}?lang=en"))
    assert load(dbs, ref).status == "answered"


def test_a_lifting_already_announced_cannot_be_announced_again(client, dbs, people):
    ref, tenant, _ = _restrict_notes(client, dbs, people)
    rid = dbs.scalar(select(Restriction.id).where(Restriction.tenant_id == tenant.id, Restriction.active.is_(True)))
    _as(client, people.dpo)
    assert client.post(f"/staff/requests/{ref}", data={"action": "lift_restriction",
                                                        "restriction_id": str(rid)}).status_code == 303
    again = client.post(f"/staff/requests/{ref}?lang=en", data={"action": "lift_restriction",
                                                                 "restriction_id": str(rid)})
    assert again.status_code == 400
