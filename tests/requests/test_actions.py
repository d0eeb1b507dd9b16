"""Staff and tenant steps through the pages: extension rules, asking for information
(the clock restarts), erasure with legal retention, restriction (banner, no change),
Art. 19 recipients, registration of a posted request, who may see what, e-mails in the
tenant's language, audit entries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal import access
from portal.models import AuditEntry, Letter, Note, PrivacyRequest, RecipientNotice, Restriction, Tenant
from portal.requests import answering
from portal.requests import types as request_types
from tests import builders
from tests.conftest import login
from tests.requests.helpers import file_request, load, mails_about, text


@pytest.fixture()
def people(dbs):
    """Who is who (tests/builders.estate), committed in the test's transaction; the
    tenant's phone is 01 43 56 78 90."""
    cast = builders.estate(dbs)
    cast.tenant.phone = "01 43 56 78 90"
    dbs.commit()
    return cast


def _file(client, people, **data) -> str:
    """The estate's tenant files a request through the form (tests/requests/helpers.file_request)."""
    return file_request(client, people.tenant_account.email, password=builders.PASSWORD, **data)


def _received(dbs, kind: str, received: date, ref: str, **extra) -> tuple[PrivacyRequest, str]:
    """A request of a new tenant (builders), and the e-mail the tenant logs in with."""
    tenant, account = builders.tenant_with_account(dbs)
    req = builders.request(dbs, tenant, kind=kind, received_on=received, ref=ref, **extra)
    dbs.commit()
    return req, account.email


def _as(client, who) -> None:
    """Log out whoever is logged in, log in `who` (a built account, or its e-mail)."""
    client.post("/logout")
    login(client, getattr(who, "email", who), builders.PASSWORD)


def _english(day: date) -> str:
    """A date as an English reader writes it ("Dec 5, 2026")."""
    return f"{day:%b} {day.day}, {day.year}"


# --- Extensions ---------------------------------------------------------------------

def test_extension_needs_a_reason_happens_once_and_the_tenant_is_told(app, client, dbs, people, today):
    reader, account = builders.tenant_with_account(dbs, preferred_language="en")
    account.language = "en"
    dbs.commit()
    ref = file_request(client, account.email, password=builders.PASSWORD, kind="access", details="Copy please.")
    _as(client, people.dpo)
    missing = client.post(f"/staff/requests/{ref}?lang=en", data={"action": "extend", "message": ""})
    assert missing.status_code == 400 and "Write a message." in text(missing)
    assert not load(dbs, ref).extended
    done = client.post(f"/staff/requests/{ref}", data={"action": "extend", "message": "Many archives to search."})
    assert done.status_code == 303
    req = load(dbs, ref)
    # Two more months on top of the first (Art. 12(3)): three months after today, moved
    # on to a working day at most.
    assert req.extended and 89 <= (req.due_on - today).days <= 95 and req.due_on.weekday() < 5
    again = client.post(f"/staff/requests/{ref}?lang=en", data={"action": "extend", "message": "Still more."})
    assert again.status_code == 409 and "already been extended once" in text(again)
    assert load(dbs, ref).extension_reason == "Many archives to search."
    # The tenant reads English: told in English, with the new date.
    bodies = [m.get_content() for m in mails_about(app, ref)]
    assert any("Your request needs more time" in b and _english(req.due_on) in b for b in bodies)
    assert dbs.scalar(select(Letter.kind).where(Letter.request_id == req.id)) == "extension"
    _as(client, account)
    page = text(client.get(f"/me/requests/{ref}?lang=en"))
    assert "Many archives to search." in page and "Deadline extended" in page


