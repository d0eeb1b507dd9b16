"""Portal accounts (tenants and staff), their logins, one-time tokens and the staff
assignments that define each staff member's scope."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from portal.models._base import utcnow
from portal.models.people import Tenant

ROLES = ("tenant", "caretaker", "manager", "dpo", "admin")
STAFF_ROLES = ("caretaker", "manager", "dpo", "admin")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))  # indexed below, with the name
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(5), default="fr")
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    email_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped at logout and password change: every copy of an older session cookie dies.
    session_version: Mapped[int] = mapped_column(default=1)
    # Encrypted with TOTP_KEY (accounts/twofactor.py); a new column, so that no clear
    # secret of the previous version can linger under the same name.
    totp_secret: Mapped[str | None] = mapped_column("totp_sealed", String(255))
    totp_last_counter: Mapped[int | None]
    recovery_codes: Mapped[list | None] = mapped_column(JSON)  # argon2 hashes
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # A role that reads tenant data, given by the IT administrator, takes effect once a
    # second person (the DPO) approved it (accounts/staff.py, access.actor_for): the
    # administrator alone cannot give anyone, himself included, tenant data.
    awaiting_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]

    tenant: Mapped[Tenant | None] = relationship()

    # Flask-Login's user protocol (is_authenticated, is_active, is_anonymous, get_id), written
    # out rather than inherited from its UserMixin: the models import nothing from the web.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        # The session version is part of the id Flask-Login stores: a bumped version
        # makes every older cookie resolve to no user.
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return bool(self.is_enabled)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


# Staff of a role in name order (the queue's assignee filter), from the index alone.
Index("ix_users_role_name", User.role, User.display_name, User.id)


class LoginEvent(Base):
    __tablename__ = "login_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean)
    ip_address: Mapped[str | None] = mapped_column(String(45))


class OneTimeToken(Base):
    """Activation codes, password-reset and e-mail-confirmation links (hashed, single use)."""

    __tablename__ = "one_time_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # activation | reset | confirm_email
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class BuildingAssignment(Base):
    """A caretaker looks after these buildings."""

    __tablename__ = "building_assignments"
    __table_args__ = (UniqueConstraint("user_id", "building_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)


class PortfolioAssignment(Base):
    """A rental manager handles the tenants of these portfolios."""

    __tablename__ = "portfolio_assignments"
    __table_args__ = (UniqueConstraint("user_id", "portfolio_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    portfolio_id: Mapped[int] = mapped_column(ForeignKey("portfolios.id"), index=True)
