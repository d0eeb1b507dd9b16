"""The menu, declared once: each entry names its endpoint and the permission it needs.
Entries whose endpoint is not registered are left out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request, url_for
from portal.i18n import lazy_gettext as _l
from flask_login import current_user

from portal import access
from portal.web.context import current_actor


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Any
    action: str


MENU: tuple[NavItem, ...] = (
    NavItem("tenant.home", _l("My file"), "read_own_file"),
    NavItem("tenant.requests", _l("My requests"), "file_request"),
    NavItem("tenant.access_log", _l("Who consulted my file"), "read_own_file"),
    NavItem("staff.dashboard", _l("Dashboard"), "staff_dashboard"),
    NavItem("staff.requests", _l("Requests"), "process_request"),
    NavItem("staff.tenants", _l("Tenants"), "search_tenants"),
    NavItem("staff.notes_review", _l("Notes to review"), "review_notes"),
    NavItem("staff.audit", _l("Audit log"), "read_audit"),
    NavItem("admin.staff_list", _l("Staff accounts"), "manage_staff"),
    NavItem("admin.approvals", _l("Roles to approve"), "approve_staff"),
)


def nav_items() -> list[dict[str, Any]]:

    if not current_user.is_authenticated:
        return []
    actor = current_actor()
    items = []
    for item in MENU:
        if item.endpoint in current_app.view_functions and access.can(actor, item.action):
            items.append({"url": url_for(item.endpoint), "label": item.label,
                          "active": request.endpoint == item.endpoint})
    return items
