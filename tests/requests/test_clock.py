"""The clock as the EDPB reads it (Guidelines 01/2022): a request for information about the
requester's identity stops the clock until the answer, which restarts the full month; a
request for clarification does not move the due date. Staff may record an answer received
by post or at the desk. The queue, the tenant's page and the e-mails agree."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.models import PrivacyRequest
from tests import builders
from tests.conftest import login
from tests.requests.helpers import load, mails_about, text

# Received on Saturday 31 January 2026: a month later is 28 February, a Saturday, so the
# answer is due on Monday 2 March 2026 (tests/domain/test_deadlines.py).
RECEIVED, DUE = date(2026, 1, 31), "02/03/2026"


def _received(dbs, received, ref: str, **extra) -> tuple[PrivacyRequest, str]:
    """A request of a new tenant, and the e-mail the tenant logs in with."""
    tenant, account = builders.tenant_with_account(dbs)
    req = builders.request(dbs, tenant, received_on=received, ref=ref, **extra)
    dbs.commit()
    return req, account.email


def _staff(client, dbs) -> None:
    dpo = builders.account(dbs, "dpo")
    dbs.commit()
    login(client, dpo.email, builders.PASSWORD)


def _as(client, email: str) -> None:
    client.post("/logout")
    login(client, email, builders.PASSWORD)


def _queue_row(client, ref: str) -> str:
    page = text(client.get("/staff/requests?status=open&overdue=1"))
    return ref in page


def test_clarification_keeps_the_due_date_and_the_request_can_still_be_overdue(app, client, dbs):
    _req, tenant_email = _received(dbs, RECEIVED, "DPR-TEST-CLAR1")  # long past its month
    _staff(client, dbs)
    asked = client.post("/staff/requests/DPR-TEST-CLAR1", data={
        "action": "request_info", "info_kind": "clarification", "message": "Quelle période vous intéresse ?"})
    assert asked.status_code == 303
    req = load(dbs, "DPR-TEST-CLAR1")
    assert req.status == "waiting_info" and req.info_kind == "clarification" and req.due_on == date(2026, 3, 2)
    # The queue still counts it as overdue: asking to clarify does not stop the clock.
    assert _queue_row(client, "DPR-TEST-CLAR1")
    staff_page = text(client.get("/staff/requests/DPR-TEST-CLAR1"))
    assert "En retard de" in staff_page  # the clock runs: past its month, it is late
    _as(client, tenant_email)
    page = text(client.get("/me/requests/DPR-TEST-CLAR1"))
    assert f"nous vous répondrons au plus tard le {DUE}" in page
    assert "En retard" in page
    client.post("/me/requests/DPR-TEST-CLAR1", data={"action": "provide_info", "message": "Les deux dernières années."})
    req = load(dbs, "DPR-TEST-CLAR1")
    assert req.status == "in_progress" and req.due_on == date(2026, 3, 2) and req.clock_start == RECEIVED
    bodies = [m.get_content() for m in mails_about(app, "DPR-TEST-CLAR1")]
    assert any("précisiez votre demande" in b and DUE in b for b in bodies)


def test_identity_stops_the_clock_and_the_queue_and_the_tenant_page_say_so(app, client, dbs, today):
    _req, tenant_email = _received(dbs, today - timedelta(days=40), "DPR-TEST-IDEN1")
    _staff(client, dbs)
    client.post("/staff/requests/DPR-TEST-IDEN1?lang=en", data={
        "action": "request_info", "info_kind": "identity", "message": "Please send a copy of your ID."})
    req = load(dbs, "DPR-TEST-IDEN1")
    assert req.status == "waiting_info" and req.info_kind == "identity"
    assert not _queue_row(client, "DPR-TEST-IDEN1")  # not overdue: the clock is stopped
    assert "Clock stopped" in text(client.get("/staff/requests/DPR-TEST-IDEN1"))
    _as(client, tenant_email)
    page = text(client.get("/me/requests/DPR-TEST-IDEN1?lang=en"))
    assert "The time to answer starts again when we receive the information" in page and "Overdue" not in page


def test_staff_record_an_identity_answer_received_by_post_and_the_month_runs_from_that_day(app, client, dbs, today):
    received = today - timedelta(days=20)
    arrived = today - timedelta(days=2)
    _req, tenant_email = _received(dbs, received, "DPR-TEST-POST1")
    first_due = _req.due_on
    _staff(client, dbs)
    client.post("/staff/requests/DPR-TEST-POST1", data={
        "action": "request_info", "info_kind": "identity", "message": "Merci d'envoyer une pièce d'identité."})
    recorded = client.post("/staff/requests/DPR-TEST-POST1", data={
        "action": "record_info", "received_on": arrived.isoformat(), "message": "Copie de la carte d'identité reçue par courrier."})
    assert recorded.status_code == 303
    req = load(dbs, "DPR-TEST-POST1")
    assert req.status == "in_progress" and req.clock_start == arrived
    # The month runs again from the arrival (a day that depends on today: the form refuses
    # dates more than a year ago): a month after it, moved on to a working day at most.
    assert req.due_on > first_due
    assert 28 <= (req.due_on - arrived).days <= 34 and req.due_on.weekday() < 5
    page = text(client.get("/staff/requests/DPR-TEST-POST1"))
    assert "Informations reçues par courrier ou à l&#39;accueil" in page
    _as(client, tenant_email)
    mine = text(client.get("/me/requests/DPR-TEST-POST1"))
    shown = req.due_on.strftime("%d/%m/%Y")  # the French date as a reader writes it
    assert shown in mine and "Copie de la carte d&#39;identité" in mine
    bodies = [m.get_content() for m in mails_about(app, "DPR-TEST-POST1")]
    assert any(shown in b and "Nous avons bien reçu" in b for b in bodies)


def test_recording_an_answer_with_a_bad_or_future_date_saves_nothing(client, dbs, today):
    _received(dbs, today - timedelta(days=5), "DPR-TEST-POST2")
    _staff(client, dbs)
    client.post("/staff/requests/DPR-TEST-POST2", data={
        "action": "request_info", "info_kind": "identity", "message": "Pièce d'identité ?"})
    for bad in ("31/02/2026", (today + timedelta(days=3)).isoformat()):
        response = client.post("/staff/requests/DPR-TEST-POST2?lang=en", data={
            "action": "record_info", "received_on": bad, "message": "Reçu."})
        assert response.status_code == 400
        assert load(dbs, "DPR-TEST-POST2").status == "waiting_info"


def test_an_unknown_info_kind_is_refused_and_the_default_follows_the_identity_check(client, dbs, today):
    _received(dbs, today - timedelta(days=5), "DPR-TEST-KIND1")
    _received(dbs, today - timedelta(days=5), "DPR-TEST-KIND2", identity_verified=False)
    _staff(client, dbs)
    bad = client.post("/staff/requests/DPR-TEST-KIND1", data={"action": "request_info", "info_kind": "whim",
                                                              "message": "?"})
    assert bad.status_code == 400 and load(dbs, "DPR-TEST-KIND1").status == "received"
    client.post("/staff/requests/DPR-TEST-KIND1", data={"action": "request_info", "message": "Précisez."})
    client.post("/staff/requests/DPR-TEST-KIND2", data={"action": "request_info", "message": "Identité ?"})
    assert load(dbs, "DPR-TEST-KIND1").info_kind == "clarification"
    assert load(dbs, "DPR-TEST-KIND2").info_kind == "identity"


def test_the_letters_say_whether_the_clock_stops(app, client, dbs):
    from portal.models import Letter
    from tests.documents._pdftext import pdf_text, squash

    _received(dbs, RECEIVED, "DPR-TEST-LET1")
    _received(dbs, RECEIVED, "DPR-TEST-LET2")
    _staff(client, dbs)
    client.post("/staff/requests/DPR-TEST-LET1", data={"action": "request_info", "info_kind": "clarification",
                                                         "message": "Quelle période ?"})
    client.post("/staff/requests/DPR-TEST-LET2", data={"action": "request_info", "info_kind": "identity",
                                                         "message": "Pièce d'identité ?"})

    def letter(ref: str) -> str:
        req = load(dbs, ref)
        return squash(pdf_text(dbs.scalars(select(Letter.pdf).where(Letter.request_id == req.id)).first()))

    clarification, identity = letter("DPR-TEST-LET1"), letter("DPR-TEST-LET2")
    assert squash("Cette question ne change pas la date") in clarification and squash(DUE) in clarification
    assert squash("à compter du jour où nous les recevons") in identity or "12(6)" in identity
    assert squash("Cette question ne change pas la date") not in identity
