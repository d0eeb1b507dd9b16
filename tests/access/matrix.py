"""The authorisation matrix: what every route answers to every kind of visitor.

EXPECT is keyed by endpoint. A route that is not declared here fails
tests/access/test_matrix.py, so a new page cannot ship without saying who may see it.
To declare one, add a line:

    "staff.something": guarded("the_action"),                  # no object in the URL
    "staff.thing_of_tenant": guarded("the_action", scoped=True),  # the URL names a tenant's object
    "auth.some_page": public(),                                  # anyone, logged in or not

`guarded` derives each answer from access.PERMISSIONS: anonymous → the login page;
a role without the action → 403; with it → `ok` (200 by default), except, when the URL
names one tenant's object (scoped=True), for a visitor outside that tenant's scope → 404.
Give `overrides={case: answer}` where a route deliberately answers otherwise, and
`params` when the URL needs values other than the defaults below.

Visitors (CASES), built by tests/access/test_matrix.py (tests/builders.estate and
outsider): anonymous; a tenant on their own object and on their neighbour's; the
caretaker of the tenant's building on the tenant (in) and on the neighbour, who lives in
the other building of the portfolio (out); the manager of that portfolio on the tenant
(in) and on an outsider of another portfolio (out); the DPO; the administrator.
Each POST is sent empty: it must get the same access answer, or any non-refusal
(form errors included) where GET gets its `ok`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from portal.access import PERMISSIONS

LOGIN = "login"  # a redirect to the login page
ALLOWED = "allowed"  # any answer that is not a refusal: not 401/403/404/405, no 5xx, not the login page

CASES = ("anonymous", "tenant_own", "tenant_other", "caretaker_in", "caretaker_out",
         "manager_in", "manager_out", "dpo", "admin")
ROLE_OF = {"anonymous": None, "tenant_own": "tenant", "tenant_other": "tenant", "caretaker_in": "caretaker",
           "caretaker_out": "caretaker", "manager_in": "manager", "manager_out": "manager", "dpo": "dpo",
           "admin": "admin"}
OUT_OF_SCOPE = frozenset({"tenant_other", "caretaker_out", "manager_out"})
# Whose object each visitor asks for: the tenant ("own"), the neighbour ("other") or the
# outsider. Each has one request (tests/access/test_matrix.py builds them): the tenant's
# is a rectification (the manager processes those), the neighbour's an erasure waiting
# for information, the outsider's a restriction in progress.
TARGET = {"anonymous": "own", "tenant_own": "own", "tenant_other": "other",
          "caretaker_in": "own", "caretaker_out": "other", "manager_in": "own",
          "manager_out": "outsider", "dpo": "outsider", "admin": "own"}

Answer = Any  # int, a frozenset of ints, LOGIN or ALLOWED


@dataclass(frozen=True)
class Route:
    get: Mapping[str, Answer]
    post: Mapping[str, Answer]
    action: str | None = None  # the permission the view must declare (@requires)
    params: Callable[[Any, str], dict[str, Any]] | None = None  # (ids, target) -> URL values
    query: str = ""
    skip_post: bool = False


def _answers(action: str | None, scoped: bool, ok: Answer, overrides: Mapping[str, Answer]) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for case in CASES:
        role = ROLE_OF[case]
        if role is None:
            answers[case] = LOGIN
        elif action is not None and action not in PERMISSIONS.get(role, frozenset()):
            answers[case] = 403
        elif scoped and case in OUT_OF_SCOPE:
            answers[case] = 404
        else:
            answers[case] = ok
    answers.update(overrides)
    return answers


def guarded(action: str, scoped: bool = False, ok: Answer = 200, overrides: Mapping[str, Answer] | None = None,
            post_overrides: Mapping[str, Answer] | None = None, params: Callable | None = None,
            query: str = "", skip_post: bool = False) -> Route:
    """A page behind a permission (see the module docstring)."""
    get = _answers(action, scoped, ok, overrides or {})
    post = _answers(action, scoped, ALLOWED, {k: v for k, v in (overrides or {}).items() if v in (403, 404, LOGIN)})
    post.update(post_overrides or {})
    return Route(get, post, action, params, query, skip_post)


def logged_in(ok: Answer = 200, overrides: Mapping[str, Answer] | None = None,
              post_overrides: Mapping[str, Answer] | None = None, params: Callable | None = None) -> Route:
    """Any logged-in user (no permission needed), the login page for the others."""
    get = _answers(None, False, ok, overrides or {})
    post = _answers(None, False, ALLOWED, {})
    post.update(post_overrides or {})
    return Route(get, post, None, params)


def public(ok: Answer = 200, overrides: Mapping[str, Answer] | None = None,
           post: Answer = ALLOWED, params: Callable | None = None, skip_post: bool = False) -> Route:
    """Anyone, logged in or not."""
    get = {case: ok for case in CASES}
    get.update(overrides or {})
    return Route(get, {case: post for case in CASES}, None, params, "", skip_post)


def _tenant(ids: Any, target: str) -> dict[str, Any]:
    return {"tenant_id": ids.tenant[target]}


def _request(ids: Any, target: str) -> dict[str, Any]:
    return {"ref": ids.request[target]}


def _staff_user(ids: Any, target: str) -> dict[str, Any]:
    return {"user_id": ids.caretaker_user}


def _token(ids: Any, target: str) -> dict[str, Any]:
    return {"token": "not-a-valid-token"}


def _static(ids: Any, target: str) -> dict[str, Any]:
    return {"filename": "css/portal.css"}


EXPECT: dict[str, Route] = {
    # Public pages and the account pages every logged-in user has.
    "static": public(params=_static, skip_post=True),
    "healthz": public(skip_post=True),
    "auth.index": public(302, skip_post=True),
    "auth.login": public(),
    # GET asks to confirm (a forged link logs no one out); the POST logs out.
    "auth.logout": public(200, overrides={"anonymous": LOGIN}, post=302),
    "auth.two_factor": public(302, post=302),  # nothing pending: back to the login page
    "auth.activate": public(),
    "auth.confirm_email": public(404, params=_token, skip_post=True),  # an invalid link
    "auth.forgot_password": public(),
    "auth.reset_password": public(404, post=404, params=_token),  # an invalid link
    "auth.change_password": logged_in(),
    # Tenants do not enrol in two-step verification: their home instead.
    "auth.two_factor_setup": logged_in(overrides={"tenant_own": 302, "tenant_other": 302},
                                       post_overrides={"tenant_own": 302, "tenant_other": 302}),
    # The tenant's own pages (no other tenant's object can be named in these URLs).
    "tenant.home": guarded("read_own_file"),
    "tenant.access_log": guarded("read_own_file"),
    "tenant.export_json": guarded("export_own"),
    "documents.export_pdf": guarded("export_own", ok=frozenset({200, 202})),
    "documents.export_zip": guarded("export_own"),
    "tenant.requests": guarded("file_request"),
    "tenant.new_request": guarded("file_request"),
    "tenant.request_detail": guarded("file_request", scoped=True, params=_request),
    "tenant.withdraw_request": guarded("file_request", scoped=True, params=_request),
    # No letter issued yet: the owner gets the "no letter yet" page (404 too), the
    # documents tests cover a real download.
    "documents.request_letter": guarded("read_own_file", scoped=True, params=_request, overrides={"tenant_own": 404}),
    # Back office.
    "staff.dashboard": guarded("staff_dashboard"),
    "staff.tenants": guarded("search_tenants"),
    "staff.tenant_detail": guarded("read_tenant_file", scoped=True, params=_tenant),
    "staff.new_note": guarded("write_note", scoped=True, params=_tenant),
    "staff.new_incident": guarded("log_incident", scoped=True, params=_tenant),
    "staff.third_party_passages": guarded("write_note", scoped=True, params=_tenant,
                                          post_overrides={"manager_in": 400, "dpo": 400}),  # nothing named
    "staff.notes_review": guarded("review_notes", post_overrides={"dpo": 400}),  # no decision given
    "staff.audit": guarded("read_audit"),
    "staff.requests": guarded("process_request"),
    "staff.register_request": guarded("register_request"),
    "staff.request_detail": guarded("process_request", scoped=True, params=_request),
    "documents.letter_preview": guarded("process_request", scoped=True, params=_request, query="kind=granted",
                                        ok=200),
    # Administration: accounts and assignments, no tenant data.
    "admin.staff_list": guarded("manage_staff"),
    "admin.staff_new": guarded("manage_staff"),
    "admin.staff_edit": guarded("manage_staff", params=_staff_user),
    # The DPO approves roles that read tenant data (four eyes); an empty POST names no one.
    "admin.approvals": guarded("approve_staff", post_overrides={"dpo": 400}),
    # Only with BENCHMARK_BASELINE (benchmarks): never in a deployment.
    "baseline.baseline": public(skip_post=True),
}
