"""The authorisation matrix, generated from the application's own URL map: every route,
for every kind of visitor (tests/access/matrix.py), gets the answer the permissions and
the scopes imply. A route nobody declared fails."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from flask import url_for
from sqlalchemy.orm import Session

from tests import builders
from tests.access.matrix import ALLOWED, CASES, EXPECT, LOGIN, ROLE_OF, TARGET, Route
from tests.builders import PASSWORD
from tests.conftest import build_app, login

CHECKED_METHODS = ("GET", "POST")
# Routes registered only by a setting a deployment never sets: checked on an app built
# with it, so that they are exercised (and a rename fails) like every other route.
ONLY_WITH_SETTING = {"baseline.baseline": "BENCHMARK_BASELINE"}  # the benchmarks' reference page


def _rules(app):
    return sorted((r for r in app.url_map.iter_rules()), key=lambda r: r.rule)


def _endpoints(app) -> list[str]:
    return sorted({r.endpoint for r in _rules(app)})


def _cast(session: Session) -> SimpleNamespace:
    """The visitors of tests/access/matrix.py and what they ask for: the tenant ("own"),
    the neighbour ("other") and the outsider, with a request each; each role's e-mail."""
    people = builders.estate(session)
    outsider, _ = builders.outsider(session)
    requests = {"own": builders.request(session, people.tenant, kind="rectification"),
                "other": builders.request(session, people.neighbour, kind="erasure", status="waiting_info",
                                          asked="Pouvez-vous préciser ce que vous souhaitez effacer ?"),
                "outsider": builders.request(session, outsider, kind="restriction", status="in_progress")}
    emails = {"tenant": people.tenant_account.email, "caretaker": people.caretaker.email,
              "manager": people.manager.email, "dpo": people.dpo.email, "admin": people.admin.email}
    return SimpleNamespace(tenant={"own": people.tenant.id, "other": people.neighbour.id, "outsider": outsider.id},
                           request={key: row.ref for key, row in requests.items()},
                           caretaker_user=people.caretaker.id, emails=emails)


def _ids(app) -> SimpleNamespace:
    """The cast, committed into an app built for its own tests (with_settings)."""
    with builders.committed(app) as s:
        return _cast(s)


@pytest.fixture()
def ids(session):
    """The cast, in the test's rolled-back transaction."""
    cast = _cast(session)
    session.commit()
    return cast


@pytest.fixture(scope="module")
def with_settings(tmp_path_factory):
    """One app per setting of ONLY_WITH_SETTING, with that setting on (its own database)."""
    apps: dict[str, object] = {}

    def _app(setting: str):
        if setting not in apps:
            apps[setting] = build_app(tmp_path_factory.mktemp("setting"), setting.lower(), demo=False,
                                      **{setting: True})
        return apps[setting]
    return _app


@dataclass(frozen=True)
class _Answer:
    status_code: int
    location: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Location": self.location}


def _matches(answer, response: _Answer) -> bool:
    status, location = response.status_code, response.location
    to_login = status == 302 and "/login" in location
    if answer == LOGIN:
        return to_login
    if answer == ALLOWED:
        return status < 500 and status not in (401, 403, 404, 405) and not to_login
    if isinstance(answer, frozenset):
        return status in answer
    return status == answer


def test_every_route_is_declared_in_the_matrix(app):
    undeclared = [f"{r.endpoint} ({r.rule})" for r in _rules(app) if r.endpoint not in EXPECT]
    assert not undeclared, ("routes missing from tests/access/matrix.py EXPECT (declare who may see them):\n  "
                            + "\n  ".join(undeclared))


def test_declared_permissions_are_the_ones_the_views_require(app):
    for endpoint in _endpoints(app):
        route = EXPECT.get(endpoint)
        if route is None:
            continue
        required = getattr(app.view_functions[endpoint], "required_action", None)
        assert required == route.action, f"{endpoint}: the view requires {required!r}, the matrix says {route.action!r}"


def _url(app, endpoint: str, route: Route, ids, target: str) -> str:
    values = route.params(ids, target) if route.params else {}
    with app.test_request_context():
        url = url_for(endpoint, **values)
    return f"{url}?{route.query}" if route.query else url


def _run(app, endpoint: str, ids) -> list[str]:
    route = EXPECT[endpoint]
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    failures = []
    seen: dict[tuple, tuple[int, str]] = {}  # the same user asking the same thing: asked once
    for case in CASES:
        client = None
        role = ROLE_OF[case]
        url = _url(app, endpoint, route, ids, TARGET[case])
        for method in CHECKED_METHODS:
            if method not in rule.methods or (method == "POST" and route.skip_post):
                continue
            expected = route.get[case] if method == "GET" else route.post[case]
            key = (role, method, url)
            if key not in seen:
                if client is None:
                    client = app.test_client()
                    if role is not None:
                        login(client, ids.emails[role], PASSWORD)
                answer = client.open(url, method=method, data={} if method == "POST" else None)
                seen[key] = (answer.status_code, answer.headers.get("Location", ""))
            response = _Answer(*seen[key])
            if not _matches(expected, response):
                failures.append(f"{method} {url} as {case}: expected {expected}, got {response.status_code} "
                                f"{response.headers.get('Location', '')}")
    return failures


@pytest.fixture()
def no_pdf_rendering(monkeypatch):
    """Who gets a PDF is the question here, not how it looks (tests/documents): a stub
    PDF keeps the matrix fast."""
    from portal.file import pdf_copy as documents
    from portal.requests import letters

    monkeypatch.setattr(documents, "render_copy", lambda *args, **kwargs: b"%PDF-1.7 stub")
    monkeypatch.setattr(letters, "render", lambda *args, **kwargs: b"%PDF-1.7 stub")


@pytest.mark.parametrize("endpoint", sorted(EXPECT))
def test_route_answers_every_visitor_as_declared(app, ids, with_settings, no_pdf_rendering, endpoint):
    # A declared route that is gone was renamed or removed: its entry must follow, never skip.
    if endpoint in ONLY_WITH_SETTING:
        app = with_settings(ONLY_WITH_SETTING[endpoint])
        ids = _ids(app)
    assert endpoint in app.view_functions, f"{endpoint} is declared in tests/access/matrix.py but not registered"
    failures = _run(app, endpoint, ids)
    assert not failures, "\n".join(failures)
