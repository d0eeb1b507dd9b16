"""The workflow rules, tested directly (portal/workflow.py: no Flask, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from portal.requests import workflow
from portal.requests import letters
from portal.requests.workflow import BadValue, Earlier, NotAllowed

TODAY = date(2026, 11, 28)


def test_every_staff_action_has_a_row_in_the_transition_table():
    for action in workflow.STAFF_ACTIONS + workflow.TENANT_ACTIONS:
        assert workflow.TRANSITIONS[action], action


@pytest.mark.parametrize(("action", "before", "after"), [
    ("assign", "received", "in_progress"),
    ("request_info", "in_progress", "waiting_info"),
    ("provide_info", "waiting_info", "in_progress"),
    ("grant", "in_progress", "answered"),
    ("refuse", "received", "answered"),
    ("close", "answered", "closed"),
    ("withdraw", "waiting_info", "withdrawn"),
])
def test_allowed_transitions(action, before, after):
    assert workflow.next_status(action, before) == after


@pytest.mark.parametrize(("action", "status"), [
    ("grant", "closed"), ("grant", "answered"), ("close", "received"), ("request_info", "waiting_info"),
    ("withdraw", "answered"), ("extend", "closed"), ("provide_info", "in_progress"), ("assign", "withdrawn"),
])
def test_actions_the_state_does_not_allow_are_refused(action, status):
    with pytest.raises(NotAllowed):
        workflow.next_status(action, status)


def test_extension_is_offered_once_only():
    assert "extend" in workflow.allowed_actions("in_progress", extended=False)
    assert "extend" not in workflow.allowed_actions("in_progress", extended=True)
    assert workflow.allowed_actions("closed") == []


def test_refusal_reasons_are_the_ones_the_letters_explain():
    assert set(workflow.REFUSAL_REASONS) == set(letters.REFUSAL_REASONS)
    for needed in ("manifestly_unfounded", "manifestly_excessive", "identity_not_established",
                   "legal_obligation", "rights_of_others"):
        assert needed in workflow.REFUSAL_REASONS


def test_repeat_same_kind_within_twelve_months_or_still_open():
    received = date(2026, 11, 28)
    assert workflow.is_repeat("access", received, [Earlier("access", date(2026, 1, 5), "closed")])
    assert workflow.is_repeat("access", received, [Earlier("access", date(2025, 11, 28), "closed")])
    assert not workflow.is_repeat("access", received, [Earlier("access", date(2025, 11, 27), "closed")])
    assert workflow.is_repeat("access", received, [Earlier("access", date(2020, 1, 1), "in_progress")])
    assert not workflow.is_repeat("access", received, [Earlier("erasure", date(2026, 11, 1), "closed")])
    assert not workflow.is_repeat("access", received, [Earlier("access", date(2026, 11, 1), "withdrawn")])


@pytest.mark.parametrize(("ftype", "raw", "expected"), [
    ("phone", "01.45.67.89.10", "01.45.67.89.10"),
    ("phone", " 0145678910 ", "0145678910"),
    ("phone", "+44 20 7946 0958", "+44 20 7946 0958"),
    ("email", "ines.r@example.org", "ines.r@example.org"),
    ("date", "31/01/1984", date(1984, 1, 31)),
    ("date", "1984-01-31", date(1984, 1, 31)),
    ("int", "4", 4),
    ("money", "1 234,50", 123450),
    ("text", "  Martin-Durand ", "Martin-Durand"),
])
def test_values_that_fit_their_field(ftype, raw, expected):
    assert workflow.parse_value(ftype, raw, today=TODAY) == expected


@pytest.mark.parametrize(("ftype", "raw", "code"), [
    ("phone", "abc", "phone"), ("phone", "01 23", "phone"), ("phone", "0012345678901234567", "phone"),
    ("email", "ines@", "email"), ("email", "not an e-mail", "email"),
    ("date", "31/02/1984", "date"), ("date", "yesterday", "date"), ("date", "01/01/2999", "date_range"),
    ("int", "four", "int"), ("money", "lots", "money"), ("text", "   ", "empty"), ("text", "", "empty"),
    ("text", "x" * 201, "too_long"), ("text", "two\nlines", "one_line"),
])
def test_values_that_do_not_fit_their_field(ftype, raw, code):
    with pytest.raises(BadValue) as info:
        workflow.parse_value(ftype, raw, today=TODAY)
    assert info.value.code == code


def test_choices_accept_the_key_or_the_label():
    choices = {"fr": "French", "en": "English"}
    assert workflow.parse_value("language", "en", choices=choices, today=TODAY) == "en"
    assert workflow.parse_value("language", "english", choices=choices, today=TODAY) == "en"
    with pytest.raises(BadValue):
        workflow.parse_value("language", "klingon", choices=choices, today=TODAY)


def test_targets():
    assert workflow.parse_target("notes") == ("notes", None)
    assert workflow.parse_target("notes:12") == ("notes", 12)
    assert workflow.parse_target("notes:x") is None
    assert workflow.parse_target("passwords") is None
