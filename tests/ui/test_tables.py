"""The table macros (templates/_tables.html) as a reader sees them: the request queue's
rows and badges, the tenant search's rows, option lists, in French and in English."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import render_template_string
from flask_babel import force_locale

from portal.i18n import in_locale
from portal.requests.queue import Row
from portal.tenancy.search import TenantHit
from portal.web.request_texts import queue_labels, queue_lines

TODAY = date(2026, 3, 10)


def _request(ref: str = "DPR-T-1", status: str = "in_progress", days_left: int = -3, **changes) -> Row:
    values = dict(ref=ref, kind="access", status=status, tenant_name="Inès Roux", tenant_number="T-000101",
                  received_on=TODAY - timedelta(days=40), due_on=TODAY + timedelta(days=days_left),
                  days_left=days_left, overdue=days_left < 0, due_soon=0 <= days_left <= 7, assignee=None,
                  is_repeat=False, identity_verified=True, extended=False)
    values.update(changes)
    return Row(**values)


def _render(lang: str, source: str, rows: list[Row] = (), **context) -> str:
    with force_locale(lang), in_locale(lang):  # the page's words, and the catalogue's labels
        lines = queue_lines(rows, queue_labels(lang), "/staff/requests/")  # as the queue's view does
        return render_template_string('{% import "_tables.html" as t %}' + source, lines=lines, **context)


QUEUE = "{{ t.queue_rows(lines) }}"


@pytest.mark.parametrize("lang, overdue, nobody, identity", [
    ("fr", "En retard de 3 jours", "Personne pour l'instant", "Identité à vérifier"),
    ("en", "Overdue by 3 days", "Nobody yet", "Identity to check"),
])
def test_a_late_request_reads_as_overdue_in_the_staff_language(app, lang, overdue, nobody, identity):
    with app.test_request_context():
        html = _render(lang, QUEUE, rows=[_request(identity_verified=False)])
    assert '<tr class="overdue">' in html and overdue in html
    assert nobody in html and identity in html
    assert '<a class="ref" href="/staff/requests/DPR-T-1">DPR-T-1</a>' in html


def test_days_left_show_only_while_the_clock_runs(app):
    with app.test_request_context():
        running = _render("en", QUEUE, rows=[_request(days_left=20, assignee="Dominique")])
        soon = _render("fr", QUEUE, rows=[_request(days_left=3)])
        # Waiting for the information that identifies the tenant: the clock stops (EDPB 01/2022).
        waiting = _render("en", QUEUE, rows=[_request(status="waiting_info", days_left=20, clock_runs=False)])
    assert "Days left: 20" in running and "Dominique" in running and 'class="overdue"' not in running
    assert "Days left" not in waiting
    assert '<span class="badge badge-ok">Days left: 20</span>' in running
    assert '<span class="badge badge-soon">Jours restants : 3</span>' in soon


def test_what_staff_typed_is_escaped_and_a_reference_is_quoted_in_its_link(app):
    with app.test_request_context():
        html = _render("en", QUEUE, rows=[_request(ref="A B<i>", tenant_name="<b>Eve</b>")])
    assert "<b>Eve</b>" not in html and "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert 'href="/staff/requests/A%20B%3Ci%3E"' in html


def test_search_rows_link_each_tenant_to_their_file(app):
    hits = [TenantHit(7, "T-000107", "Jean", "Dupont", None, "12")]
    with app.test_request_context():
        html = _render("fr", "{{ t.tenant_rows(hits, '/staff/tenants/') }}", hits=hits)
    assert '<a href="/staff/tenants/7">Dupont Jean</a>' in html
    assert '<td data-label="Immeuble">—</td>' in html and ">12</td>" in html


def test_the_chosen_option_is_selected(app):
    with app.test_request_context():
        html = _render("en", "{{ t.options(staff, '2') }}", staff=[(1, "Ana"), (2, "Bo")])
    assert html == '<option value="1">Ana</option><option value="2" selected>Bo</option>'
