"""Staff accounts: create them with a role, change the role, disable them, and assign
caretakers to buildings and managers to portfolios. Plain functions over a Session
(used by the admin pages and by `portal create-staff`); each change is written to the
audit log with its before and after, in the same transaction.

Administrators handle accounts and buildings, never tenant data. A role that reads tenant
data (caretaker, manager, DPO) given or widened by anyone but the DPO waits for a DPO's
approval before it opens any file (four-eyes principle, GDPR Art. 32(4): the IT
administrator alone could otherwise make himself a DPO account and read every file).
`portal create-staff` on the server is the start of the chain (the first DPO)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal import access, i18n, mail, rendering
from portal.models import Building, BuildingAssignment, Portfolio, PortfolioAssignment, User
from portal.models._base import utcnow
from portal.audit import chain as audit
from portal.accounts import tokens

ROLES = ("caretaker", "manager", "dpo", "admin")
DATA_ROLES = ("caretaker", "manager", "dpo")  # roles that read tenant data (catalogue readers)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_MAX = 120


class StaffError(ValueError):
    """A refusal the caller turns into a message: `code` says which, `field` where."""

    def __init__(self, code: str, field: str, value: str | None = None) -> None:
        super().__init__(code)
        self.code, self.field, self.value = code, field, value


@dataclass(frozen=True)
class StaffRow:
    id: int
    email: str
    name: str
    role: str
    enabled: bool
    buildings: tuple[str, ...]  # building names
    portfolios: tuple[str, ...]  # portfolio names
    two_factor: bool
    awaiting_approval: bool = False


def list_staff(session: Session) -> list[StaffRow]:
    """Every staff account with its assignments (three queries, whatever the number)."""
    users = session.scalars(select(User).where(User.role != "tenant")
                            .order_by(User.role, func.lower(User.display_name))).all()
    buildings: dict[int, list[str]] = {}
    for uid, name in session.execute(select(BuildingAssignment.user_id, Building.name)
                                     .join(Building, Building.id == BuildingAssignment.building_id)
                                     .order_by(Building.name)):
        buildings.setdefault(uid, []).append(name)
    portfolios: dict[int, list[str]] = {}
    for uid, name in session.execute(select(PortfolioAssignment.user_id, Portfolio.name)
                                     .join(Portfolio, Portfolio.id == PortfolioAssignment.portfolio_id)
                                     .order_by(Portfolio.name)):
        portfolios.setdefault(uid, []).append(name)
    return [StaffRow(u.id, u.email, u.display_name, u.role, bool(u.is_enabled),
                     tuple(buildings.get(u.id, ())), tuple(portfolios.get(u.id, ())), bool(u.totp_secret),
                     bool(u.awaiting_approval))
            for u in users]


def all_buildings(session: Session) -> list[Building]:
    return list(session.scalars(select(Building).order_by(Building.name)))


def all_portfolios(session: Session) -> list[Portfolio]:
    return list(session.scalars(select(Portfolio).order_by(Portfolio.name)))


def get_staff(session: Session, user_id: int) -> User | None:
    """A staff account (a tenant's account is not the administrator's business)."""
    user = session.get(User, user_id)
    return user if user is not None and user.role != "tenant" else None


def building_ids_for_refs(session: Session, refs: Iterable[str]) -> list[int]:
    refs = [r.strip() for r in refs if r.strip()]
    found = dict(session.execute(select(Building.ref, Building.id).where(Building.ref.in_(refs))).all())
    for ref in refs:
        if ref not in found:
            raise StaffError("unknown_building", "buildings", ref)
    return [found[r] for r in refs]


def portfolio_ids_for_codes(session: Session, codes: Iterable[str]) -> list[int]:
    codes = [c.strip() for c in codes if c.strip()]
    found = dict(session.execute(select(Portfolio.code, Portfolio.id).where(Portfolio.code.in_(codes))).all())
    for code in codes:
        if code not in found:
            raise StaffError("unknown_portfolio", "portfolios", code)
    return [found[c] for c in codes]


def assignments(session: Session, user_id: int) -> tuple[list[int], list[int]]:
    """(building ids, portfolio ids) assigned to this account."""
    buildings = sorted(session.scalars(select(BuildingAssignment.building_id)
                                       .where(BuildingAssignment.user_id == user_id)))
    portfolios = sorted(session.scalars(select(PortfolioAssignment.portfolio_id)
                                        .where(PortfolioAssignment.user_id == user_id)))
    return buildings, portfolios


def _snapshot(session: Session, user: User) -> dict:
    buildings, portfolios = assignments(session, user.id)
    return {"email": user.email, "name": user.display_name, "role": user.role, "enabled": bool(user.is_enabled),
            "buildings": buildings, "portfolios": portfolios}


def sees_no_tenant(role: str, building_ids: Iterable[int], enabled: bool = True) -> bool:
    """An enabled caretaker with no building: the access rule gives them no tenant at all
    (access.py: a caretaker reads only the tenants of their buildings), which is almost
    always a forgotten assignment, so the administrator confirms it explicitly."""
    return role == "caretaker" and enabled and not list(building_ids)


def _check(session: Session, role: str, name: str, building_ids: Iterable[int],
           portfolio_ids: Iterable[int], enabled: bool = True,
           no_building_ok: bool = False) -> tuple[str, list[int], list[int]]:
    if role not in ROLES:
        raise StaffError("bad_role", "role", role)
    name = " ".join((name or "").split())
    if not name:
        raise StaffError("no_name", "display_name")
    if len(name) > NAME_MAX:
        raise StaffError("name_too_long", "display_name")
    buildings = sorted(set(building_ids)) if role == "caretaker" else []
    portfolios = sorted(set(portfolio_ids)) if role == "manager" else []
    if sees_no_tenant(role, buildings, enabled) and not no_building_ok:
        raise StaffError("caretaker_without_building", "buildings")
    if buildings and session.scalar(select(func.count()).select_from(Building)
                                    .where(Building.id.in_(buildings))) != len(buildings):
        raise StaffError("unknown_building", "buildings")
    if portfolios and session.scalar(select(func.count()).select_from(Portfolio)
                                     .where(Portfolio.id.in_(portfolios))) != len(portfolios):
        raise StaffError("unknown_portfolio", "portfolios")
    return name, buildings, portfolios


def _assign(session: Session, user: User, buildings: list[int], portfolios: list[int]) -> None:
    session.execute(delete(BuildingAssignment).where(BuildingAssignment.user_id == user.id))
    session.execute(delete(PortfolioAssignment).where(PortfolioAssignment.user_id == user.id))
    session.add_all([BuildingAssignment(user_id=user.id, building_id=b) for b in buildings])
    session.add_all([PortfolioAssignment(user_id=user.id, portfolio_id=p) for p in portfolios])
    session.flush()


def create_staff(session: Session, by: access.Actor | None, email: str, role: str, name: str, *,
                 building_ids: Iterable[int] = (), portfolio_ids: Iterable[int] = (),
                 password_hash: str | None = None, language: str = "fr", no_building_ok: bool = False) -> User:
    """A new staff account (no password unless a hash is given: the person chooses it
    through a one-time link). Assignments other than the role's are ignored. A caretaker
    without a building needs `no_building_ok` (sees_no_tenant)."""
    email = (email or "").strip()
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise StaffError("bad_email", "email", email)
    if session.scalar(select(User.id).where(func.lower(User.email) == email.lower())) is not None:
        raise StaffError("email_taken", "email", email)
    name, buildings, portfolios = _check(session, role, name, building_ids, portfolio_ids,
                                         no_building_ok=no_building_ok)
    user = User(email=email, role=role, display_name=name, password_hash=password_hash,
                language=i18n.language_of(language), is_enabled=True,
                email_confirmed=password_hash is not None)
    session.add(user)
    session.flush()
    _assign(session, user, buildings, portfolios)
    _hold_for_approval(by, user, None, _snapshot(session, user))
    audit.record(session, by.user_id if by else None, by.role if by else "system", "staff_change",
                 detail={"user_id": user.id, "before": None, "after": _snapshot(session, user)})
    return user


def invite_staff(session: Session, by: access.Actor, email: str, role: str, name: str, *,
                 link_for: Callable[[str], str], days: int, **options) -> User:
    """The administrator's "new staff account": `create_staff` (same `options`), then the
    one-time link to choose a password (`send_password_link`)."""
    user = create_staff(session, by, email, role, name, **options)
    send_password_link(session, user, link_for, days)
    return user


def send_password_link(session: Session, user: User, link_for: Callable[[str], str], days: int) -> None:
    """Mail a new staff member the one-time link (`link_for(token)`) to choose their
    password, valid `days` days, once the session commits. In the new member's language
    (User.language, chosen when the account was created), not in that of the
    administrator who created the account."""
    token = tokens.issue(session, user, "reset", timedelta(days=days))
    lang = i18n.language_of(user.language)
    with i18n.in_locale(lang):
        subject = i18n.gettext("Your privacy portal account")
    body = rendering.render_text("mail/staff_account.txt", lang, name=user.display_name, link=link_for(token),
                                 days=days)
    mail.send_later(session, user.email, subject, body)


def update_staff(session: Session, by: access.Actor, user: User, *, role: str, name: str, enabled: bool,
                 building_ids: Iterable[int] = (), portfolio_ids: Iterable[int] = (),
                 no_building_ok: bool = False) -> bool:
    """Change a staff account; returns whether anything changed. An administrator cannot
    lock themselves out (their own role and access stay). An enabled caretaker left
    without a building needs `no_building_ok` (sees_no_tenant)."""
    name, buildings, portfolios = _check(session, role, name, building_ids, portfolio_ids, enabled,
                                         no_building_ok)
    if user.id == by.user_id and (role != user.role or not enabled):
        raise StaffError("self_lockout", "role" if role != user.role else "enabled")
    before = _snapshot(session, user)
    user.display_name, user.role, user.is_enabled = name, role, enabled
    if before["role"] != role or (before["enabled"] and not enabled):
        # A new role or a disabled account: sessions opened under the old rights end now.
        user.session_version = (user.session_version or 0) + 1
    _assign(session, user, buildings, portfolios)
    after = _snapshot(session, user)
    if after == before:
        return False
    _hold_for_approval(by, user, before, after)
    audit.record(session, by.user_id, by.role, "staff_change",
                 detail={"user_id": user.id, "before": before, "after": after})
    return True


def _widens(before: dict | None, after: dict) -> bool:
    """Does this change give the account tenant data it did not have?"""
    if after["role"] not in DATA_ROLES:
        return False
    if before is None or before["role"] != after["role"]:
        return True
    return bool(set(after["buildings"]) - set(before["buildings"])
                or set(after["portfolios"]) - set(before["portfolios"]))


def _hold_for_approval(by: access.Actor | None, user: User, before: dict | None, after: dict) -> None:
    """A change that gives tenant data waits for the DPO, unless a DPO made it (or the
    server's command line, `by` None). A role without tenant data needs no approval."""
    if after["role"] not in DATA_ROLES:
        user.awaiting_approval = False
    elif _widens(before, after) and by is not None and by.role != "dpo":
        user.awaiting_approval = True
        user.approved_by_id, user.approved_at = None, None
    elif by is None and before is None:
        user.approved_at = utcnow()


def pending_approvals(session: Session) -> list[StaffRow]:
    """Accounts whose tenant-data role waits for the DPO's approval."""
    return [row for row in list_staff(session) if row.awaiting_approval]


def approve(session: Session, by: access.Actor, user_id: int) -> User:
    """The DPO approves the role of an account waiting for it. A second person: never the
    account itself; only a DPO."""
    user = get_staff(session, user_id)
    if user is None or not user.awaiting_approval:
        raise StaffError("not_pending", "role")
    if by.role != "dpo" or by.user_id == user.id:
        raise StaffError("not_approver", "role")
    user.awaiting_approval = False
    user.approved_by_id, user.approved_at = by.user_id, utcnow()
    audit.record(session, by.user_id, by.role, "staff_approval",
                 detail={"user_id": user.id, "approved": _snapshot(session, user)})
    return user
