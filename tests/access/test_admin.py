"""Administration: staff accounts, roles, assignments (pages and `portal create-staff`).
Each change is audited with its before and after; the administrator sees no tenant data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from portal.models import AuditEntry, User
from portal.mail import read_outbox
from tests.access.helpers import db_session, last_entry, tenant_id, text_of
from tests.conftest import login

STRONG = "Vert-Sapin-42-Lumiere!"


def _admin(app):
    client = app.test_client()
    login(client, "admin@example.org")
    return client


def _user(app, email):
    with db_session(app) as s:
        user = s.scalar(select(User).where(User.email == email))
        if user is not None:
            s.expunge(user)
        return user


def _building_id(app, ref):
    from portal.models import Building
    with db_session(app) as s:
        return s.scalar(select(Building.id).where(Building.ref == ref))


def test_admin_home_lists_staff_with_roles_and_assignments_and_no_tenant(app):
    text = text_of(_admin(app).get("/admin/staff?lang=en"))
    assert "Gardien Les Lilas" in text and "Résidence Les Lilas" in text and "Paris Est" in text
    assert "Building caretaker" in text and "Data-protection officer" in text
    assert "Camille" not in text and "Martin" not in text
    assert "/admin/staff" in login(app.test_client(), "admin@example.org").headers["Location"]


def _dpo_approves(app, user_id: int) -> None:
    dpo = app.test_client()
    login(dpo, "dpo@example.org")
    assert dpo.post("/admin/approvals", data={"user_id": str(user_id)}).status_code == 302


def test_admin_creates_a_caretaker_who_then_sees_only_that_building(app, tmp_path):
    client = _admin(app)
    response = client.post("/admin/staff/new?lang=en", data={
        "email": "gardien.tilleuls@example.org", "display_name": "Gardien Les Tilleuls", "role": "caretaker",
        "buildings": [str(_building_id(app, "BAT-TILLEULS"))]})
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
    assert caretaker.get(f"/staff/tenants/{tenant_id(app, 'LOC-000202')}").status_code == 403
    _dpo_approves(app, user.id)
    assert caretaker.get(f"/staff/tenants/{tenant_id(app, 'LOC-000202')}").status_code == 200
    assert caretaker.get(f"/staff/tenants/{tenant_id(app, 'LOC-000101')}").status_code == 404


def test_new_account_form_says_what_is_wrong(app):
    client = _admin(app)
    response = client.post("/admin/staff/new?lang=en", data={"email": "gestion@example.org", "display_name": "X",
                                                              "role": "manager"})
    assert response.status_code == 422
    assert "An account already uses this e-mail address." in text_of(response)
    response = client.post("/admin/staff/new?lang=fr", data={"email": "pas-une-adresse", "display_name": "",
                                                              "role": "boss"})
    text = text_of(response)
    assert response.status_code == 422
    assert "Indiquez le nom de la personne." in text and "nom@exemple.fr" in text
    assert 'value="pas-une-adresse"' in response.get_data(as_text=True)  # nothing typed is lost


def test_changing_role_and_assignments_is_audited_and_takes_effect(app):
    client = _admin(app)
    manager = _user(app, "gestion@example.org")
    north = None
    from portal.models import Portfolio
    with db_session(app) as s:
        north = s.scalar(select(Portfolio.id).where(Portfolio.code == "P-NORD"))
    staff = app.test_client()
    login(staff, "gestion@example.org")
    amina = tenant_id(app, "LOC-000305")
    assert staff.get(f"/staff/tenants/{amina}").status_code == 404
    response = client.post(f"/admin/staff/{manager.id}?lang=en", data={
        "display_name": "Service gestion locative", "role": "manager", "enabled": "y", "portfolios": [str(north)]})
    assert response.status_code == 302
    entry = last_entry(app)
    assert entry.action == "staff_change"
    assert entry.detail["before"]["portfolios"] != entry.detail["after"]["portfolios"] == [north]
    assert staff.get(f"/staff/tenants/{amina}").status_code == 403  # a wider scope waits for the DPO
    _dpo_approves(app, manager.id)
    assert staff.get(f"/staff/tenants/{amina}").status_code == 200
    assert staff.get(f"/staff/tenants/{tenant_id(app, 'LOC-000101')}").status_code == 404


def test_disabling_an_account_ends_its_sessions(app):
    client = _admin(app)
    caretaker = _user(app, "gardien.lilas@example.org")
    staff = app.test_client()
    login(staff, "gardien.lilas@example.org")
    response = client.post(f"/admin/staff/{caretaker.id}", data={
        "display_name": caretaker.display_name, "role": "caretaker",
        "buildings": [str(_building_id(app, "BAT-LILAS"))]})
    assert response.status_code == 302
    assert staff.get("/staff/tenants").status_code == 302  # back to the login page
    assert app.test_client().post("/login", data={"email": "gardien.lilas@example.org",
                                                  "password": "demo-portal-2026"}).status_code == 200


def test_an_admin_cannot_lock_themselves_out(app):
    client = _admin(app)
    me = _user(app, "admin@example.org")
    response = client.post(f"/admin/staff/{me.id}?lang=en", data={"display_name": "Administrateur",
                                                                   "role": "dpo", "enabled": "y"})
    assert response.status_code == 422
    assert "You cannot change your own role" in text_of(response)
    assert _user(app, "admin@example.org").role == "admin"


def test_a_tenant_account_is_not_editable_by_the_admin(app):
    camille = _user(app, "camille.martin@example.org")
    assert _admin(app).get(f"/admin/staff/{camille.id}").status_code == 404


def test_create_staff_command(app, runner):
    result = runner.invoke(args=["create-staff", "gardien.acacias@example.org", "--role", "caretaker",
                                 "--name", "Gardien Acacias", "--building", "BAT-ACACIAS", "--password", STRONG])
    assert result.exit_code == 0, result.output
    assert "Staff account created: gardien.acacias@example.org (caretaker, buildings BAT-ACACIAS)" in result.output
    client = app.test_client()
    login(client, "gardien.acacias@example.org", STRONG)
    assert client.get(f"/staff/tenants/{tenant_id(app, 'LOC-000305')}").status_code == 200
    assert client.get(f"/staff/tenants/{tenant_id(app, 'LOC-000101')}").status_code == 404


def test_create_staff_command_prompts_for_the_password_and_refuses_bad_input(app, runner):
    result = runner.invoke(args=["create-staff", "--email", "dpo2@example.org", "--role", "dpo"],
                           input=f"{STRONG}\n{STRONG}\n")
    assert result.exit_code == 0, result.output
    assert _user(app, "dpo2@example.org").role == "dpo"
    bad = runner.invoke(args=["create-staff", "x@example.org", "--role", "caretaker", "--building", "BAT-NONE",
                              "--password", STRONG])
    assert bad.exit_code == 1 and "no building with the reference BAT-NONE" in bad.output
    weak = runner.invoke(args=["create-staff", "y@example.org", "--role", "manager", "--password", "azerty"])
    assert weak.exit_code == 1 and "password refused" in weak.output
    taken = runner.invoke(args=["create-staff", "dpo@example.org", "--role", "dpo", "--password", STRONG])
    assert taken.exit_code == 1 and "already uses" in taken.output
    assert _user(app, "x@example.org") is None and _user(app, "y@example.org") is None
    with db_session(app) as s:
        assert s.scalar(select(AuditEntry.detail).where(AuditEntry.action == "staff_change")
                        .order_by(AuditEntry.id.desc()).limit(1))["after"]["email"] == "dpo2@example.org"
