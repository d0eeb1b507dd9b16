"""Art. 21: a granted objection stops the processing it names, in the code (the mailing
list leaves the tenant out, staff see why); one resting on the contract or the law is
refused with its basis; the letter says exactly what stopped."""

from __future__ import annotations

import json

from sqlalchemy import select

from portal.models import Objection, PrivacyRequest
from tests.conftest import login
from tests.requests.helpers import CAMILLE, JOHN, KARIM, MANAGER, load, text
from tests.requests.rights_helpers import answered, letter_text, tenant_by_email


def _survey_list(runner) -> dict:
    result = runner.invoke(args=["mailing-list", "--purpose", "survey", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_granted_objection_takes_karim_off_the_survey_list_and_the_letter_says_so(app, client, dbs, runner):
    before = {r["email"] for r in _survey_list(runner)["recipients"]}
    assert KARIM in before
    ref, done = answered(client, KARIM, "objection", targets=["satisfaction_survey"],
                         details="Je ne veux plus d'enquêtes.")
    assert done.status_code == 303
    assert load(dbs, ref).outcome == "granted"
    after = _survey_list(runner)
    assert KARIM not in {r["email"] for r in after["recipients"]}
    assert CAMILLE not in {r["email"] for r in after["recipients"]}  # the demo's objection
    assert JOHN in {r["email"] for r in after["recipients"]}
    assert after["excluded_by_objection"] == 2
    # The newsletter is another processing: Karim still receives it.
    newsletter = runner.invoke(args=["mailing-list", "--purpose", "newsletter"])
    assert KARIM in newsletter.output
    letter = letter_text(client, KARIM, ref)
    assert "Ce qui a cessé" in letter and "Nous ne vous envoyons plus d'enquêtes de satisfaction" in letter
    # Staff opening the file see the objection and what it stopped.
    login(client, MANAGER)
    karim = tenant_by_email(dbs, KARIM)
    page = text(client.get(f"/staff/tenants/{karim.id}?lang=fr"))
    assert "Opposition en vigueur (RGPD art. 21)" in page and "Enquêtes de satisfaction" in page


def test_objection_to_rent_collection_is_refused_with_the_contract_as_basis(client, dbs):
    ref, done = answered(client, JOHN, "objection", targets=["rent_collection"], lang="en",
                         details="Stop sending rent calls.")
    assert done.status_code == 303
    req = load(dbs, ref)
    assert (req.outcome, req.refusal_reason) == ("refused", "objection_not_applicable")
    assert dbs.scalar(select(Objection.id).where(Objection.tenant_id == req.tenant_id)) is None
    letter = letter_text(client, JOHN, ref, "en")
    assert "What cannot stop, and why" in letter
    assert "legal basis: performance of the tenancy contract (GDPR Art. 6(1)(b))" in letter
    assert "CNIL" in letter and "court" in letter  # Art. 12(4) remedies


def test_objection_partly_granted_states_what_stopped_and_what_cannot(client, dbs, runner):
    ref, _ = answered(client, KARIM, "objection", targets=["newsletter", "occupancy_survey"])
    assert load(dbs, ref).outcome == "partly_granted"
    assert KARIM not in runner.invoke(args=["mailing-list", "--purpose", "newsletter"]).output
    letter = letter_text(client, KARIM, ref)
    assert "Nous ne vous envoyons plus notre lettre d'information" in letter
    assert "Enquêtes d'occupation et de ressources (SLS, OPS)" in letter
    assert "une obligation légale (RGPD art. 6(1)(c))" in letter
    assert "CNIL" in letter


def test_an_unknown_processing_is_refused_and_nothing_is_saved(client, dbs):
    ref, done = answered(client, KARIM, "objection", targets=["phone_calls"])
    assert done.status_code == 400
    assert load(dbs, ref).status == "received"
    assert dbs.scalar(select(Objection.id).join(PrivacyRequest, PrivacyRequest.id == Objection.request_id)
                      .where(PrivacyRequest.ref == ref)) is None


def test_mailing_list_names_the_mailings_it_knows(runner):
    result = runner.invoke(args=["mailing-list", "--purpose", "rent_collection"])
    assert result.exit_code != 0 and "survey, newsletter" in result.output