def test_extension_is_refused_once_the_first_month_has_run_out(client, dbs, people, today):
    _received(dbs, "access", date(2026, 1, 30), "DPR-TEST-EXT01")  # due 2 March 2026, long gone
    _as(client, people.dpo)
    page = text(client.get("/staff/requests/DPR-TEST-EXT01?lang=en"))
    assert "the deadline can no longer be extended" in page
    response = client.post("/staff/requests/DPR-TEST-EXT01?lang=fr", data={"action": "extend",
                                                                           "message": "Trop de travail."})
    assert response.status_code == 409
    assert "Le premier mois est écoulé" in text(response)
    req = load(dbs, "DPR-TEST-EXT01")
    assert not req.extended and req.due_on == date(2026, 3, 2)


def test_extension_on_the_last_day_of_the_first_month_is_still_possible(app, dbs, people):
    received = date(2026, 1, 30)  # first month ends Monday 2 March 2026 (28 Feb is a Saturday)
    req, _email = _received(dbs, "access", received, "DPR-TEST-EXT02")
    with app.app_context():
        actor = access.actor_for(dbs, people.dpo)
        with pytest.raises(request_types.ExtensionRefused):
            answering.act(dbs, req, actor, "extend", message="Complex.", today=date(2026, 3, 3),
                                 config=app.config)
        dbs.rollback()
        req = load(dbs, "DPR-TEST-EXT02")
        answering.act(dbs, req, actor, "extend", message="Complex.", today=date(2026, 3, 2),
                             config=app.config)
    assert req.due_on == date(2026, 4, 28)  # 28 Feb + 2 months


def test_manager_may_not_extend(client, dbs, people):
    ref = _file(client, people)
    login(client, people.manager.email, builders.PASSWORD)
    assert client.get(f"/staff/requests/{ref}").status_code == 200  # the manager processes this rectification
    response = client.post(f"/staff/requests/{ref}", data={"action": "extend", "message": "x"})
    assert response.status_code == 403 and not load(dbs, ref).extended


# --- Asking for information -------------------------------------------------------------

def test_clock_restarts_from_the_day_the_information_arrives(app, client, dbs, people, today):
    received = today - timedelta(days=20)
    first, tenant_email = _received(dbs, "access", received, "DPR-TEST-INFO1")
    first_due = first.due_on
    _as(client, people.dpo)
    asked = client.post("/staff/requests/DPR-TEST-INFO1", data={"action": "request_info", "info_kind": "identity",
                                                                 "message": "Merci de joindre une pièce d'identité."})
    assert asked.status_code == 303 and load(dbs, "DPR-TEST-INFO1").status == "waiting_info"
    _as(client, tenant_email)
    page = text(client.get("/me/requests/DPR-TEST-INFO1"))
    assert "Merci de joindre une pièce d&#39;identité." in page and "Envoyer les informations demandées" in page
    sent = client.post("/me/requests/DPR-TEST-INFO1", data={"action": "provide_info", "message": "Pièce jointe envoyée."})
    assert sent.status_code == 302
    req = load(dbs, "DPR-TEST-INFO1")
    assert req.status == "in_progress" and req.clock_start == today
    # A month from today, moved on to a working day at most; later than the first due date.
    assert 28 <= (req.due_on - today).days <= 34 and req.due_on > first_due
    assert "Informations envoyées" in text(client.get("/me/requests/DPR-TEST-INFO1"))
    bodies = [m.get_content() for m in mails_about(app, "DPR-TEST-INFO1")]
    assert any("Nous avons besoin d'informations complémentaires" in b for b in bodies)
    assert any(req.due_on.strftime("%d/%m/%Y") in b for b in bodies)


def test_tenant_can_withdraw_and_staff_can_do_nothing_more(client, dbs, people):
    ref = _file(client, people, kind="access", details="")
    login(client, people.tenant_account.email, builders.PASSWORD)
    assert client.post(f"/me/requests/{ref}", data={"action": "withdraw"}).status_code == 302
    assert load(dbs, ref).status == "withdrawn"
    assert "Retirée" in text(client.get("/me/requests"))
    _as(client, people.dpo)
    assert client.post(f"/staff/requests/{ref}", data={"action": "grant"}).status_code == 409


