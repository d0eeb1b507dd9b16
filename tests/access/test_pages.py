"""The tenant's "who consulted my file", the DPO's audit log, the tenant search service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from portal import access
from portal.formatting import PARIS
from portal.tenancy import search as tenant_search
from tests import builders
from tests.access.helpers import db_session, last_entry, text_of
from tests.builders import PASSWORD
from tests.conftest import login


def _client(app, email: str):
    client = app.test_client()
    login(client, email, PASSWORD)
    return client


def _visit(app, staff, tenant) -> None:
    assert _client(app, staff.email).get(f"/staff/tenants/{tenant.id}").status_code == 200


def _named(session, people):
    """Names that no other row of the database contains."""
    people.caretaker.display_name = "Gardienne Rosalind Test"
    people.manager.display_name = "Gestion Tobias Test"
    people.tenant.first_name, people.tenant.last_name = "Alix", "Rossignol"
    session.flush()
    return people


def test_access_log_lists_reads_newest_first_with_role_purpose_and_categories(app, session):
    people = _named(session, builders.estate(session))
    _visit(app, people.caretaker, people.tenant)
    _visit(app, people.manager, people.tenant)
    client = _client(app, people.tenant_account.email)
    text = text_of(client.get("/me/access-log?lang=en"))
    entries = text.split("newest first.")[1]
    assert entries.index("Rental manager") < entries.index("Building caretaker")
    assert "Purpose: Rental management" in entries and "Purpose: Technical intervention" in entries
    assert "Parts of your file seen: Identity, Contact details, Household" in entries
    assert "Consultations recorded: 2." in text
    assert "Gestion Tobias Test" not in text and "Gardienne Rosalind Test" not in text
    fr = text_of(client.get("/me/access-log?lang=fr"))
    assert "Motif : Gestion locative" in fr and "Chargé(e) de gestion locative" in fr


def test_access_log_shows_staff_names_only_when_the_landlord_chooses_to(app, session):
    people = _named(session, builders.estate(session))
    _visit(app, people.caretaker, people.tenant)
    client = _client(app, people.tenant_account.email)
    app.config["SHOW_STAFF_NAMES_IN_ACCESS_LOG"] = True
    try:
        assert "Gardienne Rosalind Test" in text_of(client.get("/me/access-log?lang=en"))
    finally:
        app.config["SHOW_STAFF_NAMES_IN_ACCESS_LOG"] = False
    assert "Gardienne Rosalind Test" not in text_of(client.get("/me/access-log?lang=en"))


def test_access_log_is_only_the_tenants_own(app, session):
    people = builders.estate(session)
    _visit(app, people.manager, people.neighbour)  # someone else's file
    client = _client(app, people.tenant_account.email)
    text = text_of(client.get("/me/access-log?lang=en"))
    assert "No member of staff has read your file." in text
    assert client.get("/me/access-log?page=abc").status_code == 200


def test_access_log_pages(app, session):
    from portal.audit import chain as audit

    someone, account = builders.tenant_with_account(session)
    for n in range(30):
        audit.record(session, None, "dpo", "read", tenant_id=someone.id, categories=["identity"],
                     purpose=f"Contrôle {n}")
    session.commit()
    client = _client(app, account.email)
    first = text_of(client.get("/me/access-log?lang=en"))
    assert "Contrôle 29" in first and "Older" in first and "Contrôle 0 " not in first + " "
    second = text_of(client.get("/me/access-log?lang=en&page=2"))
    assert "Contrôle 0" in second and "Newer" in second


def test_audit_page_filters_by_tenant_staff_action_and_dates(app, session):
    people = _named(session, builders.estate(session))
    _visit(app, people.manager, people.tenant)
    _visit(app, people.caretaker, people.tenant)
    client = _client(app, people.dpo.email)

    def table(url):
        return text_of(client.get(url)).split("Purpose Details", 1)[-1]

    everything = table("/staff/audit?lang=en")
    assert "Gardienne Rosalind Test" in everything and "Gestion Tobias Test" in everything
    caretaker_id = last_entry(app).actor_id
    assert caretaker_id == people.caretaker.id
    only_caretaker = table(f"/staff/audit?lang=en&staff={caretaker_id}")
    assert "Gestion Tobias Test" not in only_caretaker and "Gardienne Rosalind Test" in only_caretaker
    other = text_of(client.get(f"/staff/audit?lang=en&tenant={people.neighbour.tenant_number}"))
    assert "No entry matches these filters." in other
    reads = table(f"/staff/audit?lang=en&action=read&tenant={people.tenant.tenant_number.lower()}")
    assert "Alix Rossignol" in reads and "Refused" not in reads
    today = datetime.now(PARIS).date().isoformat()  # the log's days are Paris days
    future = text_of(client.get("/staff/audit?lang=en&from=2099-01-01"))
    assert "No entry matches these filters." in future
    assert "Gardienne Rosalind Test" in table(f"/staff/audit?lang=en&from={today}&to={today}")


def test_audit_page_explains_bad_dates(app, session):
    client = _client(app, builders.account(session, "dpo").email)
    text = text_of(client.get("/staff/audit?lang=en&from=yesterday"))
    assert "Give a date such as 2026-11-28." in text
    fr = text_of(client.get("/staff/audit?lang=fr&from=2026-11-28&to=2026-11-01"))
    assert "La date de fin est antérieure à la date de début." in fr


def test_audit_page_is_for_the_dpo_only(app, session):
    people = builders.estate(session)
    for user in (people.manager, people.caretaker, people.admin, people.tenant_account):
        assert _client(app, user.email).get("/staff/audit").status_code == 403, user.role
    assert _client(app, people.dpo.email).get("/staff/audit").status_code == 200


def test_search_by_prefix_number_and_two_words(session):
    dpo = access.Actor(None, "dpo")
    builders.tenant(session, first_name="Ysolde", last_name="Quimbrel")
    builders.tenant(session, first_name="Ysaline", last_name="Quimby")
    odon = builders.tenant(session, first_name="Odon", last_name="Ysolet")

    def names(q):
        return [h.full_name for h in tenant_search.search(session, dpo, q).hits]
    assert names("quimb") == ["Ysolde Quimbrel", "Ysaline Quimby"]  # by last name
    assert names("QUIMBY") == ["Ysaline Quimby"]
    assert names(odon.tenant_number.lower()) == ["Odon Ysolet"]
    assert names("ysol") == ["Ysolde Quimbrel", "Odon Ysolet"]  # first or last name
    assert names("ysolde quimb") == ["Ysolde Quimbrel"] == names("quimbrel ysolde")
    assert names("ysolde quimby") == []
    assert names("%") == [] and names("_uimby") == []


def test_search_stays_inside_the_scope(session):
    people = builders.estate(session)
    outsider = builders.tenant(session, builders.building(session, portfolio_id=builders.portfolio(session).id),
                               last_name="Zephyrine")
    manager = access.actor_for(session, people.manager)
    assert [h.full_name for h in tenant_search.search(session, manager, "zephyrine").hits] == []
    assert tenant_search.matches_outside_scope(session, manager, "zephyrine") == 1
    assert {h.tenant_number for h in tenant_search.search(session, manager, "").hits} == {
        people.tenant.tenant_number, people.neighbour.tenant_number}
    assert outsider.tenant_number not in {h.tenant_number for h in tenant_search.search(session, manager, "").hits}


def test_search_by_name_uses_an_index_not_a_scan(app):
    with db_session(app) as s:
        if s.get_bind().dialect.name != "sqlite":
            return  # PostgreSQL picks a sequential scan on a five-row table whatever the indexes
        stmt = tenant_search._select_hits(access.Actor(None, "dpo")).where(tenant_search.match_condition("mar"))
        sql = str(stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(r[-1]) for r in s.execute(text("EXPLAIN QUERY PLAN " + sql)))
        assert "SCAN tenants" not in plan and "INDEX" in plan, plan


def test_search_pages_list_every_match_once_in_name_order(session):
    """Matches by last name, by first name and by both, paged two at a time: the pages
    put together are every match, once, sorted by last then first name."""
    people = [("Quarc", "Zola"), ("Anne", "Quartin"), ("Quartine", "Quartin"), ("Paul", "Quarchand"),
              ("Quarie", "Abadie"), ("Jean", "Quaréchal"), ("Luc", "Dupont"), ("Quario", "Quartin"),
              ("Ada", "Quarante")]
    for first, last in people:
        builders.tenant(session, first_name=first, last_name=last)
    dpo = access.Actor(None, "dpo")
    found, page = [], 1
    while True:
        results = tenant_search.search(session, dpo, "quar", page=page, page_size=2)
        found += [h.full_name for h in results.hits]
        if not results.has_next:
            break
        page += 1
    expected = sorted(
        [f"{f} {l}" for f, l in people if l.lower().startswith("quar") or f.lower().startswith("quar")],
        key=lambda n: (n.split(" ", 1)[1].lower(), n.split(" ", 1)[0].lower()))
    assert found == expected
    assert len(found) == 8 and page == 4  # two per page
