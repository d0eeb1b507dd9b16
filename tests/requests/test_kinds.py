"""The request kinds are defined once (portal/request_kinds.py): every table that lists
kinds is derived from that definition, so a kind added there appears everywhere, and
the keys are those PRODUCT.md §8 promises."""

from __future__ import annotations

import re

from portal import access, catalogue, models, request_kinds
from portal.requests import workflow
from portal.web import request_texts
from tests import builders
from tests.conftest import login

# PRODUCT.md §8: the `kind` values of /me/requests/new (hidden acceptance tests use them).
PROMISED = ("access", "rectification", "erasure", "restriction", "portability", "objection")


def test_the_kind_keys_are_those_product_md_promises():
    assert request_kinds.KEYS == PROMISED
    assert request_kinds.TARGETED == ("erasure", "restriction", "objection")
    assert request_kinds.BY_KEY["rectification"].needs == ("field", "proposed_value")
    assert [k.article for k in request_kinds.KINDS] == ["15", "16", "17", "18", "20", "21"]


def test_every_table_of_kinds_is_derived_from_the_one_definition():
    # The same objects, not copies: a kind added to request_kinds.KINDS (with its label,
    # help and refusal reasons) reaches each of these without another edit.
    for kind in request_kinds.KINDS:
        assert catalogue.REQUEST_KIND_LABELS[kind.key] is kind.label
        assert request_texts.KIND_HELP[kind.key] is kind.help
        assert workflow.REASONS_BY_KIND[kind.key][-len(kind.refusal_reasons):] == kind.refusal_reasons
        assert kind.key in access.PROCESSABLE_KINDS["dpo"]
    assert workflow.KINDS is request_kinds.KEYS
    assert models.REQUEST_KINDS is request_kinds.KEYS
    assert workflow.TARGETED_KINDS is request_kinds.TARGETED
    assert set(workflow.REASONS_BY_KIND) == set(request_kinds.KEYS)
    assert set(catalogue.REQUEST_KIND_LABELS) == set(request_texts.KIND_HELP) == set(request_kinds.KEYS)


def test_an_access_request_may_not_be_refused_for_legal_claims():
    # Art. 15(4) allows only the rights of others on top of Art. 12's grounds.
    assert workflow.reasons_for("access") == ("manifestly_unfounded", "manifestly_excessive",
                                              "identity_not_established", "rights_of_others")
    assert "legal_claims" in workflow.reasons_for("erasure")


def test_the_new_request_form_offers_every_kind_with_its_help_in_both_languages(client, session):
    _tenant, user = builders.tenant_with_account(session)
    login(client, user.email, builders.PASSWORD)
    fr = client.get("/me/requests/new?lang=fr").get_data(as_text=True)
    offered = {a or b for a, b in re.findall(r'name="kind"[^>]*value="(\w+)"|value="(\w+)"[^>]*name="kind"', fr)}
    assert offered == set(PROMISED)
    assert "Portabilité" in fr
    assert "Obtenir une copie de tout ce que nous détenons sur vous" in fr
    en = client.get("/me/requests/new?lang=en").get_data(as_text=True)
    assert "Portability (a copy to reuse)" in en
    assert "Object to a use of your data, for reasons relating to your situation (Art. 21)." in en
