"""The tenant's "who consulted my file", the DPO's audit log, the tenant search service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from portal import access
from portal.formatting import PARIS
from portal.tenancy import search as tenant_search
from tests.access.helpers import db_session, last_entry, tenant_id, text_of
from tests.conftest import login


def _visit(app, email: str, number: str) -> None:
    client = app.test_client()
    login(client, email)
    assert client.get(f"/staff/tenants/{tenant_id(app, number)}").status_code == 200


def test_access_log_lists_reads_newest_first_with_role_purpose_and_categories(app):
    _visit(app, "gestion@example.org", "LOC-000101")
    client = app.test_client()
    login(client, "camille.martin@example.org")
    text = text_of(client.get("/me/access-log?lang=en"))
    entries = text.split("newest first.")[1]
    assert entries.index("Rental manager") < entries.index("Building caretaker")
    assert "Purpose: Rental management" in entries
    assert "Parts of your file seen: Identity, Contact details, Household" in entries
    assert "Consultations recorded: 3." in text
    assert "Service gestion locative" not in text
    fr = text_of(client.get("/me/access-log?lang=fr"))
    assert "Motif : Gestion locative" in fr and "Chargé(e) de gestion locative" in fr


def test_access_log_shows_staff_names_only_when_the_landlord_chooses_to(app):
    client = app.test_client()
    login(client, "camille.martin@example.org")
    app.config["SHOW_STAFF_NAMES_IN_ACCESS_LOG"] = True
    try:
        assert "Gardien Les Lilas" in text_of(client.get("/me/access-log?lang=en"))
    finally:
        app.config["SHOW_STAFF_NAMES_IN_ACCESS_LOG"] = False
    assert "Gardien Les Lilas" not in text_of(client.get("/me/access-log?lang=en"))


def test_access_log_is_only_the_tenants_own(app):
    client = app.test_client()
    login(client, "karim.benali@example.org")
    text = text_of(client.get("/me/access-log?lang=en"))
    assert "No member of staff has read your file." in text
    assert client.get("/me/access-log?page=abc").status_code == 200


def test_access_log_pages(app):
    with db_session(app) as s:
        from portal.audit import chain as audit
        camille = tenant_id(app, "LOC-000101")
        for n in range(30):
            audit.record(s, None, "dpo", "read", tenant_id=camille, categories=["identity"], purpose=f"Contrôle {n}")
        s.commit()
    client = app.test_client()
    login(client, "camille.martin@example.org")
    first = text_of(client.get("/me/access-log?lang=en"))
    assert "Contrôle 29" in first and "Older" in first and "Contrôle 0 " not in first + " "
    second = text_of(client.get("/me/access-log?lang=en&page=2"))
    assert "Contrôle 0" in second and "Newer" in second


def test_audit_page_filters_by_tenant_staff_action_and_dates(app):
    _visit(app, "gardien.lilas@example.org", "LOC-000101")
    client = app.test_client()
    login(client, "dpo@example.org")
    def table(url):
        return text_of(client.get(url)).split("Purpose Details", 1)[-1]

    everything = table("/staff/audit?lang=en")
    assert "Gardien Les Lilas" in everything and "Service gestion locative" in everything
    caretaker_id = last_entry(app).actor_id
    only_caretaker = table(f"/staff/audit?lang=en&staff={caretaker_id}")
    assert "Service gestion locative" not in only_caretaker and "Gardien Les Lilas" in only_caretaker
    karim = text_of(client.get("/staff/audit?lang=en&tenant=LOC-000202"))
    assert "No entry matches these filters." in karim
    reads = table("/staff/audit?lang=en&action=read&tenant=loc-000101")
    assert "Camille Martin" in reads and "Refused" not in reads
    today = datetime.now(PARIS).date().isoformat()  # the log's days are Paris days
    future = text_of(client.get("/staff/audit?lang=en&from=2099-01-01"))
    assert "No entry matches these filters." in future
    assert "Gardien Les Lilas" in table(f"/staff/audit?lang=en&from={today}&to={today}")


def test_audit_page_explains_bad_dates(app):
    client = app.test_client()
    login(client, "dpo@example.org")
    text = text_of(client.get("/staff/audit?lang=en&from=yesterday"))
    assert "Give a date such as 2026-11-28." in text
    fr = text_of(client.get("/staff/audit?lang=fr&from=2026-11-28&to=2026-11-01"))
    assert "La date de fin est antérieure à la date de début." in fr


def test_audit_page_is_for_the_dpo_only(app):
    for email in ("gestion@example.org", "gardien.lilas@example.org", "admin@example.org",
                  "camille.martin@example.org"):
        client = app.test_client()
        login(client, email)
        assert client.get("/staff/audit").status_code == 403, email


def test_search_by_prefix_number_and_two_words(app):
    dpo = access.Actor(None, "dpo")
    with db_session(app) as s:
        def names(q):
            return [h.full_name for h in tenant_search.search(s, dpo, q).hits]
        assert names("mart") == ["Camille Martin"]
        assert names("MARTIN") == ["Camille Martin"]
        assert names("loc-000202") == ["Karim Benali"]
        assert names("camille mar") == ["Camille Martin"] == names("martin camille")
        assert names("camille benali") == []
        assert names("%") == [] and names("_arim") == []
        assert len(names("")) == 5


def test_search_stays_inside_the_scope(app):
    with db_session(app) as s:
        from portal.models import User
        from sqlalchemy import select
        manager = access.actor_for(s, s.scalar(select(User).where(User.email == "gestion@example.org")))
        assert [h.full_name for h in tenant_search.search(s, manager, "diallo").hits] == []
        assert tenant_search.matches_outside_scope(s, manager, "diallo") == 1
        assert {h.full_name for h in tenant_search.search(s, manager, "").hits} == {
            "Camille Martin", "Karim Benali", "Sophie Durand", "John Smith"}


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
    from portal.models import Tenant

    people = [("Marc", "Zola"), ("Anne", "Martin"), ("Martine", "Martin"), ("Paul", "Marchand"),
              ("Marie", "Abadie"), ("Jean", "Maréchal"), ("Luc", "Dupont"), ("Mario", "Martin")]
    for i, (first, last) in enumerate(people):
        session.add(Tenant(tenant_number=f"LOC-T-SRCH-{i}", first_name=first, last_name=last))
    session.flush()
    dpo = access.Actor(None, "dpo")
    found, page = [], 1
    while True:
        results = tenant_search.search(session, dpo, "mar", page=page, page_size=2)
        found += [h.full_name for h in results.hits]
        if not results.has_next:
            break
        page += 1
    expected = sorted(
        [f"{f} {l}" for f, l in people if l.lower().startswith("mar") or f.lower().startswith("mar")]
        + ["Camille Martin"],  # the demo tenant
        key=lambda n: (n.split(" ", 1)[1].lower(), n.split(" ", 1)[0].lower()))
    assert found == expected
    assert len(found) == 8 and page == 4  # two per page
