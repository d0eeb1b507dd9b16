"""Writing the synthetic landlord's rows in large batches (portal/bulk.py): one method per
table, explicit ids after the current maximum."""

from __future__ import annotations

from datetime import datetime
from typing import Sequence


from portal.bulk import Loader, sql_datetime, table



class Writer:
    """Buffers rows per table and writes them in batches; fills every other NOT NULL
    column from the model's default, so a column added later cannot break the load."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self.buffers: dict[str, list[tuple]] = {}
        self.columns: dict[str, list[str]] = {}
        self.extra: dict[str, tuple] = {}
        self.counts: dict[str, int] = {}
        self.ids: dict[str, int] = {}

    def declare(self, name: str, columns: Sequence[str]) -> None:
        cols = list(columns)
        extra_cols, extra_vals = [], []
        for col in table(name).columns:
            if col.name in cols or col.nullable or col.primary_key:
                continue
            if col.default is None:
                raise RuntimeError(f"seed-scale has no value for {name}.{col.name}")
            value = col.default.arg(None) if col.default.is_callable else col.default.arg
            if isinstance(value, datetime):
                value = sql_datetime(value)
            extra_cols.append(col.name)
            extra_vals.append(value)
        self.columns[name] = cols + extra_cols
        self.extra[name] = tuple(extra_vals)
        self.buffers[name] = []
        self.counts[name] = 0
        self.ids[name] = self.loader.next_id(name)

    def next_id(self, name: str) -> int:
        value = self.ids[name]
        self.ids[name] = value + 1
        return value

    def flush(self) -> None:
        for name, rows in self.buffers.items():
            if not rows:
                continue
            extra = self.extra[name]
            if extra:
                rows = [r + extra for r in rows]
            self.counts[name] += self.loader.insert(name, self.columns[name], rows)
            self.buffers[name] = []


TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "portfolios": ("id", "code", "name"),
    "buildings": ("id", "ref", "name", "address", "postcode", "city", "portfolio_id"),
    "dwellings": ("id", "ref", "building_id", "staircase", "floor", "door", "kind", "surface_m2"),
    "leases": ("id", "ref", "dwelling_id", "start_date", "end_date", "rent_cents", "charges_cents",
               "deposit_cents"),
    "tenants": ("id", "tenant_number", "civility", "first_name", "last_name", "birth_date", "email", "phone",
                "mobile_phone", "postal_address", "preferred_language", "lease_id", "created_at", "updated_at"),
    "household_members": ("id", "ext_id", "tenant_id", "first_name", "last_name", "relation", "birth_year"),
    "resource_declarations": ("id", "ext_id", "tenant_id", "survey_year", "declared_income_cents",
                              "tax_notice_year", "household_size", "sls_answer", "housing_benefit_number",
                              "housing_benefit_cents"),
    "rent_calls": ("id", "ext_id", "lease_id", "period", "rent_cents", "charges_cents", "issued_on"),
    "payments": ("id", "ext_id", "lease_id", "paid_on", "amount_cents", "method", "reference"),
    "payment_plans": ("id", "ext_id", "lease_id", "agreed_on", "monthly_cents", "months", "status"),
    "incidents": ("id", "ext_id", "building_id", "dwelling_id", "tenant_id", "kind", "reported_on", "title",
                  "description", "status", "closed_on", "review_status"),
    "notes": ("id", "ext_id", "tenant_id", "author_name", "created_at", "body", "findings", "review_status"),
    "correspondence": ("id", "ext_id", "tenant_id", "sent_on", "direction", "channel", "subject", "body"),
    "users": ("id", "email", "password_hash", "role", "tenant_id", "display_name", "language",
              "is_enabled", "email_confirmed", "session_version", "failed_logins", "created_at"),
    "building_assignments": ("id", "user_id", "building_id"),
    "portfolio_assignments": ("id", "user_id", "portfolio_id"),
    "privacy_requests": ("id", "ref", "tenant_id", "kind", "status", "details", "channel", "received_on",
                         "clock_start", "due_on", "extended", "extension_reason", "assigned_to_id", "outcome",
                         "answer", "created_at", "updated_at", "answered_at", "closed_at", "version"),
    "request_events": ("id", "request_id", "at", "actor_id", "actor_role", "action", "from_status",
                       "to_status", "message"),
}
