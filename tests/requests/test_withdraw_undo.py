"""Withdrawing a request asks first and can be taken back for 14 days (issue 23)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.requests import workflow
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import login
from tests.requests.helpers import file_request, load, text


@pytest.fixture()
def tenant_email(dbs) -> str:
    """A built tenant's login (password: builders.PASSWORD)."""
    _, account = builders.tenant_with_account(dbs)
    dbs.commit()
    return account.email


def _filed_and_signed_in(client, email: str) -> str:
    ref = file_request(client, email, password=PASSWORD, kind="access", details="")
    login(client, email, PASSWORD)
    return ref


def test_withdraw_button_leads_to_a_question_not_to_a_withdrawal(client, dbs, tenant_email):
    ref = _filed_and_signed_in(client, tenant_email)
    page = text(client.get(f"/me/requests/{ref}?lang=en"))
    assert f"/me/requests/{ref}/withdraw" in page and 'value="withdraw"' not in page
    ask = text(client.get(f"/me/requests/{ref}/withdraw?lang=en"))
    assert f"Do you want to withdraw request {ref}?" in ask and "No, keep my request" in ask
    assert load(dbs, ref).status == "received"


def test_a_withdrawal_is_undone_within_14_days_with_the_same_deadline(client, dbs, tenant_email):
    ref = _filed_and_signed_in(client, tenant_email)
    due = load(dbs, ref).due_on
    client.post(f"/me/requests/{ref}", data={"action": "withdraw"})
    page = text(client.get(f"/me/requests/{ref}?lang=en"))
    assert "Reopen my request" in page
    assert client.post(f"/me/requests/{ref}?lang=en", data={"action": "undo_withdraw"}).status_code == 302
    req = load(dbs, ref)
    assert req.status == "received" and req.due_on == due and req.closed_at is None
    assert "Withdrawal undone" in text(client.get(f"/me/requests/{ref}?lang=en"))
    dpo = builders.account(dbs, "dpo")
    dbs.commit()
    client.post("/logout")
    login(client, dpo.email, PASSWORD)
    assert ref in text(client.get("/staff/requests"))


def test_an_old_withdrawal_cannot_be_undone(client, dbs, tenant_email):
    ref = _filed_and_signed_in(client, tenant_email)
    client.post(f"/me/requests/{ref}", data={"action": "withdraw"})
    req = load(dbs, ref)
    req.closed_at = req.closed_at - timedelta(days=workflow.UNDO_WITHDRAW_DAYS + 1)
    dbs.commit()
    assert "Reopen my request" not in text(client.get(f"/me/requests/{ref}?lang=en"))
    assert client.post(f"/me/requests/{ref}", data={"action": "undo_withdraw"}).status_code == 303
    assert load(dbs, ref).status == "withdrawn"


def test_undo_rule_counts_fourteen_days():
    day = date(2026, 12, 1)
    assert workflow.may_undo_withdraw("withdrawn", day, day + timedelta(days=14))
    assert not workflow.may_undo_withdraw("withdrawn", day, day + timedelta(days=15))
    assert not workflow.may_undo_withdraw("received", day, day)
