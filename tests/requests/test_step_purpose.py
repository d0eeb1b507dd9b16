"""A staff step on a request (assigning, answering, extending…) is logged with its purpose
stored as a key and the request's reference, like a read of the file made for that
request: each reader sees it in their own language. Entries written before (French text,
no key) read the same way."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit import chain as audit
from portal.models import AuditEntry
from tests import builders
from tests.conftest import login


def _text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_step_stores_the_purpose_key_and_reads_in_each_language(client, session):
    someone, account = builders.tenant_with_account(session, tenant_number="TEST-STEP-0001",
                                                    preferred_language="en")
    req = builders.request(session, someone, kind="rectification", ref="DPR-TEST-STEP1")
    dpo = builders.account(session, "dpo")
    login(client, dpo.email, builders.PASSWORD)
    assert client.get(f"/staff/requests/{req.ref}").status_code == 200  # a read of the file
    assert client.post(f"/staff/requests/{req.ref}", data={"action": "assign"}).status_code == 303

    session.expire_all()
    step = session.scalar(select(AuditEntry).where(AuditEntry.tenant_id == someone.id, AuditEntry.action == "assign"))
    assert step.detail["purpose_key"] == "request_processing"
    assert step.request_ref == "DPR-TEST-STEP1"
    assert step.purpose == "Handling of request DPR-TEST-STEP1"  # the raw log, in the tenant's language

    en = _text(client.get("/staff/audit?tenant=TEST-STEP-0001&action=assign&lang=en"))
    assert "Handling of request DPR-TEST-STEP1" in en and "purpose_key" not in en
    fr = _text(client.get("/staff/audit?tenant=TEST-STEP-0001&action=assign&lang=fr"))
    assert "Traitement de la demande DPR-TEST-STEP1" in fr and "Handling" not in fr

    # The tenant's "who consulted my file" page: the DPO's read for this request, in the
    # tenant's chosen language.
    client.post("/logout")
    login(client, account.email, builders.PASSWORD)
    assert "Handling of your request DPR-TEST-STEP1" in _text(client.get("/me/access-log?lang=en"))
    fr = _text(client.get("/me/access-log?lang=fr"))
    assert "Traitement de votre demande DPR-TEST-STEP1" in fr and "Handling" not in fr


def test_a_step_logged_before_the_key_reads_in_the_dpo_language(client, session):
    # The log is append-only and hash-chained: old entries stay as written, in French.
    someone = builders.tenant(session, tenant_number="TEST-STEP-0002")
    audit.record(session, None, "dpo", "assign", tenant_id=someone.id, categories=["requests"],
                 request_ref="DPR-TEST-OLD2", purpose="Traitement de la demande DPR-TEST-OLD2")
    dpo = builders.account(session, "dpo")
    login(client, dpo.email, builders.PASSWORD)
    assert "Handling of request DPR-TEST-OLD2" in _text(client.get("/staff/audit?tenant=TEST-STEP-0002&lang=en"))
    assert "Traitement de la demande DPR-TEST-OLD2" in _text(client.get("/staff/audit?tenant=TEST-STEP-0002&lang=fr"))
