"""An answered request shows the decision, the reason in plain words and the letter first
(issue 23: a refusal must not read only as "processed")."""

from __future__ import annotations

from tests import builders
from tests.builders import PASSWORD
from tests.conftest import login
from tests.requests.helpers import file_request, text


def test_refused_request_shows_decision_reason_and_letter_in_both_languages(client, session):
    _, account = builders.tenant_with_account(session)
    dpo = builders.account(session, "dpo")
    session.commit()
    ref = file_request(client, account.email, password=PASSWORD, kind="access", details="Tout, s'il vous plaît.")
    login(client, dpo.email, PASSWORD)
    done = client.post(f"/staff/requests/{ref}", data={"action": "refuse", "message": "Demande identique hier.",
                                                       "refusal_reason": "manifestly_excessive"})
    assert done.status_code == 303
    client.post("/logout")
    login(client, account.email, PASSWORD)
    fr = text(client.get(f"/me/requests/{ref}?lang=fr"))
    decision = fr[fr.index('id="h-decision"'):fr.index("</section>", fr.index('id="h-decision"'))]
    assert "Notre décision : Refusée" in decision
    assert "manifestement excessive" in decision and "Demande identique hier." in decision
    assert f"/me/requests/{ref}/letter.pdf" in decision and "CNIL" in decision
    en = text(client.get(f"/me/requests/{ref}?lang=en"))
    assert "Our decision: Refused" in en and "manifestly excessive" in en
