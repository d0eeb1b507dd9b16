"""The attack suite: a hostile tenant, a curious employee, a script kiddie. Each case is
a real request against the app. Routes are read from the app's URL map, so pages other
helpers add later are attacked too (a route list printed by `flask routes`)."""

from __future__ import annotations

import io
import re
import statistics
import time

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.accounts import passwords
from portal.models import Note, OneTimeToken, PrivacyRequest, Tenant, User
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import build_app, login
from tests.security.helpers import PAYLOAD, cast, committed_cast, csrf_token, db_session, fill, rules

@pytest.fixture()
def people(session):
    """The cast of tests/security/helpers.cast, committed into the test's transaction."""
    built = cast(session)
    session.commit()
    return built


@pytest.fixture(scope="module")
def hardened_people(hardened):
    return committed_cast(hardened)


PUBLIC = {"/", "/login", "/logout", "/activate", "/password/forgot", "/healthz", "/login/two-factor",
          "/confirm-email/<token>", "/password/reset/<token>"}


# --- Access: other tenants' ids, staff pages, anonymous ---------------------------------

def test_anonymous_is_sent_to_login_on_every_private_page(app, client, people):
    for rule in rules(app):
        if rule in PUBLIC:
            continue
        url = fill(rule, {"ref": people.own_refs[0], "id": people.tenant.id, "tenant_id": people.tenant.id})
        response = client.get(url)
        assert response.status_code in (302, 401, 404), (url, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], url


def test_a_tenant_gets_nothing_from_any_staff_url(app, client, people):
    login(client, people.tenant_account.email, PASSWORD)
    staff_rules = rules(app, "/staff") + rules(app, "/admin")
    assert staff_rules, "no staff URL to attack"
    for rule in staff_rules:
        for values in ({"ref": people.own_refs[0], "id": people.tenant.id, "tenant_id": people.tenant.id},
                       {"ref": people.neighbour_refs[0], "id": people.neighbour.id, "tenant_id": people.neighbour.id}):
            url = fill(rule, values)
            response = client.get(url)
            assert response.status_code in (403, 404), (url, response.status_code)
            assert "Quenault" not in response.get_data(as_text=True)


def test_a_tenant_cannot_post_staff_actions(app, client, people, session):
    login(client, people.tenant_account.email, PASSWORD)
    staff_posts = rules(app, "/staff", "POST") + rules(app, "/admin", "POST")
    assert "/staff/requests/<ref>" in staff_posts, staff_posts  # PRODUCT.md §8: attacked, never skipped
    for rule in staff_posts:
        url = fill(rule, {"ref": people.neighbour_refs[0], "id": people.neighbour.id,
                          "tenant_id": people.neighbour.id})
        response = client.post(url, data={"action": "close", "message": "x"})
        assert response.status_code in (403, 404), (url, response.status_code)
    # The neighbour's request was received and is still received: nothing was closed.
    statuses = session.scalars(select(PrivacyRequest.status).where(PrivacyRequest.ref == people.neighbour_refs[0]))
    assert list(statuses) == ["received"]


def test_every_ref_and_id_url_under_me_refuses_another_tenants_ids(app, client, people):
    login(client, people.tenant_account.email, PASSWORD)
    # Her own request opens (the 404s below are about whose it is, not a broken page).
    assert client.get(f"/me/requests/{people.own_refs[0]}").status_code == 200
    with_ids = [r for r in rules(app, "/me") if "<" in r]
    # PRODUCT.md §8: these must be attacked; a renamed route must not make the test pass empty.
    assert {"/me/requests/<ref>", "/me/requests/<ref>/letter.pdf"} <= set(with_ids), with_ids
    for rule in with_ids:
        for ref in people.neighbour_refs:
            url = fill(rule, {"ref": ref, "id": people.neighbour.id, "tenant_id": people.neighbour.id})
            response = client.get(url)
            assert response.status_code == 404, (url, response.status_code)


def test_guessing_refs_that_do_not_exist_is_the_same_404(app, client, people):
    login(client, people.tenant_account.email, PASSWORD)
    with_refs = [r for r in rules(app, "/me") if "<ref>" in r]
    assert "/me/requests/<ref>" in with_refs, with_refs
    for rule in with_refs:
        assert client.get(fill(rule, {"ref": "DPR-9999-9999"})).status_code == 404, rule


