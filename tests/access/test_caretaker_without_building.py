"""A caretaker without a building sees no tenant (access.py): the administrator is warned
and the account is saved only once that is confirmed (issue 23, item 11). Scripts
(`portal create-staff`) keep working and are told on stderr."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts import staff
from portal.models import User
from tests import builders
from tests.access.helpers import db_session, text_of
from tests.conftest import login

STRONG = "Vert-Sapin-42-Lumiere!"
WARNING_FR = "Un gardien sans immeuble ne voit aucun locataire"


def _admin(app):
    client = app.test_client()
    login(client, "admin@example.org")
    return client


def _role(app, email):
    with db_session(app) as s:
        return s.scalar(select(User.role).where(User.email == email))


def test_the_rule_itself():
    assert staff.sees_no_tenant("caretaker", [])
    assert not staff.sees_no_tenant("caretaker", [3])
    assert not staff.sees_no_tenant("caretaker", [], enabled=False)  # a disabled account sees nothing anyway
    assert not staff.sees_no_tenant("dpo", [])


def test_the_service_refuses_a_caretaker_without_a_building_unless_confirmed(session):
    try:
        staff.create_staff(session, None, "g1@example.org", "caretaker", "Gardien Un")
    except staff.StaffError as err:
        assert (err.code, err.field) == ("caretaker_without_building", "buildings")
    else:
        raise AssertionError("created silently")
    user = staff.create_staff(session, None, "g2@example.org", "caretaker", "Gardien Deux", no_building_ok=True)
    assert user.role == "caretaker"
    home = builders.building(session)
    made = staff.create_staff(session, None, "g3@example.org", "caretaker", "Gardien Trois", building_ids=[home.id])
    assert staff.assignments(session, made.id)[0] == [home.id]


def test_admin_form_warns_and_creates_nothing_until_confirmed(app):
    client = _admin(app)
    data = {"email": "gardien.nouveau@example.org", "display_name": "Gardien Nouveau", "role": "caretaker"}
    refused = client.post("/admin/staff/new?lang=fr", data=data)
    assert refused.status_code == 422
    page = text_of(refused)
    assert WARNING_FR in page and "Cochez au moins un immeuble" in page
    assert "Enregistrer ce gardien sans immeuble malgré tout" in page
    assert _role(app, "gardien.nouveau@example.org") is None
    english = text_of(client.post("/admin/staff/new?lang=en", data=data))
    assert "A caretaker without a building sees no tenant" in english
    confirmed = client.post("/admin/staff/new", data={**data, "no_building_ok": "y"})
    assert confirmed.status_code == 302
    assert _role(app, "gardien.nouveau@example.org") == "caretaker"
    assert "aucun immeuble : ne voit aucun locataire" in text_of(client.get("/admin/staff?lang=fr"))


def test_a_new_form_and_other_roles_show_no_warning(app):
    client = _admin(app)
    assert WARNING_FR not in text_of(client.get("/admin/staff/new?lang=fr"))
    response = client.post("/admin/staff/new?lang=fr", data={
        "email": "dpo.adjoint@example.org", "display_name": "DPO adjoint", "role": "dpo"})
    assert response.status_code == 302


def test_editing_a_caretaker_down_to_no_building_asks_first(app):
    client = _admin(app)
    with db_session(app) as s:
        lilas = s.scalar(select(User).where(User.email == "gardien.lilas@example.org"))
        user_id, name = lilas.id, lilas.display_name
    data = {"display_name": name, "role": "caretaker", "enabled": "y"}
    refused = client.post(f"/admin/staff/{user_id}?lang=fr", data=data)
    assert refused.status_code == 422 and WARNING_FR in text_of(refused)
    with db_session(app) as s:
        assert staff.assignments(s, user_id)[0]  # the building is still assigned
    # The account page says it too, as it stands, once confirmed.
    assert client.post(f"/admin/staff/{user_id}", data={**data, "no_building_ok": "y"}).status_code == 302
    assert WARNING_FR in text_of(client.get(f"/admin/staff/{user_id}?lang=fr"))
    # Disabling it needs no confirmation: a disabled account sees nothing anyway.
    assert client.post(f"/admin/staff/{user_id}", data={"display_name": name, "role": "caretaker"}).status_code == 302


def test_create_staff_command_still_creates_it_and_warns(app, runner):
    result = runner.invoke(args=["create-staff", "gardien.script@example.org", "--role", "caretaker",
                                 "--password", STRONG])
    assert result.exit_code == 0, result.output
    assert "Staff account created: gardien.script@example.org (caretaker)." in result.output
    assert "a caretaker without a building sees no tenant" in result.output
    assert _role(app, "gardien.script@example.org") == "caretaker"
