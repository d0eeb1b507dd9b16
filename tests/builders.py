"""Plain builder functions for test data: each makes what a test needs, with defaults
that can be overridden, instead of leaning on the demo's ids (LOC-000101…). Every
builder adds to the session and flushes, so ids are set; the test's transaction is
rolled back afterwards (tests/conftest.py)."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import date
from types import SimpleNamespace
from typing import Any, Iterator

from sqlalchemy.orm import Session

from portal.accounts import passwords
from portal.db import Database
from portal.deadlines import due_date
from portal.models import (Building, BuildingAssignment, Correspondence, Dwelling, HouseholdMember, Incident, Lease,
                           Note, Payment, PaymentPlan, Portfolio, PortfolioAssignment, PrivacyRequest, RentCall,
                           RequestEvent, ResourceDeclaration, Tenant, User)
from portal.formatting import landlord_today

PASSWORD = "builder-pass-2026"

_serial = itertools.count(1)


def _next() -> int:
    return next(_serial)


def portfolio(session: Session, **values: Any) -> Portfolio:
    """A group of buildings (a rental manager handles the tenants of theirs)."""
    n = _next()
    row = Portfolio(**{"code": f"TP-{n}", "name": f"Portefeuille d'essai {n}", **values})
    session.add(row)
    session.flush()
    return row


def building(session: Session, **values: Any) -> Building:
    n = _next()
    row = Building(**{"ref": f"TB-{n}", "name": f"Résidence d'essai {n}", "address": f"{n} rue des Essais",
                      "postcode": "75011", "city": "Paris", **values})
    session.add(row)
    session.flush()
    return row


def tenant(session: Session, building_row: Building | None = None, **values: Any) -> Tenant:
    """A tenant with a lease on a dwelling of `building_row` (a new building by default)."""
    n = _next()
    home = building_row or building(session)
    dwelling = Dwelling(ref=f"TD-{n}", building_id=home.id, staircase="A", floor=2, door=str(n), kind="T3",
                        surface_m2=64.0)
    session.add(dwelling)
    session.flush()
    lease = Lease(ref=f"TL-{n}", dwelling_id=dwelling.id, start_date=date(2020, 1, 1), rent_cents=52_000,
                  charges_cents=8_000, deposit_cents=52_000)
    session.add(lease)
    session.flush()
    row = Tenant(**{"tenant_number": f"TEST-{n:06d}", "civility": "Mme", "first_name": "Alice",
                    "last_name": f"Essai{n}", "preferred_language": "fr", "lease_id": lease.id, **values})
    session.add(row)
    session.flush()
    return row


def note(session: Session, tenant_row: Tenant, body: str, **values: Any) -> Note:
    row = Note(tenant_id=tenant_row.id, body=body, author_name="Agent d'essai", **values)
    session.add(row)
    session.flush()
    return row


_hashes: dict[str, str] = {}


def _hash(password: str) -> str:
    # argon2 is slow on purpose: hash once per password (the parameters travel in the
    # hash, so the app's own hasher verifies it).
    if password not in _hashes:
        _hashes[password] = passwords.hash_password(passwords.hasher(1, 8, 1), password)
    return _hashes[password]


def account(session: Session, role: str = "tenant", tenant_row: Tenant | None = None,
            buildings: tuple[Building, ...] = (), portfolios: tuple[Portfolio, ...] = (),
            password: str = PASSWORD, **values: Any) -> User:
    """An enabled account that can log in with `password` (a tenant's needs `tenant_row`;
    a caretaker looks after `buildings`, a manager handles `portfolios`)."""
    n = _next()
    name = f"{tenant_row.first_name} {tenant_row.last_name}" if tenant_row else f"Agent Essai{n}"
    row = User(**{"email": f"{role}{n}@essai.example.org", "password_hash": _hash(password), "role": role,
                  "tenant_id": tenant_row.id if tenant_row else None, "display_name": name,
                  "language": "fr", "is_enabled": True, "email_confirmed": True, **values})
    session.add(row)
    session.flush()
    for b in buildings:
        session.add(BuildingAssignment(user_id=row.id, building_id=b.id))
    for p in portfolios:
        session.add(PortfolioAssignment(user_id=row.id, portfolio_id=p.id))
    session.flush()
    return row


def tenant_with_account(session: Session, building_row: Building | None = None,
                        **values: Any) -> tuple[Tenant, User]:
    """A tenant (see `tenant`) and the account they log in with."""
    n = _next()
    row = tenant(session, building_row, **{"email": f"locataire{n}@essai.example.org", **values})
    return row, account(session, "tenant", row, email=row.email)


def request(session: Session, tenant_row: Tenant, kind: str = "access", status: str = "received",
            received_on: date | None = None, asked: str | None = None, **values: Any) -> PrivacyRequest:
    """A privacy request of `tenant_row` (reference DPR-TEST-<n>), received today by default.
    `asked`: the DPO's question (a request_info step), for a request waiting for information."""
    n = _next()
    received = received_on or landlord_today()
    row = PrivacyRequest(**{"ref": f"DPR-TEST-{n:04d}", "tenant_id": tenant_row.id, "kind": kind, "status": status,
                            "details": "Demande d'essai.", "received_on": received, "clock_start": received,
                            "due_on": due_date(received), **values})
    session.add(row)
    session.flush()
    if asked is not None:
        session.add(RequestEvent(request_id=row.id, actor_role="dpo", action="request_info", from_status="received",
                                 to_status=row.status, message=asked))
        session.flush()
    return row


