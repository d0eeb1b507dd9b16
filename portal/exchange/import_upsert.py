"""The writing half of `portal import`: rows already parsed and checked
(import_rows.py) are compared with the database by the landlord's identifier, in
batches, and written with portal/bulk.py (executemany / COPY)."""

from __future__ import annotations

from typing import Any

from portal.i18n import lazy_gettext as _l

from portal.bulk import Loader, sql_datetime
from portal.exchange.csvformat import SPACES, Column, Part
from portal.exchange.import_hooks import HOOKS, Hook, canon, db_value
from portal.exchange.import_report import FileReport, Problem, Report
from portal.models._base import utcnow

EXAMPLES = 10  # updated records listed per file in the report
_USER_COLUMNS = ["id", "email", "password_hash", "role", "tenant_id", "display_name", "language", "is_enabled",
                 "email_confirmed", "session_version", "failed_logins", "created_at"]


class Upsert:
    """The state of one import and its writes: identifiers already known, ids handed
    out, and the batched insert/update of parsed rows."""

    def __init__(self, loader: Loader, report: Report) -> None:
        self.loader = loader
        self.report = report
        self.now = utcnow()
        # Landlord identifier -> database id, for every key space (0: declared by a file
        # that is not written because of earlier problems).
        self.spaces: dict[str, dict[str, int]] = {}
        for space, (tbl, col) in SPACES.items():
            self.spaces[space] = {k: i for i, k in loader.query(f"SELECT id, {col} FROM {tbl}")}  # nosec B608 - identifiers come from the model metadata, never from input; values are bound
        self.created: dict[str, set[int]] = {s: set() for s in SPACES}
        self.ids: dict[str, int] = {}
        self.emails: dict[str, tuple[int, str, int | None]] | None = None  # users: email -> id, role, tenant
        self.failed = False  # the database refused a write: the transaction is unusable
        self.index: dict[str, int] = {}  # header name -> position, for the file being read
        self.was_empty: dict[str, bool] = {}
        from portal.sensitive import scan
        self.scan = scan

    @property
    def writing(self) -> bool:
        return not self.report.problems

    def problem(self, file: str, line: int, column: int, message: Any) -> None:
        """Record a problem: nothing will be written."""
        self.report.problems.append(Problem(file, line, column, message))

    def next_id(self, tbl: str) -> int:
        """The id the next row inserted into `tbl` gets."""
        if tbl not in self.ids:
            self.ids[tbl] = self.loader.next_id(tbl)
        value = self.ids[tbl]
        self.ids[tbl] += 1
        return value

    # -- writing --------------------------------------------------------------------
    def flush(self, part: Part, cols: list[Column], batch: list[tuple[int, str, Any, list[Any]]],
              report: FileReport) -> None:
        """Write one batch of valid rows: insert the new identifiers, update the changed
        rows (listing a few in the report), leave the others alone."""
        if not self.writing:
            return
        if part.file == "staff_assignments":
            self._staff(cols, batch, report)
            return
        tbl = part.table
        key_target = part.key.target
        targets = [c.target for c in cols]
        existing: dict[Any, tuple] = {}
        keys = [k for _line, _text, k, _v in batch]
        if tbl not in self.was_empty:
            self.was_empty[tbl] = not self.loader.query(f"SELECT 1 FROM {tbl} LIMIT 1")  # nosec B608 - table name from the model metadata
        # A table empty before the import holds only rows this part wrote, and the file
        # has no duplicate identifiers: nothing to look up (the first load of a landlord).
        skip = self.was_empty[tbl] and part.key.type == "key" and tbl != "users"
        for start in range(0, 0 if skip else len(keys), 900):
            chunk = keys[start:start + 900]
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT id, {key_target}{''.join(', ' + t for t in targets)} FROM {tbl} WHERE {key_target} IN ({marks})"  # nosec B608 - identifiers come from the model metadata, never from input; values are bound
            for row in self.loader.query(sql, chunk):
                existing[row[1]] = (row[0], tuple(canon(c, v) for c, v in zip(cols, row[2:])))
        # Rows grouped by the extra columns a hook adds, so each executemany is uniform.
        inserts: dict[tuple[str, ...], list[tuple]] = {}
        updates: dict[tuple[str, ...], list[tuple]] = {}
        hook = HOOKS.get(tbl) or Hook()
        for line, text, key, values in batch:
            old = existing.get(key)
            if old is None:
                row_id = self.next_id(tbl)
                extra = hook.insert(self, part, cols, line, key, values, report)
                inserts.setdefault(tuple(extra), []).append(
                    (row_id, key, *[db_value(v) for v in values], *extra.values()))
                if part.space and part.key.type == "key":
                    self.spaces[part.space][key] = row_id
                    self.created[part.space].add(row_id)
                report.created += 1
                continue
            row_id, before = old
            changed = [c.name for c, a, b in zip(cols, values, before) if a != b and not hook.ignore(c, a, b)]
            if not changed:
                report.unchanged += 1
                continue
            extra = hook.update(self, part, cols, line, key, values, before, changed, report)
            updates.setdefault(tuple(extra), []).append((*[db_value(v) for v in values], *extra.values(), row_id))
            if part.key.ref == "tenant" and key in self.created["tenant"]:
                report.created += 1  # the contact details or account of a tenant created just now
            else:
                report.updated += 1
                if len(report.changes) < EXAMPLES:
                    report.changes.append(f"{text}: {', '.join(changed)}")
        if not self.writing:  # a hook found a problem (e.g. an e-mail already in use)
            return
        for extra_cols, rows in inserts.items():
            self.loader.insert(tbl, ["id", key_target, *targets, *extra_cols], rows)
        for extra_cols, rows in updates.items():
            self.loader.update(tbl, [*targets, *extra_cols], rows)

    # -- staff ----------------------------------------------------------------------
    def users(self) -> dict[str, tuple[int, str, int | None]]:
        """Accounts by lower-cased e-mail: id, role, tenant (read once)."""
        if self.emails is None:
            self.emails = {e.lower(): (i, r, t) for i, e, r, t in
                           self.loader.query("SELECT id, email, role, tenant_id FROM users")}
        return self.emails

    def _staff(self, cols: list[Column], batch: list[tuple[int, str, Any, list[Any]]], report: FileReport) -> None:
        users = self.users()
        names = [c.name for c in cols]
        for line, _text, email, values in batch:
            v = dict(zip(names, values))
            role, building, portfolio = v.get("role"), v.get("building_ref"), v.get("portfolio_code")
            found = users.get(email.lower())
            if found is not None and found[1] != role:
                self.problem("staff_assignments.csv", line, 1, _l("%(email)s already has an account with the "
                                                                  "role %(role)s", email=email, role=found[1]))
                continue
            if found is None:
                uid = self.next_id("users")
                self.loader.insert("users", _USER_COLUMNS, [(uid, email, None, role, None, v.get("display_name")
                                                             or email, "fr", True, False, 1, 0,
                                                             sql_datetime(self.now))])
                users[email.lower()] = (uid, role, None)
                report.created += 1
            else:
                uid = found[0]
            for ref, tbl, col in ((building, "building_assignments", "building_id"),
                                  (portfolio, "portfolio_assignments", "portfolio_id")):
                if ref is None:
                    continue
                if self.loader.query(f"SELECT 1 FROM {tbl} WHERE user_id = ? AND {col} = ?", (uid, ref)):  # nosec B608 - identifiers come from the model metadata, never from input; values are bound
                    report.unchanged += 1
                    continue
                self.loader.insert(tbl, ["id", "user_id", col], [(self.next_id(tbl), uid, ref)])
                report.created += 1