def test_own_exports_never_contain_another_tenant(app, client, people):
    login(client, people.tenant_account.email, PASSWORD)
    body = client.get("/me/export.json").get_data(as_text=True)
    assert "Verdier" in body and "Quenault" not in body and "NUM-QUENAULT" not in body


@pytest.mark.parametrize("category", ["resources", "payments", "notes", "household", "correspondence",
                                      "requests", "access_log", "account"])
def test_a_caretaker_never_sees_a_forbidden_category(app, client, session, category):
    from portal import catalogue

    people = cast(session)
    builders.full_file(session, people.tenant)  # a record in every category
    session.commit()
    url = f"/staff/tenants/{people.tenant.id}"  # PRODUCT.md §8
    title = str(catalogue.get(category).title)  # in French, as the page (the title is read outside a request)
    # The DPO, who may read everything, sees the category on the same page...
    login(client, people.dpo.email, PASSWORD)
    client.post(url, data={"purpose": "privacy_request"})
    assert title in client.get(url).get_data(as_text=True), title
    client.post("/logout")
    login(client, people.caretaker.email, PASSWORD)
    response = client.get(url)
    # ...the caretaker's file opens (a missing or refused page would hide every category
    # and prove nothing) and shows what a caretaker may read, not the category.
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    assert "Verdier" in page and "Téléphone" in page
    assert title not in page


def test_a_caretaker_cannot_open_a_tenant_of_another_building(app, client, people):
    login(client, people.caretaker.email, PASSWORD)
    assert client.get(f"/staff/tenants/{people.tenant.id}").status_code == 200  # their building's tenant
    response = client.get(f"/staff/tenants/{people.neighbour.id}")  # PRODUCT.md §8 URL
    assert response.status_code == 404 and "Quenault" not in response.get_data(as_text=True)


# --- CSRF ---------------------------------------------------------------------------------

def _post_forms(app) -> list[str]:
    found = rules(app, "", "POST")
    # PRODUCT.md §8 forms: attacked every time, a renamed route must not empty the list.
    assert {"/login", "/me/requests/new", "/staff/requests/<ref>"} <= set(found), found
    return found


def test_every_form_refuses_a_post_without_csrf_token(hardened, hardened_people):
    people, email = hardened_people, hardened_people.tenant_account.email
    client = hardened.test_client()
    login_with_csrf(client, email)
    before = _user_state(hardened, email)
    for rule in _post_forms(hardened):
        url = fill(rule, {"ref": people.own_refs[0], "id": people.tenant.id, "token": "x"})
        response = client.post(url, data={"email": email, "password": "x", "details": "no token"})
        # 400 (refused, the form shown again), 404, or a redirect the view makes before
        # acting (a page this role does not use): in every case nothing changes.
        assert response.status_code in (302, 400, 403, 404), (url, response.status_code)
    assert _user_state(hardened, email) == before  # logout did not happen, nothing changed


def test_every_form_refuses_a_wrong_csrf_token(hardened, hardened_people):
    people = hardened_people
    client = hardened.test_client()
    login_with_csrf(client, people.tenant_account.email)
    for rule in _post_forms(hardened):
        url = fill(rule, {"ref": people.own_refs[0], "id": people.tenant.id, "token": "x"})
        response = client.post(url, data={"csrf_token": "forged." + "A" * 40, "details": "wrong"})
        assert response.status_code in (302, 400, 403, 404), (url, response.status_code)
        assert client.get("/me").status_code == 200, url  # still logged in: logout was refused


def test_a_token_from_another_session_is_refused(hardened, hardened_people):
    attacker = hardened.test_client()
    token = csrf_token(attacker)
    victim = hardened.test_client()
    data = {"email": hardened_people.tenant_account.email, "password": PASSWORD}
    assert victim.post("/login", data={**data, "csrf_token": token}).status_code == 400
    assert victim.post("/login", data={**data, "csrf_token": csrf_token(victim)}).status_code == 302