def outsider(session: Session, **values: Any) -> tuple[Tenant, User]:
    """A tenant (with an account) in a building of a portfolio of their own: outside the
    scope of every caretaker and manager of an `estate`, inside only the DPO's."""
    home = building(session, portfolio_id=portfolio(session).id)
    return tenant_with_account(session, home, **values)


def estate(session: Session) -> SimpleNamespace:
    """Who is who for a scope test: a portfolio of two buildings; a tenant (with an
    account) in `building`, a neighbour (with an account) in `other_building`; the
    caretaker of `building` only, the manager of the portfolio, the DPO and the
    administrator (all enabled accounts that log in with PASSWORD)."""
    group = portfolio(session)
    home = building(session, portfolio_id=group.id)
    other = building(session, portfolio_id=group.id)
    someone, someone_account = tenant_with_account(session, home)
    neighbour, neighbour_account = tenant_with_account(session, other)
    return SimpleNamespace(
        portfolio=group, building=home, other_building=other, tenant=someone, tenant_account=someone_account,
        neighbour=neighbour, neighbour_account=neighbour_account,
        caretaker=account(session, "caretaker", buildings=(home,)),
        manager=account(session, "manager", portfolios=(group,)),
        dpo=account(session, "dpo"), admin=account(session, "admin"))


@contextmanager
def committed(app: Any) -> Iterator[Session]:
    """A session on the database of an app a test built for itself (tests.conftest.build_app),
    in its own short app context; what the builders add is committed at the end."""
    with app.app_context():
        session = Database.state(app).factory(expire_on_commit=False)
        try:
            yield session
            session.commit()
        finally:
            session.close()


