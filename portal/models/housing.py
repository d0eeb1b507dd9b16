"""Portfolios, buildings, dwellings and leases: the landlord's housing stock."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base


class Portfolio(Base):
    __tablename__ = "portfolios"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Building(Base):
    __tablename__ = "buildings"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    portfolio_id: Mapped[int | None] = mapped_column(ForeignKey("portfolios.id"), index=True)

    portfolio: Mapped[Portfolio | None] = relationship()


class Dwelling(Base):
    __tablename__ = "dwellings"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    staircase: Mapped[str | None] = mapped_column(String(10))
    floor: Mapped[int | None]
    door: Mapped[str | None] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))  # T1…T6
    surface_m2: Mapped[float | None]

    building: Mapped[Building] = relationship()


class Lease(Base):
    """A lease; co-holders are several tenants pointing at the same lease."""

    __tablename__ = "leases"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    dwelling_id: Mapped[int] = mapped_column(ForeignKey("dwellings.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    rent_cents: Mapped[int]
    charges_cents: Mapped[int]
    deposit_cents: Mapped[int]

    dwelling: Mapped[Dwelling] = relationship()
