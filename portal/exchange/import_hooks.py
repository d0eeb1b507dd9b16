"""Table-specific work around the import's generic insert/update (import_upsert.py):
the model's defaults for columns a file does not give, tenant accounts created without
a password, and incoming note and incident texts passed through the sensitive-data
guard (flagged ones wait for the DPO)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, Protocol

from portal.i18n import lazy_gettext as _l

from portal.bulk import Loader, sql_date, sql_datetime, sql_json, table
from portal.exchange.csvformat import Column, Part
from portal.exchange.import_report import FileReport


class Target(Protocol):
    """What a hook sees of the running import."""

    loader: Loader
    now: datetime
    index: dict[str, int]
    scan: Callable[[str], list]

    def problem(self, file: str, line: int, column: int, message: Any) -> None: ...

    def users(self) -> dict[str, tuple[int, str, int | None]]: ...


def canon(col: Column, raw: Any) -> Any:
    """A value read from the database, comparable with a parsed cell."""
    if raw is None:
        return None
    t = col.type
    if t == "date":
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10])
    if t == "datetime":
        return raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    if t == "bool":
        return bool(raw)
    if t == "float":
        return float(raw)
    return raw


def db_value(value: Any) -> Any:
    """A parsed cell as the bulk loader binds it (dates as ISO text)."""
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value
    if isinstance(value, datetime):
        return sql_datetime(value)
    if isinstance(value, date):
        return sql_date(value)
    return value





class Hook:
    """Table-specific work around the generic insert/update: extra columns to write."""

    def insert(self, imp: Target, part: Part, cols: list[Column], line: int, key: Any, values: list[Any],
               report: FileReport) -> dict[str, Any]:
        return {}

    def update(self, imp: Target, part: Part, cols: list[Column], line: int, key: Any, values: list[Any],
               before: tuple, changed: list[str], report: FileReport) -> dict[str, Any]:
        return {}

    def ignore(self, col: Column, new: Any, old: Any) -> bool:
        return False


def _defaults(tbl: str, given: set[str], now: datetime) -> dict[str, Any]:
    """Values for the NOT NULL columns a file did not give (the model's defaults)."""
    key = (tbl, frozenset(given), now)
    cached = _DEFAULTS.get(key)
    if cached is None:
        cached = _DEFAULTS[key] = _compute_defaults(tbl, given, now)
    return dict(cached)


_DEFAULTS: dict[tuple, dict[str, Any]] = {}


def _compute_defaults(tbl: str, given: set[str], now: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in table(tbl).columns:
        if col.name in given or col.nullable or col.primary_key or col.default is None:
            continue
        value = col.default.arg(None) if col.default.is_callable else col.default.arg
        out[col.name] = db_value(now if isinstance(value, datetime) else value)
    return out


class _Defaults(Hook):
    def insert(self, imp, part, cols, line, key, values, report):
        return _defaults(part.table, {"id", part.key.target, *(c.target for c in cols)}, imp.now)


class _Tenants(_Defaults):
    def update(self, imp, part, cols, line, key, values, before, changed, report):
        return {"updated_at": sql_datetime(imp.now)}


class _Accounts(Hook):
    """Tenant accounts: created without a password (the tenant activates the account)."""

    def insert(self, imp, part, cols, line, key, values, report):
        given = {c.name: v for c, v in zip(cols, values)}
        self._check_email(imp, line, given.get("email"), key)
        name = imp.loader.query("SELECT first_name, last_name FROM tenants WHERE id = ?", (key,))
        extra = {"role": "tenant", "display_name": " ".join(name[0]) if name else given.get("email")}
        extra.update(_defaults("users", {"id", "tenant_id", "role", "display_name", *given}, imp.now))
        return extra

    def update(self, imp, part, cols, line, key, values, before, changed, report):
        if "email" in changed:
            self._check_email(imp, line, dict(zip((c.name for c in cols), values)).get("email"), key)
        return {}

    @staticmethod
    def _check_email(imp: Target, line: int, email: str | None, tenant_id: int) -> None:
        if not email:
            return
        users = imp.users()
        found = users.get(email.lower())
        if found is not None and found[2] != tenant_id:
            imp.problem("account.csv", line, imp.index.get("email", 0) + 1, _l("duplicate id %(value)s: this e-mail address belongs to another "
                                                   "account", value=repr(email)))
            return
        users[email.lower()] = (found[0] if found else 0, "tenant", tenant_id)


class _Guarded(_Defaults):
    """Notes and incidents: incoming text goes through the sensitive-data guard. Text it
    flags waits for the DPO (review_status "pending", findings kept) unless the file
    states a review decision already taken (kept, redacted, pending)."""

    texts: tuple[str, ...] = ("body",)

    def _review(self, imp: Target, cols: list[Column], values: list[Any], report: FileReport,
                previous: str | None) -> dict[str, Any]:
        names = [c.name for c in cols]
        given = dict(zip(names, values))
        findings: list[dict] = []
        for name in self.texts:
            for f in imp.scan(given.get(name) or ""):
                row = {"category": f.category, "start": f.start, "end": f.end, "term": f.term}
                if len(self.texts) > 1:
                    row["field"] = name
                findings.append(row)
        stated = given.get("review_status")
        status = stated if stated not in (None, "none") else ("pending" if findings else previous or "none")
        extra: dict[str, Any] = {"findings": sql_json(findings or None)}
        if "review_status" in given:
            values[names.index("review_status")] = status
        else:
            extra["review_status"] = status
        if status == "pending":
            report.flagged += 1
        return extra

    def insert(self, imp, part, cols, line, key, values, report):
        extra = self._review(imp, cols, values, report, None)
        extra.update(_defaults(part.table, {"id", part.key.target, *(c.target for c in cols), *extra}, imp.now))
        return extra

    def update(self, imp, part, cols, line, key, values, before, changed, report):
        names = [c.name for c in cols]
        previous = before[names.index("review_status")] if "review_status" in names else None
        if any(name in changed for name in self.texts):
            return self._review(imp, cols, values, report, None)
        if "review_status" in names and values[names.index("review_status")] in (None, "none"):
            values[names.index("review_status")] = previous  # the file is silent: keep the review
        return {}

    def ignore(self, col, new, old):
        # A file that says nothing (or "none") about the review does not undo the guard's flag.
        return col.name == "review_status" and new in (None, "none")


class _Incidents(_Guarded):
    texts = ("title", "description")


HOOKS: dict[str, Hook] = {
    "tenants": _Tenants(), "users": _Accounts(), "notes": _Guarded(), "incidents": _Incidents(),
}
for _t in ("portfolios", "buildings", "dwellings", "leases", "household_members", "resource_declarations",
           "rent_calls", "payments", "payment_plans", "correspondence"):
    HOOKS[_t] = _Defaults()
