"""Art. 17: an erasure leaves nothing behind (tables, cached PDF copies, archived letters
that embedded the file: their reference, date and hash stay as proof; on SQLite the text
is gone from the database file), and what an Art. 17(3) exception keeps makes the answer
a partial grant with the exception named and the remedies. Household data, held under a
legal obligation, is not deleted."""

from __future__ import annotations

import hashlib
import os
from datetime import date

import pytest
from sqlalchemy import select

from portal.models import DocumentCache, HouseholdMember, Letter, Note, PrivacyRequest
from portal.formatting import landlord_today
from tests import builders
from tests.builders import PASSWORD
from tests.requests.helpers import load, text
from tests.requests.rights_helpers import pdftotext
from tests.conftest import login

MARKER = "Voisin signale des cris le soir"


@pytest.fixture()
def dpo(dbs):
    user = builders.account(dbs, "dpo")
    dbs.commit()
    return user


def _tenant(dbs, **values):
    tenant, account = builders.tenant_with_account(dbs, **values)
    dbs.commit()
    return tenant, account


def answered(client, account, dpo, kind: str, targets=(), lang: str = "fr", details: str = "Merci."):
    """The tenant files a request from the form; the DPO grants it naming `targets`.
    Returns (ref, the staff response)."""
    login(client, account.email, PASSWORD)
    filed = client.post(f"/me/requests/new?lang={lang}", data={"kind": kind, "details": details,
                                                               "targets": list(targets)})
    assert filed.status_code == 302, text(filed)[-2000:]
    ref = filed.headers["Location"].rsplit("/", 1)[-1]
    client.post("/logout")
    login(client, dpo.email, PASSWORD)
    response = client.post(f"/staff/requests/{ref}?lang={lang}", data={
        "action": "grant", "message": "", "confirm": "1", "targets": list(targets)})
    client.post("/logout")
    return ref, response


def letter_text(client, account, ref: str, lang: str = "fr") -> str:
    """The tenant downloads the letter of their request; its text."""
    login(client, account.email, PASSWORD)
    response = client.get(f"/me/requests/{ref}/letter.pdf?lang={lang}")
    client.post("/logout")
    assert response.status_code == 200, response.status_code
    return pdftotext(response.data)


def _copies_of_the_file(dbs, tenant_id: int) -> tuple[int, int]:
    """A cached PDF copy of the file and an answered access request whose archived letter
    embeds the file, both holding a note's text: (request id, letter id)."""
    dbs.add(DocumentCache(tenant_id=tenant_id, kind="pdf_copy", language="fr", fingerprint="f" * 64,
                          content=f"%PDF-1.7 {MARKER}".encode()))
    req = PrivacyRequest(ref="DPR-TEST-ACC1", tenant_id=tenant_id, kind="access", status="answered",
                         received_on=date(2026, 1, 5), clock_start=date(2026, 1, 5), due_on=date(2026, 2, 5),
                         outcome="granted")
    dbs.add(req)
    dbs.flush()
    content = f"%PDF-1.7 lettre + copie du dossier : {MARKER}".encode()
    letter = Letter(request_id=req.id, kind="granted", language="fr", sha256=hashlib.sha256(content).hexdigest(),
                    pdf=content)
    dbs.add(letter)
    dbs.add(Note(tenant_id=tenant_id, body=MARKER, author_name="Service gestion"))
    dbs.commit()
    return req.id, letter.id