# --- What a granted request changes ------------------------------------------------------

def test_granted_erasure_removes_notes_and_says_what_the_law_keeps(client, dbs, people):
    someone = people.tenant
    builders.full_file(dbs, someone)  # a payment among the rest
    notes = [builders.note(dbs, someone, "Appel du locataire au sujet du digicode.").id,
             builders.note(dbs, someone, "Visite de courtoisie en mars.").id]
    dbs.commit()
    ref = _file(client, people, kind="erasure", targets=[f"notes:{notes[0]}", "payments"], details="")
    _as(client, people.dpo)
    done = client.post(f"/staff/requests/{ref}?lang=en", data={"action": "grant", "message": "Done."})
    assert done.status_code == 303
    dbs.expire_all()
    left = set(dbs.scalars(select(Note.body).where(Note.tenant_id == someone.id)))
    assert "Appel du locataire au sujet du digicode." not in left and "Visite de courtoisie en mars." in left
    req = load(dbs, ref)
    # Payments are kept under a legal obligation (Art. 17(3)(b)): the grant is a partial one.
    assert req.outcome == "partly_granted" and req.refusal_reason == "legal_obligation"
    assert "Notes" in req.answer and "10 ans" in req.answer
    _as(client, people.tenant_account)
    page = text(client.get(f"/me/requests/{ref}?lang=fr"))
    assert "Conservé parce qu&#39;une durée de conservation légale s&#39;applique" in page
    assert "Pièces comptables 10 ans" in page


def test_granted_restriction_shows_a_banner_and_blocks_changes(client, dbs, people):
    ref = _file(client, people, kind="restriction", targets=["contact"], details="Le temps de vérifier.")
    _as(client, people.dpo)
    assert client.post(f"/staff/requests/{ref}", data={"action": "grant", "message": "Limité."}).status_code == 303
    assert dbs.scalar(select(Restriction.category_key).where(Restriction.tenant_id == people.tenant.id,
                                                             Restriction.active.is_(True))) == "contact"
    # A rectification of restricted data cannot be granted until the restriction is lifted.
    fix = _file(client, people, proposed_value="01 99 99 99 99")
    _as(client, people.dpo)
    blocked = client.post(f"/staff/requests/{fix}?lang=en", data={"action": "grant", "message": "ok"})
    assert blocked.status_code == 409 and "restricted (Art. 18)" in text(blocked)
    assert "Restricted data (Art. 18)" in text(client.get(f"/staff/requests/{fix}?lang=en"))
    dbs.expire_all()
    assert dbs.get(Tenant, people.tenant.id).phone == "01 43 56 78 90"
    restriction = dbs.scalar(select(Restriction.id).where(Restriction.tenant_id == people.tenant.id))
    lifted = client.post(f"/staff/requests/{ref}", data={"action": "lift_restriction",
                                                          "restriction_id": str(restriction)})
    assert lifted.status_code == 303
    # Art. 18(3): lifting is announced first; it takes effect once the notice period is over.
    from portal.requests.rights import apply_due_lifts
    lift_on = dbs.get(Restriction, restriction).lift_on
    apply_due_lifts(dbs, lift_on)
    dbs.commit()
    assert client.post(f"/staff/requests/{fix}", data={"action": "grant"}).status_code == 303
    dbs.expire_all()
    assert dbs.get(Tenant, people.tenant.id).phone == "01 99 99 99 99"


def test_art19_recipients_are_listed_and_ticked_off(client, dbs, people):
    ref = _file(client, people)
    _as(client, people.dpo)
    client.post(f"/staff/requests/{ref}", data={"action": "grant"})
    req = load(dbs, ref)
    notices = dbs.scalars(select(RecipientNotice).where(RecipientNotice.request_id == req.id)).all()
    assert notices and all(n.notified_at is None for n in notices)
    page = text(client.get(f"/staff/requests/{ref}?lang=en"))
    assert "Recipients to tell (Art. 19)" in page
    assert "Entreprises intervenant sur un bon de travaux en cours" in page  # the catalogue's Art. 19 list for contact
    assert client.post(f"/staff/requests/{ref}", data={"action": "notify_recipient",
                                                        "notice_id": str(notices[0].id)}).status_code == 303
    dbs.expire_all()
    assert dbs.get(RecipientNotice, notices[0].id).notified_at is not None
    _as(client, people.tenant_account)
    assert "Informé le" in text(client.get(f"/me/requests/{ref}?lang=fr"))


