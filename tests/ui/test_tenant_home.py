"""The tenant home: at a glance, requests with due dates, latest reads, expandable categories."""

from __future__ import annotations

import re

from datetime import date, datetime, timedelta

import pytest

from portal import access, deadlines
from portal.audit import access_log
from portal.models import Payment, PrivacyRequest
from portal.file import dossier, home
from portal.formatting import landlord_today
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import login


def _read_by(session, tenant, role: str | access.Actor, purpose: str = "technical") -> None:
    """A read of `tenant`'s file by a built account of `role` (or by `role`, an actor), as
    the staff pages record it."""
    reader = role if isinstance(role, access.Actor) else access.actor_for(session, builders.account(session, role))
    access_log.record_read(session, reader, tenant, ["identity", "contact"],
                           access_log.Purpose(purpose, access_log.purpose_text(purpose, "fr")))


def _built(session):
    """A tenant of our own with two notes, an open and a closed request."""
    tenant, user = builders.tenant_with_account(session)
    builders.note(session, tenant, "Visite annuelle de la chaudière effectuée.", created_at=datetime(2025, 6, 1, 9, 30))
    builders.note(session, tenant, "Rappel du contrat d'entretien envoyé.", created_at=datetime(2025, 11, 20, 16, 5))
    builders.request(session, tenant, kind="erasure", status="closed", received_on=date(2025, 10, 1),
                     ref="DPR-TEST-HOME0")
    builders.request(session, tenant, kind="access", status="in_progress", received_on=date(2026, 1, 30),
                     ref="DPR-TEST-HOME1")  # due Monday 2 March 2026
    return tenant, access.actor_for(session, user)


def test_summary_counts_the_files_records_and_open_requests_come_first(session):
    tenant, actor = _built(session)
    summary = home.home_page(session, tenant.id, actor, "fr", today=date(2026, 2, 20)).summary
    counts = {c.key: c.count for c in summary.categories}
    assert counts["notes"] == 2 and counts["identity"] == 1 and counts["requests"] == 2
    assert [(r.ref, r.open) for r in summary.requests] == [("DPR-TEST-HOME1", True), ("DPR-TEST-HOME0", False)]
    assert summary.requests[0].due_on == date(2026, 3, 2) and summary.requests[0].days_left == 10


def test_latest_change_of_notes_is_the_newest_note(session):
    tenant, actor = _built(session)
    summary = home.home_page(session, tenant.id, actor, "fr", today=date(2026, 2, 20)).summary
    notes = next(c for c in summary.categories if c.key == "notes")
    assert notes.latest == date(2025, 11, 20)


def test_reads_show_role_and_purpose_never_a_tenant(session, today):
    tenant, actor = _built(session)
    _read_by(session, tenant, "caretaker")
    _read_by(session, tenant, actor)  # the tenant's own look at the file is no consultation
    _read_by(session, tenant, "dpo", "privacy_request")
    summary = home.home_page(session, tenant.id, actor, "fr", today=today).summary
    assert [(r.role, r.purpose_key) for r in summary.reads] == [("dpo", "privacy_request"),
                                                                ("caretaker", "technical")]
    assert summary.reads_total == 2


def test_overdue_request_is_flagged(session, today):
    tenant, actor = _built(session)
    session.add(PrivacyRequest(ref="DPR-T-H1", tenant_id=tenant.id, kind="access", status="in_progress",
                               received_on=today - timedelta(days=40), clock_start=today - timedelta(days=40),
                               due_on=today - timedelta(days=2)))
    session.flush()
    summary = home.home_page(session, tenant.id, actor, "fr", today=today).summary
    late = next(r for r in summary.requests if r.ref == "DPR-T-H1")
    assert late.overdue and not late.due_soon


def test_the_home_page_reads_the_same_file_as_collect(session, today):
    """The file under the summary is the one collect reads, paged sections included."""
    tenant, actor = _built(session)
    tenant.tenant_number = "HOME-000101"
    builders.full_file(session, tenant)
    session.add_all([Payment(lease_id=tenant.lease_id, paid_on=date(2025, month, 5), amount_cents=60_000,
                             method="direct_debit") for month in range(1, 12)])  # 12 payments in all
    session.flush()
    pages = {"payments.payments": 2}
    page = home.home_page(session, tenant.id, actor, "en", pages=pages, page_size=5, today=today)
    snap = dossier.collect(session, tenant, actor, "en", pages=pages, page_size=5)
    assert page is not None and page.tenant.tenant_number == "HOME-000101"
    assert page.dossier == snap
    payments = next(s for s in page.dossier.category("payments").sections if s.key == "payments")
    assert payments.page == 2 and len(payments.rows) == 5 and payments.total == 12


def test_the_home_page_of_a_tenant_that_does_not_exist_is_none(session, today):
    _tenant, actor = _built(session)
    assert home.home_page(session, 10**9, actor, "fr", today=today) is None
    assert dossier.collect_by_id(session, 10**9, actor, "fr") is None


