"""Tenants (the data subjects) and the people living with them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from portal.models._base import utcnow
from portal.models.housing import Lease


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_number: Mapped[str] = mapped_column(String(40), unique=True)
    civility: Mapped[str | None] = mapped_column(String(10))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), index=True)
    birth_date: Mapped[date | None]
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    mobile_phone: Mapped[str | None] = mapped_column(String(30))
    postal_address: Mapped[str | None] = mapped_column(String(300))
    preferred_language: Mapped[str] = mapped_column(String(5), default="fr")
    lease_id: Mapped[int | None] = mapped_column(ForeignKey("leases.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set when the retention period ran out and the identity was anonymised (portal purge).
    anonymised_on: Mapped[date | None]

    lease: Mapped[Lease | None] = relationship()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# Staff search by name prefix, whatever the case (services/tenant_search.py): indexed.
Index("ix_tenants_lower_last_name", func.lower(Tenant.last_name), func.lower(Tenant.first_name), Tenant.id)
Index("ix_tenants_lower_first_name", func.lower(Tenant.first_name))


class HouseholdMember(Base):
    __tablename__ = "household_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    ext_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    relation: Mapped[str] = mapped_column(String(40))  # son, daughter, spouse…
    birth_year: Mapped[int | None]