def test_an_expired_form_comes_back_with_the_text_and_a_message(hardened):
    client = hardened.test_client()
    text = "Je demande la correction de mon numéro de téléphone. " * 50
    response = client.post("/activate?lang=en", data={"code": "ABCD-EFGH", "email": "me@example.org",
                                                       "password": text[:40], "csrf_token": "expired"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "this form had expired. Nothing was sent" in page
    assert 'value="me@example.org"' in page and 'value="ABCD-EFGH"' in page
    assert re.search(r'name="csrf_token" value="[^"]{20,}"', page)  # a fresh token to send again
    french = hardened.test_client().post("/login", data={"email": "ines.roux@example.org", "password": "x",
                                                         "csrf_token": "expired"})
    assert "ce formulaire avait expiré" in french.get_data(as_text=True)


def test_new_request_text_survives_an_expired_token(hardened, hardened_people):
    client = hardened.test_client()
    login_with_csrf(client, hardened_people.tenant_account.email)
    long_text = "Mon dossier mentionne une dette que j'ai réglée en 2024. " * 40
    response = client.post("/me/requests/new", data={"kind": "access", "details": long_text, "csrf_token": "old"})
    assert response.status_code == 400
    assert long_text.strip()[:200] in response.get_data(as_text=True).replace("&#39;", "'")


def login_with_csrf(client, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302, email


def _user_state(app, email: str) -> tuple:
    with app.app_context():
        s = db_session(app)
        user = s.scalar(select(User).where(User.email == email))
        state = (user.session_version, user.password_hash, user.email_confirmed)
        s.close()
        return state


# --- Injection: HTML/script, SQL, sizes, encodings, paths ------------------------------------

def test_script_in_the_login_form_comes_back_escaped(client):
    page = client.post("/login", data={"email": PAYLOAD, "password": PAYLOAD}).get_data(as_text=True)
    assert "<script>alert" not in page and "onerror=alert(1)>" not in page
    assert "&lt;script&gt;" in page


def test_script_in_activation_and_reset_forms_comes_back_escaped(client):
    for url, data in (("/activate", {"code": PAYLOAD, "email": PAYLOAD, "password": "a", "password_confirm": "b"}),
                      ("/password/forgot", {"email": PAYLOAD})):
        page = client.post(url, data=data).get_data(as_text=True)
        assert "<script>alert" not in page, url


def test_script_in_stored_tenant_data_is_escaped_on_every_page_and_literal_in_the_pdf(app, client, session):
    someone, account = builders.tenant_with_account(session)
    someone.first_name = PAYLOAD
    session.add(Note(tenant_id=someone.id, author_name=PAYLOAD, body="Note " + PAYLOAD))
    session.commit()
    login(client, account.email, PASSWORD)
    page = client.get("/me").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    export = client.get("/me/export.json")
    assert export.mimetype == "application/json"
    pdf = client.get("/me/export.pdf")
    if pdf.status_code == 200 and pdf.mimetype == "application/pdf":
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
        assert 'alert("pwn")' in text.replace("\n", "")  # shown as text, not interpreted


def test_script_in_stored_data_is_escaped_in_staff_pages(app, client, session):
    someone = builders.tenant(session, last_name=PAYLOAD)
    ref = builders.request(session, someone).ref
    session.add(Note(tenant_id=someone.id, author_name="x", body=PAYLOAD))
    dpo = builders.account(session, "dpo")
    session.commit()
    login(client, dpo.email, PASSWORD)
    checked = 0
    for rule in rules(app, "/staff"):
        url = fill(rule, {"tenant_id": someone.id, "id": someone.id, "ref": ref})
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            assert "<script>alert" not in response.get_data(as_text=True), url
            checked += 1
    search = [r for r in rules(app, "/staff/tenants") if "<" not in r]
    assert search == ["/staff/tenants"], search  # PRODUCT.md §8: the search must be attacked, never skipped
    for rule in search:
        page = client.get(rule, query_string={"q": PAYLOAD}).get_data(as_text=True)
        assert "<script>alert" not in page
    assert checked >= 1


@pytest.mark.parametrize("probe", ["' OR '1'='1", "'; DROP TABLE users; --", "\" OR 1=1 --", "%' OR 'a'='a",
                                   "admin@example.org'--"])
def test_sql_metacharacters_in_login_are_plain_text(client, session, probe):
    _, account = builders.tenant_with_account(session)
    session.commit()
    response = client.post("/login", data={"email": probe, "password": probe})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.get_data(as_text=True)
    assert client.post("/login", data={"email": account.email, "password": PASSWORD}).status_code == 302


def test_sql_metacharacters_in_search(app, client, people):
    search = ["/staff/tenants"]  # PRODUCT.md §8
    login(client, people.dpo.email, PASSWORD)
    for probe in ("' OR '1'='1", "%", "_", "'; DROP TABLE tenants; --", "\\"):
        response = client.get(search[0], query_string={"q": probe})
        assert response.status_code == 200, probe
        assert "Quenault" not in response.get_data(as_text=True), probe  # a probe matches no one
    found = client.get(search[0], query_string={"q": "Verdier"}).get_data(as_text=True)
    assert "Verdier Apolline" in found  # the table survived the probes


def test_a_megabyte_in_each_text_field_is_refused_with_a_message(client):
    big = "A" * 1_000_000
    for url, fields in (("/login", ("email", "password")), ("/activate", ("code", "email", "password")),
                        ("/password/forgot", ("email",))):
        for name in fields:
            data = {"email": "x@example.org", "password": "x", "code": "x", "password_confirm": "x", name: big}
            response = client.post(url + "?lang=en", data=data)
            page = response.get_data(as_text=True)
            # Werkzeug refuses a form field over 500 kB (MAX_FORM_MEMORY_SIZE): the 413 page.
            assert (response.status_code == 413 and "What you sent is too large" in page) or \
                   (response.status_code == 200 and "longer than" in page), (url, name)


def test_a_body_over_the_limit_gets_the_413_page(client):
    response = client.post("/login?lang=en", data={"email": "x", "password": "A" * (5 * 1024 * 1024)})
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)


def test_invalid_utf8_in_a_form_gets_a_clear_message_and_keeps_the_rest(client):
    body = b"email=ines.roux%40example.org&password=%FF%FEabc"
    response = client.post("/login?lang=en", data=body, content_type="application/x-www-form-urlencoded")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "characters that cannot be read" in page and 'value="ines.roux@example.org"' in page


def test_nul_byte_in_a_form_gets_a_clear_message(client):
    response = client.post("/login", data={"email": "ines\x00@example.org", "password": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "caractères illisibles" in page


def test_nul_byte_in_the_address_is_refused_cleanly(client):
    response = client.get("/login?next=%00&lang=en")
    assert response.status_code == 400
    assert "cannot be read" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/static/../portal/config.py", "/static/..%2f..%2fportal%2fconfig.py",
                                  "/static/%2e%2e/%2e%2e/etc/passwd", "/static/....//....//etc/passwd",
                                  "/me/requests/..%2F..%2Fetc%2Fpasswd/letter.pdf"])
def test_path_traversal_finds_nothing(client, session, path):
    _, account = builders.tenant_with_account(session)
    session.commit()
    login(client, account.email, PASSWORD)
    response = client.get(path)
    assert response.status_code == 404
    assert "SECRET_KEY" not in response.get_data(as_text=True) and "root:" not in response.get_data(as_text=True)


def test_a_tenant_number_cannot_steer_where_letters_are_written(app, runner, session, tmp_path):
    session.add(Tenant(tenant_number="../../evil", first_name="A", last_name="B", preferred_language="fr"))
    session.commit()
    out = tmp_path / "letters"
    result = runner.invoke(args=["activation-letters", "--out", str(out), "--tenant", "../../evil"])
    assert result.exit_code == 0, result.output
    written = list(out.iterdir())
    assert len(written) == 1 and written[0].parent == out and ".." not in written[0].name


# --- Sessions, passwords, redirects -----------------------------------------------------------

def test_session_fixation_nothing_planted_survives_login(client, session):
    _, account = builders.tenant_with_account(session)
    session.commit()
    with client.session_transaction() as sess:
        sess["planted"] = "attacker"
        sess["_user_id"] = "999:1"
    before = client.get_cookie("session").value
    login(client, account.email, PASSWORD)
    with client.session_transaction() as sess:
        assert "planted" not in sess
    assert client.get_cookie("session").value != before


def test_session_cookie_flags(client, session):
    _, account = builders.tenant_with_account(session)
    session.commit()
    response = client.post("/login", data={"email": account.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_password_change_ends_every_other_session(app, session):
    _, account = builders.tenant_with_account(session)
    session.commit()
    first, second = app.test_client(), app.test_client()
    login(first, account.email, PASSWORD)
    login(second, account.email, PASSWORD)
    new = "Brume-Sapin-58-Corail!"
    response = first.post("/account/password", data={"current_password": PASSWORD, "password": new,
                                                      "password_confirm": new})
    assert response.status_code == 302
    assert first.get("/me").status_code == 200
    assert second.get("/me").status_code == 302


def test_a_weak_or_common_new_password_is_refused_with_the_rule(client, session):
    _, account = builders.tenant_with_account(session)
    session.commit()
    login(client, account.email, PASSWORD)
    for weak in ("password12345678", "Azerty123456", "demo-portal-2026", "short1!A"):
        page = client.post("/account/password?lang=en", data={"current_password": PASSWORD, "password": weak,
                                                               "password_confirm": weak}).get_data(as_text=True)
        assert "common or leaked" in page or "too weak" in page, weak
        assert "12 characters or more" in page  # the rule is explained on the form


def test_a_hundred_wrong_passwords(throttled):
    people = committed_cast(throttled)
    target, bystander = people.neighbour_account.email, people.tenant_account.email
    client = throttled.test_client()
    codes = [client.post("/login", data={"email": target, "password": f"guess-{i}-Xy!"}).status_code
             for i in range(100)]
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}
    assert client.post("/login", data={"email": target, "password": PASSWORD}).status_code == 429
    # The attacker's address is blocked for every account after 30 failures...
    other = client.post("/login", data={"email": bystander, "password": PASSWORD})
    assert other.status_code == 429
    # ...but the bystander, from her own address, still logs in.
    own = throttled.test_client()
    response = own.post("/login", data={"email": bystander, "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 302


def test_unknown_email_and_wrong_password_take_the_same_time(tmp_path):
    minimum = 0.3
    app = build_app(tmp_path, "timing", demo=False, ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=32768,
                    ARGON2_PARALLELISM=1, LOGIN_FAILURE_MIN_SECONDS=minimum)
    with builders.committed(app) as s:
        # A real-cost hash, as the app makes them (the builders' cheap one would answer at once).
        email = builders.account(s, password_hash=passwords.hash_password(passwords.hasher(2, 32768, 1), PASSWORD)).email
    client = app.test_client()

    def timed(address: str) -> float:
        start = time.perf_counter()
        response = client.post("/login?lang=en", data={"email": address, "password": "wrong-but-long-1!"})
        assert "Incorrect e-mail address or password" in response.get_data(as_text=True)
        return time.perf_counter() - start

    timed(email)  # warm-up
    # Interleaved, so that a change in the machine's load falls on both sides alike. Without
    # the padding a wrong password (a login event and a failure count written) took 0.17 s
    # and an unknown address 0.07 s on CI's loaded machine: the tolerance is a share of the
    # padded minimum.
    pairs = [(timed(email), timed("nobody-at-all@example.org")) for _ in range(7)]
    wrong = statistics.median(w for w, _ in pairs)
    unknown = statistics.median(u for _, u in pairs)
    assert min(wrong, unknown) >= minimum, (wrong, unknown)  # both answers are padded
    assert abs(wrong - unknown) < 0.1 * minimum, (wrong, unknown)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example",
                                    "javascript:alert(1)", "http:evil.example", "\\\\evil.example",
                                    "/\t/evil.example", "/\n/evil.example", " //evil.example",
                                    "/%09/evil.example"])
def test_next_never_leads_off_the_site(client, session, target):
    from urllib.parse import urlsplit

    _, account = builders.tenant_with_account(session)
    session.commit()
    response = client.post("/login", query_string={"next": target},
                           data={"email": account.email, "password": PASSWORD})
    location = response.headers["Location"]
    # What a browser does with it: drop tabs and newlines, then resolve against our site.
    browser = re.sub(r"[\t\n\r]", "", location)
    assert urlsplit(browser).netloc in ("", "localhost") and not browser.startswith("//"), location
    assert "javascript" not in location


def test_next_on_the_site_is_followed(client, session):
    _, account = builders.tenant_with_account(session)
    session.commit()
    response = client.post("/login?next=/me/export.json", data={"email": account.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/me/export.json")


# --- Twice the same form --------------------------------------------------------------------

def test_the_same_activation_posted_twice_makes_one_account(app, runner, session, tmp_path):
    builders.tenant(session, tenant_number="ACT-777777", first_name="Lina", last_name="Roux", preferred_language="en")
    session.commit()
    runner.invoke(args=["activation-letters", "--out", str(tmp_path), "--tenant", "ACT-777777"])
    letter = (tmp_path / "activation-ACT-777777.txt").read_text(encoding="utf-8")
    assert "Activation code" in letter  # English tenant, English letter
    code = re.search(r"[A-Z2-9]{4}(?:-[A-Z2-9]{4}){3}", letter).group(0)
    client = app.test_client()
    data = {"code": code, "email": "lina@example.org", "password": "Ciel-Ardoise-19-Menthe!",
            "password_confirm": "Ciel-Ardoise-19-Menthe!"}
    first, second = client.post("/activate", data=data), client.post("/activate", data=data)
    assert first.status_code == 200 and "Code d'activation" not in first.get_data(as_text=True)
    assert "n&#39;est pas valide" in second.get_data(as_text=True)
    users = session.scalars(select(User).where(User.email == "lina@example.org")).all()
    assert len(users) == 1
    used = session.scalars(select(OneTimeToken).where(OneTimeToken.user_id == users[0].id,
                                                      OneTimeToken.purpose == "activation")).all()
    assert [t.used_at is not None for t in used] == [True]


def test_the_same_new_request_posted_twice_is_one_request(app, client, session):
    someone, account = builders.tenant_with_account(session)
    session.commit()
    login(client, account.email, PASSWORD)
    data = {"kind": "access", "details": "Je veux une copie de mon dossier (double clic)."}
    client.post("/me/requests/new", data=data)
    client.post("/me/requests/new", data=data)
    filed = session.scalars(select(PrivacyRequest.details).where(PrivacyRequest.tenant_id == someone.id)).all()
    assert filed == ["Je veux une copie de mon dossier (double clic)."]


# --- Error pages and headers ----------------------------------------------------------------

@pytest.mark.parametrize("lang,text", [("fr", "Page introuvable"), ("en", "Page not found")])
def test_404_page_in_both_languages(client, lang, text):
    response = client.get(f"/no/such/page?lang={lang}")
    assert response.status_code == 404 and text in response.get_data(as_text=True)


def test_405_page(client):
    response = client.put("/login?lang=en")
    assert response.status_code == 405 and "This action is not allowed here" in response.get_data(as_text=True)


def test_a_crash_shows_no_trace_and_is_logged(tmp_path, caplog):
    app = build_app(tmp_path, "crash", demo=False, PROPAGATE_EXCEPTIONS=False)

    @app.route("/_boom")
    def boom():
        raise RuntimeError("secret internals: SELECT password_hash FROM users")

    response = app.test_client().get("/_boom?lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong on our side" in page
    assert "Traceback" not in page and "password_hash" not in page and "RuntimeError" not in page
    assert "secret internals" in caplog.text


def test_security_headers_on_errors_and_static_files_too(client):
    for url in ("/no/such/page", "/static/css/portal.css", "/login"):
        response = client.get(url)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url


def test_pages_load_nothing_from_another_site(app, client, session):
    _, account = builders.tenant_with_account(session)
    session.commit()
    login(client, account.email, PASSWORD)
    for url in ("/login", "/me"):
        page = client.get(url).get_data(as_text=True)
        for attr in re.findall(r'(?:src|href)="(https?:)?//[^"]+"', page):
            pytest.fail(f"{url} loads an asset from another site")
        assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', page), url
