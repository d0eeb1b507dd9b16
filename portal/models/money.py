"""Resources declared by the tenant, rent calls, payments and payment plans.
Amounts are integer cents: exact on every database, no float rounding."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class ResourceDeclaration(Base):
    __tablename__ = "resource_declarations"
    id: Mapped[int] = mapped_column(primary_key=True)
    ext_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    survey_year: Mapped[int]
    declared_income_cents: Mapped[int | None]
    tax_notice_year: Mapped[int | None]
    household_size: Mapped[int | None]
    sls_answer: Mapped[str | None] = mapped_column(Text)
    housing_benefit_number: Mapped[str | None] = mapped_column(String(40))
    housing_benefit_cents: Mapped[int | None]


class RentCall(Base):
    __tablename__ = "rent_calls"
    id: Mapped[int] = mapped_column(primary_key=True)
    ext_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), index=True)
    period: Mapped[date]  # first day of the month called
    rent_cents: Mapped[int]
    charges_cents: Mapped[int]
    issued_on: Mapped[date]


class Payment(Base):
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    ext_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), index=True)
    paid_on: Mapped[date]
    amount_cents: Mapped[int]
    method: Mapped[str] = mapped_column(String(30))
    reference: Mapped[str | None] = mapped_column(String(60))


class PaymentPlan(Base):
    __tablename__ = "payment_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    ext_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), index=True)
    agreed_on: Mapped[date]
    monthly_cents: Mapped[int]
    months: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
