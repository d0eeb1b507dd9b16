"""Administration: staff accounts, roles, assignments (pages and `portal create-staff`).
Each change is audited with its before and after; the administrator sees no tenant data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from portal.models import AuditEntry, User
from portal.mail import read_outbox
from tests import builders
from tests.access.helpers import db_session, last_entry, text_of
from tests.builders import PASSWORD
from tests.conftest import login

STRONG = "Vert-Sapin-42-Lumiere!"


def _admin(app, people):
    client = app.test_client()
    login(client, people.admin.email, PASSWORD)
    return client


def _user(app, email):
    with db_session(app) as s:
        user = s.scalar(select(User).where(User.email == email))
        if user is not None:
            s.expunge(user)
        return user


def test_admin_home_lists_staff_with_roles_and_assignments_and_no_tenant(app, session):
    people = builders.estate(session)
    text = text_of(_admin(app, people).get("/admin/staff?lang=en"))
    caretaker = people.caretaker.display_name
    assert caretaker in text and people.building.name in text and people.portfolio.name in text
    assert "Building caretaker" in text and "Data-protection officer" in text
    assert people.tenant.last_name not in text and people.tenant_account.email not in text
    assert "/admin/staff" in login(app.test_client(), people.admin.email, PASSWORD).headers["Location"]


def _dpo_approves(app, people, user_id: int) -> None:
    dpo = app.test_client()
    login(dpo, people.dpo.email, PASSWORD)
    assert dpo.post("/admin/approvals", data={"user_id": str(user_id)}).status_code == 302


def test_admin_creates_a_caretaker_who_then_sees_only_that_building(app, session, tmp_path):
    people = builders.estate(session)
    client = _admin(app, people)
    response = client.post("/admin/staff/new?lang=en", data={
        "email": "gardien.tilleuls@example.org", "display_name": "Gardien Les Tilleuls", "role": "caretaker",
        "buildings": [str(people.other_building.id)]})
    assert response.status_code == 302
    assert "Account created for Gardien Les Tilleuls" in text_of(client.get("/admin/staff?lang=en"))
    user = _user(app, "gardien.tilleuls@example.org")
    assert user.role == "caretaker" and user.password_hash is None
    mails = [m for m in read_outbox(Path(app.config["MAIL_OUTBOX"])) if m["To"] == "gardien.tilleuls@example.org"]
    assert mails and "/password/reset/" in mails[-1].get_content()
    entry = last_entry(app)
    assert entry.action == "staff_change" and entry.detail["before"] is None
    assert entry.detail["after"]["role"] == "caretaker"

    link = mails[-1].get_content().split("/password/reset/")[1].split()[0]
    assert app.test_client().post(f"/password/reset/{link}", data={
        "password": STRONG, "password_confirm": STRONG}).status_code == 302
    caretaker = app.test_client()
    login(caretaker, "gardien.tilleuls@example.org", STRONG)
    # Until the DPO approves the role (a second person), no tenant data.
    assert caretaker.get(f"/staff/tenants/{people.neighbour.id}").status_code == 403
    _dpo_approves(app, people, user.id)
    assert caretaker.get(f"/staff/tenants/{people.neighbour.id}").status_code == 200
    assert caretaker.get(f"/staff/tenants/{people.tenant.id}").status_code == 404


def test_new_account_form_says_what_is_wrong(app, session):
    people = builders.estate(session)
    client = _admin(app, people)
    response = client.post("/admin/staff/new?lang=en", data={"email": people.manager.email, "display_name": "X",
                                                              "role": "manager"})
    assert response.status_code == 422
    assert "An account already uses this e-mail address." in text_of(response)
    response = client.post("/admin/staff/new?lang=fr", data={"email": "pas-une-adresse", "display_name": "",
                                                              "role": "boss"})
    text = text_of(response)
    assert response.status_code == 422
    assert "Indiquez le nom de la personne." in text and "nom@exemple.fr" in text
    assert 'value="pas-une-adresse"' in response.get_data(as_text=True)  # nothing typed is lost


def test_changing_role_and_assignments_is_audited_and_takes_effect(app, session):
    people = builders.estate(session)
    north = builders.portfolio(session)
    elsewhere = builders.tenant(session, builders.building(session, portfolio_id=north.id))
    client = _admin(app, people)
    manager = people.manager
    staff = app.test_client()
    login(staff, manager.email, PASSWORD)
    assert staff.get(f"/staff/tenants/{elsewhere.id}").status_code == 404
    response = client.post(f"/admin/staff/{manager.id}?lang=en", data={
        "display_name": "Service gestion locative", "role": "manager", "enabled": "y",
        "portfolios": [str(north.id)]})
    assert response.status_code == 302
    entry = last_entry(app)
    assert entry.action == "staff_change"
    assert entry.detail["before"]["portfolios"] == [people.portfolio.id]
    assert entry.detail["after"]["portfolios"] == [north.id]
    assert staff.get(f"/staff/tenants/{elsewhere.id}").status_code == 403  # a wider scope waits for the DPO
    _dpo_approves(app, people, manager.id)
    assert staff.get(f"/staff/tenants/{elsewhere.id}").status_code == 200
    assert staff.get(f"/staff/tenants/{people.tenant.id}").status_code == 404


def test_disabling_an_account_ends_its_sessions(app, session):
    people = builders.estate(session)
    client = _admin(app, people)
    caretaker = people.caretaker
    staff = app.test_client()
    login(staff, caretaker.email, PASSWORD)
    assert staff.get("/staff/tenants").status_code == 200
    response = client.post(f"/admin/staff/{caretaker.id}", data={
        "display_name": caretaker.display_name, "role": "caretaker", "buildings": [str(people.building.id)]})
    assert response.status_code == 302
    assert staff.get("/staff/tenants").status_code == 302  # back to the login page
    assert app.test_client().post("/login", data={"email": caretaker.email,
                                                  "password": PASSWORD}).status_code == 200


def test_an_admin_cannot_lock_themselves_out(app, session):
    people = builders.estate(session)
    client = _admin(app, people)
    me = people.admin
    response = client.post(f"/admin/staff/{me.id}?lang=en", data={"display_name": "Administrateur",
                                                                   "role": "dpo", "enabled": "y"})
    assert response.status_code == 422
    assert "You cannot change your own role" in text_of(response)
    assert _user(app, me.email).role == "admin"


def test_a_tenant_account_is_not_editable_by_the_admin(app, session):
    people = builders.estate(session)
    assert _admin(app, people).get(f"/admin/staff/{people.tenant_account.id}").status_code == 404


def test_create_staff_command(app, runner, session):
    people = builders.estate(session)
    session.commit()
    ref = people.other_building.ref
    result = runner.invoke(args=["create-staff", "gardien.acacias@example.org", "--role", "caretaker",
                                 "--name", "Gardien Acacias", "--building", ref, "--password", STRONG])
    assert result.exit_code == 0, result.output
    assert f"Staff account created: gardien.acacias@example.org (caretaker, buildings {ref})" in result.output
    client = app.test_client()
    login(client, "gardien.acacias@example.org", STRONG)
    assert client.get(f"/staff/tenants/{people.neighbour.id}").status_code == 200
    assert client.get(f"/staff/tenants/{people.tenant.id}").status_code == 404


def test_create_staff_command_prompts_for_the_password_and_refuses_bad_input(app, runner, session):
    taken_email = builders.account(session, "dpo").email
    session.commit()
    result = runner.invoke(args=["create-staff", "--email", "dpo2@example.org", "--role", "dpo"],
                           input=f"{STRONG}\n{STRONG}\n")
    assert result.exit_code == 0, result.output
    assert _user(app, "dpo2@example.org").role == "dpo"
    bad = runner.invoke(args=["create-staff", "x@example.org", "--role", "caretaker", "--building", "BAT-NONE",
                              "--password", STRONG])
    assert bad.exit_code == 1 and "no building with the reference BAT-NONE" in bad.output
    weak = runner.invoke(args=["create-staff", "y@example.org", "--role", "manager", "--password", "azerty"])
    assert weak.exit_code == 1 and "password refused" in weak.output
    taken = runner.invoke(args=["create-staff", taken_email, "--role", "dpo", "--password", STRONG])
    assert taken.exit_code == 1 and "already uses" in taken.output
    assert _user(app, "x@example.org") is None and _user(app, "y@example.org") is None
    with db_session(app) as s:
        assert s.scalar(select(AuditEntry.detail).where(AuditEntry.action == "staff_change")
                        .order_by(AuditEntry.id.desc()).limit(1))["after"]["email"] == "dpo2@example.org"
