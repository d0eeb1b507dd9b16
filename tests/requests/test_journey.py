"""Done when (issue 3): a tenant asks to correct her phone number; the DPO finds it in the
queue with its due date and grants it; her file shows the new number and the request
shows its history (the old value kept); her neighbour gets 404 on her request; a request
left unanswered shows as overdue on the right day. Everyone is built (tests/builders)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from portal import access, deadlines
from portal.models import FieldChange, PrivacyRequest, Tenant
from portal.requests import queue as request_queue
from tests import builders
from tests.conftest import login
from tests.builders import PASSWORD
from tests.requests.helpers import file_request, load, mails_about, text

NEW_PHONE = "01 45 67 89 10"
OLD_PHONE = "01 43 56 78 90"


def _as(client, user) -> None:
    client.post("/logout")
    login(client, user.email, PASSWORD)


def test_a_tenant_corrects_her_phone_and_the_dpo_grants_it(app, client, dbs, today):
    session = dbs
    people = builders.estate(session)
    tenant = people.tenant
    tenant.phone = OLD_PHONE
    session.commit()
    # The "correct this" link of /me opens the form pre-filled.
    login(client, people.tenant_account.email, PASSWORD)
    form = text(client.get(f"/me/requests/new?kind=rectification&field=contact.phone&record={tenant.id}"))
    # One question per page (issue 23): the field and the kind are carried, the question asked.
    assert '<input type="hidden" name="field" value="contact.phone">' in form
    assert '<input type="hidden" name="kind" value="rectification">' in form
    assert "Quel est votre bon numéro de téléphone ?" in form
    assert OLD_PHONE in form  # the value held now is shown beside the form
    client.post("/logout")

    ref = file_request(client, people.tenant_account.email, password=PASSWORD, proposed_value=NEW_PHONE)

    # The DPO finds it in the queue with its due date: a month from today (Art. 12(3)),
    # moved on to a working day at most.
    login(client, people.dpo.email, PASSWORD)
    queue = text(client.get("/staff/requests?lang=fr"))
    row = queue[queue.index(ref) - 600: queue.index(ref) + 900]
    shown = [date(int(y), int(m), int(d)) for d, m, y in re.findall(r"\b(\d\d)/(\d\d)/(\d{4})\b", row)]
    assert any(28 <= (day - today).days <= 34 and day.weekday() < 5 for day in shown), shown
    page = client.get(f"/staff/requests/{ref}")
    assert page.status_code == 200
    version = re.search(r'name="version" value="(\d+)"', text(page)).group(1)
    done = client.post(f"/staff/requests/{ref}", data={"action": "grant", "message": "Numéro corrigé.",
                                                        "version": version})
    assert done.status_code == 303
    assert "Acceptée" in text(client.get(done.headers["Location"]))

    # Her file shows the new number; the request its history, with the old value.
    _as(client, people.tenant_account)
    home = text(client.get("/me"))
    contact = home[home.index('id="contact"'):]
    contact = contact[:contact.index("</section>")]
    assert NEW_PHONE in contact and OLD_PHONE not in contact
    detail = text(client.get(f"/me/requests/{ref}"))
    assert "Demande déposée sur le portail" in detail and "Acceptée" in detail and "Numéro corrigé." in detail
    assert OLD_PHONE in detail and NEW_PHONE in detail
    change = session.scalar(select(FieldChange).where(FieldChange.request_id == load(session, ref).id))
    assert (change.field_key, change.old_value, change.new_value) == ("contact.phone", OLD_PHONE, NEW_PHONE)
    assert session.get(Tenant, tenant.id).phone == NEW_PHONE

    # She was told in French at each step.
    subjects_bodies = [(str(m["Subject"]), m.get_content()) for m in mails_about(app, ref)]
    assert len(subjects_bodies) >= 2
    assert all("Votre demande" in s for s, _ in subjects_bodies)
    assert any("Votre demande est acceptée." in b for _, b in subjects_bodies)

    # Her neighbour gets 404 on her request and its letter.
    _as(client, people.neighbour_account)
    assert client.get(f"/me/requests/{ref}").status_code == 404
    assert client.get(f"/me/requests/{ref}/letter.pdf").status_code == 404
    assert client.post(f"/me/requests/{ref}", data={"action": "withdraw"}).status_code == 404
    assert session.get(Tenant, tenant.id).phone == NEW_PHONE


def _unanswered(session, received: date, ref: str) -> PrivacyRequest:
    someone = builders.tenant(session)
    req = PrivacyRequest(ref=ref, tenant_id=someone.id, kind="access", status="received", received_on=received,
                         clock_start=received, due_on=deadlines.due_date(received))
    session.add(req)
    session.commit()
    return req


def test_unanswered_request_is_overdue_the_day_after_its_due_date(app, session):
    # Received Friday 30 January 2026: one month is Saturday 28 February (no 30th), moved to
    # Monday 2 March. On the 2nd it is still in time; on the 3rd it is overdue.
    received = date(2026, 1, 30)
    _unanswered(session, received, "DPR-TEST-LATE1")
    assert deadlines.due_date(received) == date(2026, 3, 2)
    actor = access.actor_for(session, builders.account(session, "dpo"))

    def row(today: date):
        queue = request_queue.build(session, actor, today, request_queue.Filters(status="all"))
        return next(r for r in queue.rows if r.ref == "DPR-TEST-LATE1"), queue

    on_time, _ = row(date(2026, 3, 2))
    assert not on_time.overdue and on_time.due_soon and on_time.days_left == 0
    late, queue = row(date(2026, 3, 3))
    assert late.overdue and late.days_left == -1
    assert queue.overdue >= 1
    only_late = request_queue.build(session, actor, date(2026, 3, 3), request_queue.Filters(overdue=True))
    assert "DPR-TEST-LATE1" in [r.ref for r in only_late.rows]
    not_yet = request_queue.build(session, actor, date(2026, 3, 2), request_queue.Filters(overdue=True))
    assert "DPR-TEST-LATE1" not in [r.ref for r in not_yet.rows]


# Received on → due on (Art. 12(3), Regulation 1182/71 Art. 3), as the queue shows it in
# French and English: a month that has no such day, a Saturday, a public holiday.
LATE_ONES = {
    "DPR-TEST-Q001": (date(2026, 1, 30), date(2026, 3, 2), "02/03/2026", "Mar 2, 2026"),  # 28 Feb, a Saturday
    "DPR-TEST-Q002": (date(2026, 4, 14), date(2026, 5, 15), "15/05/2026", "May 15, 2026"),  # 14 May: Ascension
    "DPR-TEST-Q003": (date(2026, 4, 30), date(2026, 6, 1), "01/06/2026", "Jun 1, 2026"),  # 30 May, a Saturday
}


def test_queue_page_marks_overdue_requests_as_deadlines_decide(client, session, today):
    someone = builders.tenant(session)
    for ref, (received, *_due) in LATE_ONES.items():
        builders.request(session, someone, ref=ref, received_on=received)
    builders.request(session, someone, ref="DPR-TEST-Q000", received_on=today)  # a month left
    dpo = builders.account(session, "dpo")
    login(client, dpo.email, builders.PASSWORD)
    for lang, word in (("fr", "En retard de"), ("en", "Overdue by")):
        page = text(client.get(f"/staff/requests?status=all&lang={lang}"))
        for ref, (_received, due, due_fr, due_en) in LATE_ONES.items():
            cell = page[page.rindex("<tr", 0, page.index(ref)):page.index(ref)]
            assert (due_fr if lang == "fr" else due_en) in cell, (ref, cell)
            assert f"{word} {(today - due).days} " in cell, (ref, cell)
        fresh = page[page.rindex("<tr", 0, page.index("DPR-TEST-Q000")):page.index("DPR-TEST-Q000")]
        assert word not in fresh
    only_late = text(client.get("/staff/requests?overdue=1&lang=en"))
    assert all(ref in only_late for ref in LATE_ONES) and "DPR-TEST-Q000" not in only_late
