"""Art. 21: a granted objection stops the processing it names, in the code (the mailing
list leaves the tenant out, staff see why); one resting on the contract or the law is
refused with its basis; the letter says exactly what stopped."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.models import Objection, PrivacyRequest
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import login
from tests.requests.helpers import load, text
from tests.requests.rights_helpers import answered, letter_text


@pytest.fixture()
def people(dbs):
    """Who is who (tests/builders.estate), and an English-reading tenant."""
    cast = builders.estate(dbs)
    cast.reader, cast.reader_account = builders.tenant_with_account(dbs, preferred_language="en")
    cast.reader_account.language = "en"
    dbs.commit()
    return cast


def _survey_list(runner) -> dict:
    result = runner.invoke(args=["mailing-list", "--purpose", "survey", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_granted_objection_takes_the_tenant_off_the_survey_list_and_the_letter_says_so(app, client, dbs, runner,
                                                                                       people):
    objector, neighbour = people.tenant_account.email, people.neighbour_account.email
    listed = _survey_list(runner)
    assert {objector, neighbour} <= {r["email"] for r in listed["recipients"]}
    ref, done = answered(client, people.tenant_account, "objection", targets=["satisfaction_survey"],
                         details="Je ne veux plus d'enquêtes.", dpo=people.dpo)
    assert done.status_code == 303
    assert load(dbs, ref).outcome == "granted"
    after = _survey_list(runner)
    assert objector not in {r["email"] for r in after["recipients"]}
    assert neighbour in {r["email"] for r in after["recipients"]}
    assert after["excluded_by_objection"] == listed["excluded_by_objection"] + 1
    # The newsletter is another processing: the tenant still receives it.
    newsletter = runner.invoke(args=["mailing-list", "--purpose", "newsletter"])
    assert objector in newsletter.output
    letter = letter_text(client, people.tenant_account, ref)
    assert "Ce qui a cessé" in letter and "Nous ne vous envoyons plus d'enquêtes de satisfaction" in letter
    # Staff opening the file see the objection and what it stopped.
    login(client, people.manager.email, PASSWORD)
    page = text(client.get(f"/staff/tenants/{people.tenant.id}?lang=fr"))
    assert "Opposition en vigueur (RGPD art. 21)" in page and "Enquêtes de satisfaction" in page


def test_objection_to_rent_collection_is_refused_with_the_contract_as_basis(client, dbs, people):
    ref, done = answered(client, people.reader_account, "objection", targets=["rent_collection"], lang="en",
                         details="Stop sending rent calls.", dpo=people.dpo)
    assert done.status_code == 303
    req = load(dbs, ref)
    assert (req.outcome, req.refusal_reason) == ("refused", "objection_not_applicable")
    assert dbs.scalar(select(Objection.id).where(Objection.tenant_id == req.tenant_id)) is None
    letter = letter_text(client, people.reader_account, ref, "en")
    assert "What cannot stop, and why" in letter
    assert "legal basis: performance of the tenancy contract (GDPR Art. 6(1)(b))" in letter
    assert "CNIL" in letter and "court" in letter  # Art. 12(4) remedies


def test_objection_partly_granted_states_what_stopped_and_what_cannot(client, dbs, runner, people):
    ref, _ = answered(client, people.tenant_account, "objection", targets=["newsletter", "occupancy_survey"],
                      dpo=people.dpo)
    assert load(dbs, ref).outcome == "partly_granted"
    newsletter = runner.invoke(args=["mailing-list", "--purpose", "newsletter"]).output
    assert people.tenant_account.email not in newsletter and people.neighbour_account.email in newsletter
    letter = letter_text(client, people.tenant_account, ref)
    assert "Nous ne vous envoyons plus notre lettre d'information" in letter
    assert "Enquêtes d'occupation et de ressources (SLS, OPS)" in letter
    assert "une obligation légale (RGPD art. 6(1)(c))" in letter
    assert "CNIL" in letter


def test_an_unknown_processing_is_refused_and_nothing_is_saved(client, dbs, people):
    ref, done = answered(client, people.tenant_account, "objection", targets=["phone_calls"], dpo=people.dpo)
    assert done.status_code == 400
    assert load(dbs, ref).status == "received"
    assert dbs.scalar(select(Objection.id).join(PrivacyRequest, PrivacyRequest.id == Objection.request_id)
                      .where(PrivacyRequest.ref == ref)) is None


def test_mailing_list_names_the_mailings_it_knows(runner):
    result = runner.invoke(args=["mailing-list", "--purpose", "rent_collection"])
    assert result.exit_code != 0 and "survey, newsletter" in result.output