# --- Registration -----------------------------------------------------------------------

def test_staff_register_a_posted_request_with_receipt_date_and_identity_check(app, client, dbs, people, today):
    writer = builders.tenant(dbs, tenant_number="REG-000202")
    builders.request(dbs, writer, kind="access", received_on=today - timedelta(days=40))  # still open
    dbs.commit()
    _as(client, people.dpo)
    received = today - timedelta(days=3)
    missing_note = client.post("/staff/requests/register?lang=en", data={
        "tenant_number": "REG-000202", "kind": "access", "channel": "post", "received_on": received.isoformat(),
        "identity_verified": "y", "identity_note": ""})
    assert missing_note.status_code == 400 and "Say how the identity was checked." in text(missing_note)
    future = client.post("/staff/requests/register?lang=en", data={
        "tenant_number": "REG-000202", "kind": "access", "channel": "post",
        "received_on": (today + timedelta(days=2)).isoformat()})
    assert future.status_code == 400 and "between 1900 and today" in text(future)
    unknown = client.post("/staff/requests/register?lang=en", data={"tenant_number": "REG-999999", "kind": "access",
                                                                    "received_on": received.isoformat()})
    assert unknown.status_code == 400 and "No tenant with this number" in text(unknown)
    done = client.post("/staff/requests/register", data={
        "tenant_number": "REG-000202", "kind": "access", "channel": "post", "received_on": received.isoformat(),
        "details": "Lettre reçue.", "identity_verified": "y", "identity_note": "Signature conforme au bail."})
    assert done.status_code == 303
    ref = done.headers["Location"].rsplit("/", 1)[1]
    req = load(dbs, ref)
    assert (req.channel, req.received_on, req.identity_verified) == ("post", received, True)
    assert req.due_on - received >= timedelta(days=28) and req.clock_start == received
    assert req.tenant_id == writer.id and req.is_repeat  # the same kind is still open
    assert dbs.scalar(select(AuditEntry.action).where(AuditEntry.request_ref == ref)) == "register_request"
    unchecked = client.post("/staff/requests/register", data={
        "tenant_number": "REG-000202", "kind": "objection", "channel": "email", "received_on": received.isoformat(),
        "details": "Je m'oppose."})
    assert unchecked.status_code == 303
    queue = text(client.get("/staff/requests?lang=en"))
    assert "Identity to check" in queue and "Repeated request" in queue


# --- Who may see what ------------------------------------------------------------------

def test_staff_outside_scope_get_404_and_others_403(client, dbs, people):
    outsider, _ = builders.outsider(dbs)
    builders.request(dbs, people.tenant, kind="rectification", ref="DPR-TEST-RECT")
    builders.request(dbs, people.neighbour, kind="erasure", ref="DPR-TEST-ERAS")
    builders.request(dbs, outsider, kind="rectification", ref="DPR-TEST-AWAY")
    dbs.commit()
    _as(client, people.manager)
    assert client.get("/staff/requests/DPR-TEST-ERAS").status_code == 404  # erasure: DPO only
    assert client.get("/staff/requests/DPR-TEST-AWAY").status_code == 404  # another portfolio
    assert client.get("/staff/requests/DPR-NOPE-0000").status_code == 404
    queue = text(client.get("/staff/requests?status=all"))
    assert "DPR-TEST-RECT" in queue and "DPR-TEST-ERAS" not in queue and "DPR-TEST-AWAY" not in queue
    assert client.get("/staff/requests/DPR-TEST-RECT").status_code == 200
    _as(client, people.caretaker)
    assert client.get("/staff/requests").status_code == 403
    assert client.get("/staff/requests/DPR-TEST-RECT").status_code == 403
    _as(client, people.tenant_account)
    assert client.get("/staff/requests").status_code == 403
    assert client.get("/me/requests/DPR-TEST-RECT").status_code == 200
    assert client.get("/me/requests/DPR-TEST-ERAS").status_code == 404  # the neighbour's


