"""The tenant's access log groups the reads of one person, purpose and day (issue 23), and
says each purpose in the reader's language: reads made to handle a request are stored
with a purpose key and the request's reference, and translated when shown."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit import chain as audit
from portal.models import AuditEntry
from tests import builders
from tests.conftest import login


def _dpo_opens(client, session, ref: str, times: int = 1) -> None:
    dpo = builders.account(session, "dpo")
    login(client, dpo.email, builders.PASSWORD)
    for _ in range(times):
        assert client.get(f"/staff/requests/{ref}").status_code == 200  # each opening is a read of the file
    client.post("/logout")


def test_repeated_reads_of_a_day_are_one_entry_with_their_times(client, session):
    someone, account = builders.tenant_with_account(session)
    req = builders.request(session, someone, ref="DPR-TEST-GRP1")
    _dpo_opens(client, session, req.ref, times=3)
    login(client, account.email, builders.PASSWORD)
    fr = client.get("/me/access-log?lang=fr").get_data(as_text=True)
    assert fr.count("Traitement de votre demande DPR-TEST-GRP1") == 1
    assert "3 consultations ce jour-là, à " in fr
    en = client.get("/me/access-log?lang=en").get_data(as_text=True)
    assert en.count("Handling of your request DPR-TEST-GRP1") == 1
    assert "Traitement" not in en


def test_a_read_for_a_request_stores_a_purpose_key_and_the_reference(client, session):
    someone = builders.tenant(session, preferred_language="en")
    req = builders.request(session, someone, ref="DPR-TEST-KEY1")
    _dpo_opens(client, session, req.ref)
    session.expire_all()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.tenant_id == someone.id, AuditEntry.action == "read"))
    assert entry.detail == {"purpose_key": "request_processing"}
    assert entry.request_ref == "DPR-TEST-KEY1"
    assert entry.purpose == "Handling of request DPR-TEST-KEY1"  # the raw log, in the tenant's language


def test_reads_logged_before_the_key_read_in_either_language(client, session):
    # Entries written before the key (French text, no key) stay as they are: the log is
    # append-only and hash-chained.
    someone, account = builders.tenant_with_account(session)
    audit.record(session, None, "dpo", "read", tenant_id=someone.id, categories=["identity"],
                 request_ref="DPR-TEST-OLD1", purpose="Traitement de la demande DPR-TEST-OLD1")
    login(client, account.email, builders.PASSWORD)
    assert "Handling of your request DPR-TEST-OLD1" in client.get("/me/access-log?lang=en").get_data(as_text=True)
    assert "Traitement de votre demande DPR-TEST-OLD1" in client.get("/me/access-log?lang=fr").get_data(as_text=True)


def test_the_dpo_log_says_the_request_purpose_in_the_dpo_language(client, session):
    someone = builders.tenant(session, tenant_number="TEST-LOG-0001")
    req = builders.request(session, someone, ref="DPR-TEST-LOG1")
    dpo = builders.account(session, "dpo")
    login(client, dpo.email, builders.PASSWORD)
    client.get(f"/staff/requests/{req.ref}")
    en = client.get("/staff/audit?tenant=TEST-LOG-0001&lang=en").get_data(as_text=True)
    assert "Handling of request DPR-TEST-LOG1" in en
    fr = client.get("/staff/audit?tenant=TEST-LOG-0001&lang=fr").get_data(as_text=True)
    assert "Traitement de la demande DPR-TEST-LOG1" in fr