@pytest.mark.parametrize("page_size", [1, 2, 20])
def test_the_summary_and_restrictions_are_the_same_whether_the_file_holds_them_whole_or_not(session, today,
                                                                                             page_size):
    """The summary's requests and newest corrections, and the categories under restriction,
    come from the file when it holds those sections whole, else they are read: a file cut to
    one or two rows a section must show the same as one that holds everything."""
    from portal.models import FieldChange, Restriction

    tenant, actor = _built(session)
    builders.full_file(session, tenant)
    session.add_all([Restriction(tenant_id=tenant.id, category_key="notes", active=True),
                     Restriction(tenant_id=tenant.id, category_key="household", active=False),
                     Restriction(tenant_id=tenant.id, category_key="contact", field_key="contact.phone",
                                 active=True),
                     FieldChange(tenant_id=tenant.id, field_key="contact.email", old_value="a", new_value="b",
                                 changed_at=today - timedelta(days=3)),
                     FieldChange(tenant_id=tenant.id, field_key="identity.first_name", old_value="c",
                                 new_value="d", changed_at=today - timedelta(days=9))])
    session.flush()
    whole = home.home_page(session, tenant.id, actor, "fr", page_size=None, today=today)
    cut = home.home_page(session, tenant.id, actor, "fr", page_size=page_size, today=today)
    assert whole is not None and cut is not None
    assert cut.summary == whole.summary
    assert len(whole.summary.requests) == 3  # two of _built, one of full_file
    latest = {c.key: c.latest for c in cut.summary.categories}
    assert latest["contact"] >= today - timedelta(days=3) and latest["identity"] >= today - timedelta(days=9)
    restricted = {c.key for c in cut.dossier.categories if c.restricted}
    assert restricted == {c.key for c in whole.dossier.categories if c.restricted} == {"notes", "contact"}
    changes = next(s for s in cut.dossier.category("requests").sections if s.key == "changes")
    assert changes.whole == (page_size >= changes.total)


def test_the_access_log_past_its_last_page_still_counts_every_read(app, session):
    tenant, _actor = _built(session)
    for role in ("caretaker", "manager", "dpo"):
        _read_by(session, tenant, role)
    first = access_log.reads_of(session, tenant.id, page=1, page_size=2)
    beyond = access_log.reads_of(session, tenant.id, page=999, page_size=2)
    assert first.total == 3 and len(first.items) == 2 and first.has_next
    assert beyond.items == () and beyond.total == 3 and not beyond.has_next


def _signed_in(client, session):
    """A tenant with a full file (tests/builders.full_file) and an open request, logged in."""
    tenant, account = builders.tenant_with_account(session)
    builders.full_file(session, tenant)
    builders.request(session, tenant, kind="rectification", ref="DPR-TEST-OPEN")  # received today
    session.commit()
    login(client, account.email, PASSWORD)
    return tenant


def test_home_page_in_french(client, session):
    _signed_in(client, session)
    page = client.get("/me?lang=fr").get_data(as_text=True)
    assert "Télécharger mon dossier (PDF)" in page and "Vos données dans d'autres formats" in page.replace("&#39;", "'")
    due = deadlines.due_date(landlord_today())
    assert "DPR-TEST-OPEN" in page and f"notre réponse au plus tard le {due:%d/%m/%Y}" in page
    # Each category says why we hold it and what its count counts.
    assert 'class="category-reason">Encaissement des loyers, suivi des impayés et plans d&#39;apurement.' in page
    assert "Paiements reçus : " in page
    assert 'class="category-details"' in page and "Pourquoi nous détenons ces données" in page
    assert 'style="' not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script


def test_home_page_in_english_opens_the_asked_category(client, session):
    _signed_in(client, session)
    page = client.get("/me?lang=en&open=notes").get_data(as_text=True)
    due = deadlines.due_date(landlord_today())
    assert "Your data in other formats" in page and f"our answer by {due:%b} {due.day}, {due.year}" in page
    notes = page[page.index('id="notes"'):]
    assert notes.split(">", 2)[1].strip().startswith('<details class="category-details" open')
    contact = page[page.index('id="contact"'):]
    assert 'open>' not in contact.split("</summary>", 1)[0]


def _payments_table(page: str, title: str) -> str:
    category = page.index('id="payments"')
    start = page.index(title, page.index('class="category-body"', category))  # not the summary's count
    return page[start:page.index("</table>", start)]


def test_labels_amounts_and_choices_follow_the_language_from_one_request_to_the_next(client, session):
    """Formatters and translations are kept between requests: switching language must still
    switch every label, amount and choice of the file (not serve the first language's)."""
    tenant = _signed_in(client, session)  # its newest payment: 612,40 € by transfer on 5 February 2026
    session.add(Payment(lease_id=tenant.lease_id, paid_on=date(2025, 12, 5), amount_cents=123_456,
                        method="direct_debit"))  # an older one, over a thousand euros
    session.commit()
    for lang, label, newest, older in (
        ("en", "Payments received", ("Feb 5, 2026", "€612.40", "Bank transfer"),
         ("Dec 5, 2025", "€1,234.56", "Direct debit")),
        ("fr", "Paiements reçus", ("05/02/2026", "612,40", "Virement"),
         ("05/12/2025", "1\u202f234,56", "Prélèvement")),
        ("en", "Payments received", ("Feb 5, 2026", "€612.40", "Bank transfer"),
         ("Dec 5, 2025", "€1,234.56", "Direct debit")),
    ):
        table = _payments_table(client.get(f"/me?lang={lang}").get_data(as_text=True), label)
        first_row, second_row = table[table.index("<tbody>"):].split("</tr>")[:2]
        assert all(shown in first_row for shown in newest), (lang, first_row)
        assert all(shown in second_row for shown in older), (lang, second_row)