def full_file(session: Session, tenant_row: Tenant) -> SimpleNamespace:
    """Fill `tenant_row`'s file with one record of each kind, each with a value found
    nowhere else: contact details, a household member, a resource declaration, a payment,
    a technical and a neighbourhood incident, a note, a letter and a privacy request."""
    tenant_row.birth_date, tenant_row.phone, tenant_row.mobile_phone = date(1979, 6, 3), "01 40 00 12 34", "06 00 98 76 54"
    lease = session.get(Lease, tenant_row.lease_id)
    home = session.get(Dwelling, lease.dwelling_id)
    member = HouseholdMember(tenant_id=tenant_row.id, first_name="Séraphin", last_name=tenant_row.last_name,
                             relation="son", birth_year=2011)
    resources = ResourceDeclaration(tenant_id=tenant_row.id, survey_year=2025, declared_income_cents=2_345_600,
                                    household_size=2)
    payment = Payment(lease_id=lease.id, paid_on=date(2026, 2, 5), amount_cents=61_240, method="transfer")
    technical = Incident(building_id=home.building_id, dwelling_id=home.id, tenant_id=tenant_row.id, kind="technical",
                         reported_on=date(2026, 2, 9), title="Radiateur froid dans la chambre", description="Purge.")
    neighbourhood = Incident(building_id=home.building_id, tenant_id=tenant_row.id, kind="neighbourhood",
                             reported_on=date(2026, 2, 10), title="Tapage au troisième", description="Signalé.")
    letter = Correspondence(tenant_id=tenant_row.id, sent_on=date(2026, 1, 12), direction="out", channel="letter",
                            subject="Régularisation des charges 2025", body="Madame, …")
    session.add_all([member, resources, payment, technical, neighbourhood, letter])
    session.flush()
    return SimpleNamespace(member=member, resources=resources, payment=payment, technical=technical,
                           neighbourhood=neighbourhood, letter=letter, dwelling=home,
                           note=note(session, tenant_row, "Relance loyer de janvier faite par téléphone."),
                           request=request(session, tenant_row, kind="erasure"))


def rich_file(session: Session, tenant_row: Tenant, months: int = 72) -> SimpleNamespace:
    """A file as full as a long-standing tenant's: `full_file`, plus `months` monthly rent
    calls and payments (the newest for October 2026), five yearly resource declarations,
    two more household members, six more incidents, letters, notes and a completed
    payment plan. Values are fixed, so tests can name them."""
    record = full_file(session, tenant_row)
    lease = session.get(Lease, tenant_row.lease_id)
    rows: list[Any] = []
    for n in range(months):
        year, month = divmod(2026 * 12 + 9 - n, 12)  # October 2026, September 2026, …
        period = date(year, month + 1, 1)
        rows.append(RentCall(lease_id=lease.id, period=period, rent_cents=lease.rent_cents,
                             charges_cents=lease.charges_cents, issued_on=period.replace(day=1)))
        rows.append(Payment(lease_id=lease.id, paid_on=period.replace(day=4), method=("direct_debit", "transfer",
                            "caf")[n % 3], amount_cents=lease.rent_cents + lease.charges_cents,
                            reference=f"VIR-{period:%Y%m}"))
    rows.append(PaymentPlan(lease_id=lease.id, agreed_on=date(2024, 3, 15), monthly_cents=5_000, months=10,
                            status="completed"))
    for year in range(2021, 2025):
        rows.append(ResourceDeclaration(tenant_id=tenant_row.id, survey_year=year, household_size=3,
                                        declared_income_cents=2_400_000 + year, tax_notice_year=year - 1))
    rows += [HouseholdMember(tenant_id=tenant_row.id, first_name=first, last_name=tenant_row.last_name,
                             relation=relation, birth_year=born)
             for first, relation, born in (("Hortense", "daughter", 2014), ("Gaspard", "spouse", 1978))]
    for n in range(6):
        rows.append(Incident(building_id=record.dwelling.building_id, dwelling_id=record.dwelling.id,
                             tenant_id=tenant_row.id, kind="technical", reported_on=date(2025, 1 + n, 12),
                             title=f"Fuite sous l'évier n° {n + 1}", description="Plombier passé.",
                             status="closed", closed_on=date(2025, 1 + n, 20)))
    for n in range(4):
        rows.append(Correspondence(tenant_id=tenant_row.id, sent_on=date(2025, 2 + n, 3), direction="out",
                                   channel="letter", subject=f"Avis d'échéance n° {n + 1}", body="Madame, …"))
    session.add_all(rows)
    session.flush()
    for n in range(3):
        note(session, tenant_row, f"Passage pour le relevé des compteurs n° {n + 1}.")
    return record
