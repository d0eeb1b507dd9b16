"""The clock as the EDPB reads it (Guidelines 01/2022): a request for information about the
requester's identity stops the clock until the answer, which restarts the full month; a
request for clarification does not move the due date. Staff may record an answer received
by post or at the desk. The queue, the tenant's page and the e-mails agree."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal import deadlines
from portal.formatting import fmt_date
from portal.models import PrivacyRequest, Tenant
from tests.conftest import login
from tests.requests.helpers import CAMILLE, DPO, load, mails_about, switch, text


def _received(dbs, received, ref: str, who: str = CAMILLE, **extra) -> PrivacyRequest:
    tenant = dbs.scalar(select(Tenant).where(Tenant.email == who))
    req = PrivacyRequest(ref=ref, tenant_id=tenant.id, kind="access", status="received", received_on=received,
                         clock_start=received, due_on=deadlines.due_date(received), **extra)
    dbs.add(req)
    dbs.commit()
    return req


def _queue_row(client, ref: str) -> str:
    page = text(client.get("/staff/requests?status=open&overdue=1"))
    return ref in page


def test_clarification_keeps_the_due_date_and_the_request_can_still_be_overdue(app, client, dbs, today):
    received = today - timedelta(days=40)  # already past its month
    _received(dbs, received, "DPR-TEST-CLAR1")
    due = deadlines.due_date(received)
    login(client, DPO)
    asked = client.post("/staff/requests/DPR-TEST-CLAR1", data={
        "action": "request_info", "info_kind": "clarification", "message": "Quelle période vous intéresse ?"})
    assert asked.status_code == 303
    req = load(dbs, "DPR-TEST-CLAR1")
    assert req.status == "waiting_info" and req.info_kind == "clarification" and req.due_on == due
    # The queue still counts it as overdue: asking to clarify does not stop the clock.
    assert _queue_row(client, "DPR-TEST-CLAR1")
    staff_page = text(client.get("/staff/requests/DPR-TEST-CLAR1"))
    assert "En retard de" in staff_page  # the clock runs: past its month, it is late
    switch(client, CAMILLE)
    page = text(client.get("/me/requests/DPR-TEST-CLAR1"))
    assert f"nous vous répondrons au plus tard le {fmt_date(due, 'fr')}" in page
    assert "En retard" in page
    client.post("/me/requests/DPR-TEST-CLAR1", data={"action": "provide_info", "message": "Les deux dernières années."})
    req = load(dbs, "DPR-TEST-CLAR1")
    assert req.status == "in_progress" and req.due_on == due and req.clock_start == received
    bodies = [m.get_content() for m in mails_about(app, "DPR-TEST-CLAR1")]
    assert any("précisiez votre demande" in b and fmt_date(due, "fr") in b for b in bodies)


def test_identity_stops_the_clock_and_the_queue_and_the_tenant_page_say_so(app, client, dbs, today):
    received = today - timedelta(days=40)
    _received(dbs, received, "DPR-TEST-IDEN1")
    login(client, DPO)
    client.post("/staff/requests/DPR-TEST-IDEN1?lang=en", data={
        "action": "request_info", "info_kind": "identity", "message": "Please send a copy of your ID."})
    req = load(dbs, "DPR-TEST-IDEN1")
    assert req.status == "waiting_info" and req.info_kind == "identity"
    assert not _queue_row(client, "DPR-TEST-IDEN1")  # not overdue: the clock is stopped
    assert "Clock stopped" in text(client.get("/staff/requests/DPR-TEST-IDEN1"))
    switch(client, CAMILLE)
    page = text(client.get("/me/requests/DPR-TEST-IDEN1?lang=en"))
    assert "The time to answer starts again when we receive the information" in page and "Overdue" not in page


def test_staff_record_an_identity_answer_received_by_post_and_the_month_runs_from_that_day(app, client, dbs, today):
    received = today - timedelta(days=20)
    arrived = today - timedelta(days=2)
    _received(dbs, received, "DPR-TEST-POST1")
    login(client, DPO)
    client.post("/staff/requests/DPR-TEST-POST1", data={
        "action": "request_info", "info_kind": "identity", "message": "Merci d'envoyer une pièce d'identité."})
    recorded = client.post("/staff/requests/DPR-TEST-POST1", data={
        "action": "record_info", "received_on": arrived.isoformat(), "message": "Copie de la carte d'identité reçue par courrier."})
    assert recorded.status_code == 303
    req = load(dbs, "DPR-TEST-POST1")
    assert req.status == "in_progress" and req.clock_start == arrived
    assert req.due_on == deadlines.due_date(arrived)
    page = text(client.get("/staff/requests/DPR-TEST-POST1"))
    assert "Informations reçues par courrier ou à l&#39;accueil" in page
    switch(client, CAMILLE)
    mine = text(client.get("/me/requests/DPR-TEST-POST1"))
    assert fmt_date(req.due_on, "fr") in mine and "Copie de la carte d&#39;identité" in mine
    bodies = [m.get_content() for m in mails_about(app, "DPR-TEST-POST1")]
    assert any(fmt_date(req.due_on, "fr") in b and "Nous avons bien reçu" in b for b in bodies)


def test_recording_an_answer_with_a_bad_or_future_date_saves_nothing(client, dbs, today):
    _received(dbs, today - timedelta(days=5), "DPR-TEST-POST2")
    login(client, DPO)
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
    login(client, DPO)
    bad = client.post("/staff/requests/DPR-TEST-KIND1", data={"action": "request_info", "info_kind": "whim",
                                                              "message": "?"})
    assert bad.status_code == 400 and load(dbs, "DPR-TEST-KIND1").status == "received"
    client.post("/staff/requests/DPR-TEST-KIND1", data={"action": "request_info", "message": "Précisez."})
    client.post("/staff/requests/DPR-TEST-KIND2", data={"action": "request_info", "message": "Identité ?"})
    assert load(dbs, "DPR-TEST-KIND1").info_kind == "clarification"
    assert load(dbs, "DPR-TEST-KIND2").info_kind == "identity"


def test_the_letters_say_whether_the_clock_stops(app, client, dbs, today):
    from portal.models import Letter
    from tests.documents._pdftext import pdf_text, squash

    _received(dbs, today - timedelta(days=3), "DPR-TEST-LET1")
    _received(dbs, today - timedelta(days=3), "DPR-TEST-LET2")
    login(client, DPO)
    client.post("/staff/requests/DPR-TEST-LET1", data={"action": "request_info", "info_kind": "clarification",
                                                         "message": "Quelle période ?"})
    client.post("/staff/requests/DPR-TEST-LET2", data={"action": "request_info", "info_kind": "identity",
                                                         "message": "Pièce d'identité ?"})

    def letter(ref: str) -> str:
        req = load(dbs, ref)
        return squash(pdf_text(dbs.scalars(select(Letter.pdf).where(Letter.request_id == req.id)).first()))

    clarification, identity = letter("DPR-TEST-LET1"), letter("DPR-TEST-LET2")
    due = fmt_date(load(dbs, "DPR-TEST-LET1").due_on, "fr")
    assert squash("Cette question ne change pas la date") in clarification and squash(due) in clarification
    assert squash("à compter du jour où nous les recevons") in identity or "12(6)" in identity
    assert squash("Cette question ne change pas la date") not in identity