def test_opening_a_request_records_the_read_with_its_purpose(client, dbs, people):
    builders.full_file(dbs, people.tenant)
    builders.request(dbs, people.tenant, kind="rectification", ref="DPR-TEST-READ")
    dbs.commit()
    _as(client, people.dpo)
    client.get("/staff/requests/DPR-TEST-READ")
    entry = dbs.scalar(select(AuditEntry).where(AuditEntry.request_ref == "DPR-TEST-READ",
                                                AuditEntry.action == "read").order_by(AuditEntry.id.desc()))
    assert entry.purpose == "Traitement de la demande DPR-TEST-READ"
    assert entry.detail == {"purpose_key": "request_processing"}
    assert "contact" in entry.categories and "notes" in entry.categories
    client.post("/staff/requests/DPR-TEST-READ", data={"action": "assign"})
    assert dbs.scalar(select(AuditEntry.action).where(AuditEntry.request_ref == "DPR-TEST-READ")
                      .order_by(AuditEntry.id.desc())) == "assign"


def test_queue_filters_and_counts(client, dbs, people):
    # Received long ago, so due before every other request: first in the queue's order.
    early = {"received_on": date(2025, 1, 6)}
    builders.request(dbs, people.tenant, kind="erasure", ref="DPR-TEST-ERAS", **early)
    builders.request(dbs, people.tenant, kind="rectification", status="in_progress", ref="DPR-TEST-MINE",
                     assigned_to_id=people.dpo.id, **early)
    builders.request(dbs, people.neighbour, kind="access", status="closed", ref="DPR-TEST-DONE", **early)
    builders.request(dbs, people.neighbour, kind="objection", ref="DPR-TEST-FREE", **early)
    dbs.commit()
    _as(client, people.dpo)
    page = text(client.get("/staff/requests?kind=erasure&lang=en"))
    assert "DPR-TEST-ERAS" in page and "DPR-TEST-MINE" not in page
    page = text(client.get("/staff/requests?status=closed&lang=en"))
    assert "DPR-TEST-DONE" in page and "DPR-TEST-FREE" not in page
    page = text(client.get("/staff/requests?assignee=none&lang=en"))
    assert "DPR-TEST-FREE" in page and "DPR-TEST-MINE" not in page
    page = text(client.get("/staff/requests?status=bogus&kind=nothing&assignee=x&page=-3"))
    assert "DPR-TEST-FREE" in page


def test_pages_in_both_languages(client, dbs, people):
    builders.request(dbs, people.tenant, kind="rectification", ref="DPR-TEST-LANG")
    dbs.commit()
    _as(client, people.tenant_account)
    fr = text(client.get("/me/requests/new?lang=fr"))
    en = text(client.get("/me/requests/new?lang=en"))
    assert "Que souhaitez-vous faire ?" in fr and "What do you want to do?" in en
    assert "Obtenir une copie de tout ce que nous détenons" in fr
    assert "Historique" in text(client.get("/me/requests/DPR-TEST-LANG?lang=fr"))
    assert "History" in text(client.get("/me/requests/DPR-TEST-LANG?lang=en"))
    _as(client, people.dpo)
    assert "Demandes relatives aux données" in text(client.get("/staff/requests?lang=fr"))
    assert "Privacy requests" in text(client.get("/staff/requests?lang=en"))
    assert "Traiter la demande" in text(client.get("/staff/requests/DPR-TEST-LANG?lang=fr"))