def test_erased_notes_leave_no_cached_copy_and_no_archived_copy_but_the_proof(client, dbs, dpo):
    karim, account = _tenant(dbs)
    builders.note(dbs, karim, "Rappel du règlement intérieur envoyé.")
    _req_id, letter_id = _copies_of_the_file(dbs, karim.id)
    proof = dbs.get(Letter, letter_id).sha256
    held = len(dbs.scalars(select(Note.id).where(Note.tenant_id == karim.id)).all())
    assert held == 2
    ref, done = answered(client, account, dpo, "erasure", targets=["notes"], details="Effacez les notes.")
    assert done.status_code == 303
    dbs.expire_all()
    assert dbs.scalars(select(Note.body).where(Note.tenant_id == karim.id)).all() == []
    assert dbs.scalar(select(DocumentCache.id).where(DocumentCache.tenant_id == karim.id)) is None
    archived = dbs.get(Letter, letter_id)
    assert archived.pdf is None and archived.sha256 == proof and archived.content_removed_at is not None
    assert load(dbs, ref).outcome == "granted"
    # The tenant's page for the old access letter explains, with the fingerprint kept.
    login(client, account.email, PASSWORD)
    gone = client.get("/me/requests/DPR-TEST-ACC1/letter.pdf?lang=en")
    assert gone.status_code == 404 and proof in text(gone) and "no longer keep that copy" in text(gone)
    client.post("/logout")
    letter = letter_text(client, account, ref)
    assert "Ce que nous avons effacé" in letter and "Notes rédigées par nos équipes : 2 enregistrement(s)" in letter


def test_erasure_of_household_and_notes_is_a_partial_grant_keeping_the_household(client, dbs, dpo):
    john, account = _tenant(dbs, preferred_language="en")
    builders.full_file(dbs, john)  # a household member and a note among the rest
    dbs.commit()
    household = dbs.scalars(select(HouseholdMember.id).where(HouseholdMember.tenant_id == john.id)).all()
    assert len(household) == 1
    ref, done = answered(client, account, dpo, "erasure", targets=["notes", "household"], lang="en",
                         details="Erase everything.")
    assert done.status_code == 303
    req = load(dbs, ref)
    assert (req.outcome, req.refusal_reason) == ("partly_granted", "legal_obligation")
    assert dbs.scalars(select(HouseholdMember.id).where(HouseholdMember.tenant_id == john.id)).all() == household
    assert dbs.scalars(select(Note.id).where(Note.tenant_id == john.id)).all() == []
    letter = letter_text(client, account, ref, "en")
    assert "Your request is partly granted" in letter
    assert "What we keep, and why" in letter and "Household — RGPD art. 17(3)(b)" in letter
    assert "Length of the lease, then 3 years" in letter
    assert "complaint with the French data protection authority" in letter  # remedies, Art. 12(4)


def test_erasure_of_what_the_law_keeps_only_is_refused_with_the_exception(client, dbs, dpo):
    karim, account = _tenant(dbs)
    ref, _ = answered(client, account, dpo, "erasure", targets=["payments"], details="Effacez mes paiements.")
    req = load(dbs, ref)
    assert (req.outcome, req.refusal_reason) == ("refused", "legal_obligation")
    letter = letter_text(client, account, ref)
    assert "Ce que nous conservons, et pourquoi" in letter and "Pièces comptables 10 ans" in letter


@pytest.mark.skipif(os.environ.get("PORTAL_TEST_DB", "sqlite") != "sqlite", reason="SQLite file format")
def test_on_sqlite_erased_text_is_gone_from_the_database_file(tmp_path):
    """secure_delete: the deleted note is overwritten, not left in a free page of the file."""
    from portal import access
    from portal.db import Database
    from portal.requests import answering
    from tests.conftest import build_app

    app = build_app(tmp_path, "erase", demo=False)
    secret = "Zqxjv-unique-erasure-marker-" * 20
    with app.app_context():
        state = Database.state(app)
        s = state.factory()
        karim = builders.tenant(s)
        s.add(Note(tenant_id=karim.id, body=secret, author_name="x"))
        req = PrivacyRequest(ref="DPR-TEST-SEC1", tenant_id=karim.id, kind="erasure", status="in_progress",
                             received_on=landlord_today(), clock_start=landlord_today(), due_on=landlord_today())
        s.add(req)
        s.commit()
        dpo = access.actor_for(s, builders.account(s, "dpo"))
        answering.act(s, req, dpo, "grant", message=None, today=landlord_today(), config=app.config,
                      targets=["notes"])
        s.commit()
        s.close()
        state.engine.dispose()
    # Fold the write-ahead log into the file, outside any transaction, before reading it.
    import sqlite3

    with sqlite3.connect(tmp_path / "erase.db") as raw_conn:
        raw_conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = (tmp_path / "erase.db").read_bytes()
    assert b"Zqxjv-unique-erasure-marker" not in raw
