"""The one access decision. Who may do what, on which tenant, and read which catalogue
fields. Plain Python over the catalogue and the staff assignments: no Flask here, so the
rules are tested directly and every view, export and search asks the same functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, false, select, true
from sqlalchemy.orm import Session

from portal import catalogue, request_kinds
from portal.models import BuildingAssignment, Dwelling, Incident, Lease, PortfolioAssignment, Tenant, User
from portal.models.housing import Building

# What each role may do, declared once. Reading categories is decided by the catalogue.
PERMISSIONS: dict[str, frozenset[str]] = {
    "tenant": frozenset({"read_own_file", "file_request", "export_own"}),
    "caretaker": frozenset({"read_tenant_file", "search_tenants", "log_incident"}),
    "manager": frozenset({"read_tenant_file", "search_tenants", "write_note", "log_incident", "log_dispute",
                          "process_request", "register_request", "staff_dashboard"}),
    "dpo": frozenset({"read_tenant_file", "search_tenants", "write_note", "log_incident", "log_dispute",
                      "process_request", "register_request", "extend_deadline", "review_notes",
                      "read_audit", "staff_dashboard", "approve_staff"}),
    "admin": frozenset({"manage_staff"}),
}

AWAITING = "awaiting_approval"  # the actor role of an account whose role is not approved yet

# Request kinds each staff role may process (the DPO processes every kind).
PROCESSABLE_KINDS: dict[str, frozenset[str]] = {
    "manager": frozenset({"rectification"}),
    "dpo": frozenset(request_kinds.KEYS),
}


@dataclass(frozen=True)
class Actor:
    """Who is asking: a role and a scope, detached from the ORM and the web request."""

    user_id: int | None
    role: str
    tenant_id: int | None = None
    building_ids: frozenset[int] = field(default_factory=frozenset)
    portfolio_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return self.role != "tenant"


def actor_for(session: Session, user: User) -> Actor:
    """Build the Actor of a logged-in user, with their assignments. An account whose
    tenant-data role waits for the DPO's approval acts as "awaiting_approval": no
    permission, no tenant (accounts/staff.py, four-eyes principle)."""
    if getattr(user, "awaiting_approval", False):
        return Actor(user.id, AWAITING, user.tenant_id)
    buildings: frozenset[int] = frozenset()
    portfolios: frozenset[int] = frozenset()
    if user.role == "caretaker":
        buildings = frozenset(session.scalars(
            select(BuildingAssignment.building_id).where(BuildingAssignment.user_id == user.id)))
    elif user.role == "manager":
        portfolios = frozenset(session.scalars(
            select(PortfolioAssignment.portfolio_id).where(PortfolioAssignment.user_id == user.id)))
    return Actor(user.id, user.role, user.tenant_id, buildings, portfolios)


def can(actor: Actor, action: str) -> bool:
    """May this actor perform this kind of action at all (before any scope check)?"""
    return action in PERMISSIONS.get(actor.role, frozenset())


def readable_fields(actor: Actor, category_key: str, tenant_id: int | None = None) -> Any:
    """catalogue.ALL, a tuple of field keys, or None when the category is not readable.
    A tenant reads every field of their own file and nothing of anyone else's."""
    if actor.role == "tenant":
        return catalogue.ALL if tenant_id is not None and tenant_id == actor.tenant_id else None
    return catalogue.get(category_key).readers.get(actor.role)


def readable_categories(actor: Actor, tenant_id: int | None = None) -> list[str]:
    return [c.key for c in catalogue.CATEGORIES if readable_fields(actor, c.key, tenant_id) is not None]


def may_read(actor: Actor, category_key: str, field_key: str | None = None,
             tenant_id: int | None = None) -> bool:
    fields = readable_fields(actor, category_key, tenant_id)
    if fields is None:
        return False
    return fields == catalogue.ALL or field_key is None or field_key in fields


def scope_condition(actor: Actor) -> Any:
    """A SQL condition on Tenant selecting the tenants this actor may see."""
    if actor.role == "dpo":
        return true()
    if actor.role == "tenant":
        return Tenant.id == actor.tenant_id
    if actor.role == "caretaker":
        if not actor.building_ids:
            return false()
        leases = (select(Lease.id).join(Dwelling, Dwelling.id == Lease.dwelling_id)
                  .where(Dwelling.building_id.in_(actor.building_ids)))
        return Tenant.lease_id.in_(leases)
    if actor.role == "manager":
        if not actor.portfolio_ids:
            return false()
        leases = (select(Lease.id).join(Dwelling, Dwelling.id == Lease.dwelling_id)
                  .join(Building, Building.id == Dwelling.building_id)
                  .where(Building.portfolio_id.in_(actor.portfolio_ids)))
        return Tenant.lease_id.in_(leases)
    return false()  # admin and unknown roles: no tenant data


def in_scope(session: Session, actor: Actor, tenant_id: int) -> bool:
    """May this actor open this tenant's file at all?"""
    if actor.role == "tenant":
        return actor.tenant_id == tenant_id
    if not can(actor, "read_tenant_file"):
        return False
    found = session.scalar(select(Tenant.id).where(Tenant.id == tenant_id, scope_condition(actor)))
    return found is not None


def may_process_request(actor: Actor, kind: str) -> bool:
    return can(actor, "process_request") and kind in PROCESSABLE_KINDS.get(actor.role, frozenset())


# --- Row filters: which rows of a section an actor reads ------------------------------
# The catalogue filters by kind (a caretaker reads technical incidents only); the scope
# of the actor narrows further. A caretaker reads the technical incidents *of their
# buildings*: a tenant's file may hold an incident of another building (reported at a
# former address, or as a witness), which that building's caretaker alone may see (§2).

def _caretaker_incidents() -> Any:
    return and_(Incident.kind == "technical",
                Incident.building_id.in_(bindparam("actor_building_ids", expanding=True)))


ROW_FILTERS: dict[tuple[str, type], Any] = {("caretaker", Incident): _caretaker_incidents}


def row_filter(actor: Actor, section: catalogue.Section, params: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """(the condition on the section's rows for this actor, as a zero-argument callable or
    None; the statement's parameters with the actor's values added)."""
    declared = ROW_FILTERS.get((actor.role, section.model))
    if declared is not None:
        return declared, {**params, "actor_building_ids": sorted(actor.building_ids)}
    return section.row_filters.get(actor.role), params
