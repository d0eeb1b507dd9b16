"""`portal import PATH`: load the landlord's CSV files (csvformat.py) in one transaction.

Idempotent: every row carries the landlord's own identifier (tenant number, building,
dwelling and lease references, `ext_id`), so a row is created when the identifier is
new, updated when a value changed (and reported), left alone otherwise. All or nothing:
any problem anywhere (unknown column, missing value, bad date or amount, unknown
reference, duplicate identifier) rolls everything back and every problem is returned
as `file:line:column: message`. `dry_run` does the same work and rolls back.

Speed: rows are read and compared in batches, looked up by identifier with one query
per batch, and written with services/bulk.py (executemany / COPY); references resolve
through in-memory dictionaries. Notes and incident texts coming in go through the
sensitive-data guard; flagged ones wait for the DPO (review_status "pending").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from portal.i18n import lazy_gettext as _l
from sqlalchemy import Engine

from portal.models._base import utcnow
from portal.audit import chain as audit_service
from portal.bulk import Loader, loading, sql_date, sql_datetime, sql_json, table
from portal.exchange.csvformat import BY_NAME, FILES, SPACES, BadValue, Column, FileSpec, Part, parse
from portal.exchange.csvread import Rows, Unreadable, detect_encoding

BATCH = 5000
CACHED = ("date", "datetime", "money", "int", "float", "bool", "choice", "language")
EXAMPLES = 10  # updated records listed per file in the report


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    message: Any  # lazy string: rendered in the language of whoever prints it

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


@dataclass
class FileReport:
    name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    changes: list[str] = field(default_factory=list)  # "key: column, column"


@dataclass
class Report:
    files: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def flagged(self) -> int:
        return sum(f.flagged for f in self.files)

    @property
    def changed(self) -> int:
        return sum(f.created + f.updated for f in self.files)


def input_files(path: Path) -> list[Path]:
    """The CSV files to read: a directory's *.csv, or one file."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
    return [path]


def total_size(path: Path) -> int:
    return sum(p.stat().st_size for p in input_files(path) if p.is_file())


def _canon(col: Column, raw: Any) -> Any:
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


def _db(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value
    if isinstance(value, datetime):
        return sql_datetime(value)
    if isinstance(value, date):
        return sql_date(value)
    return value


class _Import:
    def __init__(self, loader: Loader, report: Report, progress: Callable[[int], None]) -> None:
        self.loader = loader
        self.report = report
        self.progress = progress
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
        # Parsed values of cells that repeat (dates, amounts, codes), per column.
        self.cache: dict[Column, dict[str, Any]] = {}
        for spec in FILES:
            for part in spec.parts:
                for col in part.columns:
                    if col.ref is None and col.type in CACHED:
                        self.cache[col] = {}
        from portal.sensitive import scan
        self.scan = scan

    @property
    def writing(self) -> bool:
        return not self.report.problems

    def problem(self, file: str, line: int, column: int, message: Any) -> None:
        self.report.problems.append(Problem(file, line, column, message))

    def next_id(self, tbl: str) -> int:
        if tbl not in self.ids:
            self.ids[tbl] = self.loader.next_id(tbl)
        value = self.ids[tbl]
        self.ids[tbl] += 1
        return value

    # -- reading --------------------------------------------------------------------
    def read_file(self, path: Path) -> None:
        name = path.name.lower()
        spec = BY_NAME.get(name)
        if spec is None:
            if name != "manifest.json":
                self.problem(path.name, 1, 1, _l("unknown file (expected one of: %(files)s)",
                                                 files=", ".join(f.filename for f in FILES)))
            return
        try:
            encoding = detect_encoding(path)
        except Unreadable as exc:
            self.problem(path.name, exc.args[0], 1, _l("unreadable text: neither UTF-8 nor Windows-1252"))
            return
        rows = Rows(path, encoding, self.progress)
        try:
            self._read(spec, path.name, rows)
        except self.loader.driver_errors as exc:
            # A constraint the checks above do not know of: report it, write nothing.
            self.problem(path.name, 0, 0, _l("the database refused these rows: %(error)s",
                                             error=str(exc).splitlines()[0]))
            self.failed = True
        finally:
            rows.close()

    def _read(self, spec: FileSpec, fname: str, rows: Rows) -> None:
        report = FileReport(spec.filename)
        self.report.files.append(report)
        header = rows.header
        known = set(spec.header())
        index: dict[str, int] = {}
        bad_header = False
        for i, name in enumerate(header):
            if name not in known:
                self.problem(fname, 1, i + 1, _l("unknown column %(name)s", name=repr(name)))
                bad_header = True
            elif name in index:
                self.problem(fname, 1, i + 1, _l("column %(name)s appears twice", name=repr(name)))
                bad_header = True
            else:
                index[name] = i
        # Columns every row needs must be in the header (for a file of several sections:
        # those every section needs; the others are checked row by row).
        needed = set.intersection(*({c.name for c in p.all_columns if c.required} for p in spec.parts))
        for name in [n for n in spec.header() if n in needed] + (["section"] if spec.multi else []):
            if name not in index:
                self.problem(fname, 1, 1, _l("missing column %(name)s", name=repr(name)))
                bad_header = True
        if bad_header:
            return
        self.index = index
        batches: dict[Part, list[tuple[int, str, Any, list[Any]]]] = {p: [] for p in spec.parts}
        seen: dict[Part, set] = {p: set() for p in spec.parts}
        present = {p: [c for c in p.columns if c.name in index] for p in spec.parts}
        # Per part, worked out once: where each cell is, which required columns the
        # header lacks, which cells must stay empty (columns of other sections).
        plans = {}
        for p in spec.parts:
            mine = {c.name for c in p.all_columns} | {"section"}
            plans[p] = ([(c, index[c.name]) for c in present[p]],
                        [c for c in p.columns if c.required and c.name not in index],
                        [(n, i) for n, i in index.items() if n not in mine] if spec.multi else [])
        by_section = {p.section: p for p in spec.parts}
        section_at = index.get("section")
        width = len(header)
        staff = spec.name == "staff_assignments"
        for line, cells in rows:
            report.rows += 1
            n = len(cells)
            if n > width:
                self.problem(fname, line, width + 1, _l("more values than columns"))
                continue
            if section_at is not None:
                section = cells[section_at].strip() if section_at < n else ""
                part = by_section.get(section)
                if part is None:
                    self.problem(fname, line, section_at + 1, _l("unknown section %(value)s (expected one of: "
                                                                 "%(choices)s)", value=repr(section),
                                                                 choices=", ".join(p.section for p in spec.parts)))
                    continue
            else:
                part = spec.parts[0]
            cols, lacking, foreign = plans[part]
            key_at = index[part.key.name]
            key_text = cells[key_at].strip() if key_at < n else ""
            key = self._cell(fname, line, key_at, key_text, part.key)
            ok = key is not _BAD
            values = []
            for col, i in cols:
                text = cells[i].strip() if i < n else ""
                cache = self.cache.get(col)
                if cache is not None and text:
                    value = cache.get(text, _BAD)
                    if value is _BAD:
                        value = self._cell(fname, line, i, text, col)
                        if value is not _BAD:
                            if len(cache) > 100_000:
                                cache.clear()
                            cache[text] = value
                else:
                    value = self._cell(fname, line, i, text, col)
                if value is _BAD:
                    ok = False
                values.append(value)
            for col in lacking:
                self.problem(fname, line, 1, _l("missing required value for %(name)s", name=col.name))
                ok = False
            for name, i in foreign:
                if i < n and cells[i].strip():
                    self.problem(fname, line, i + 1, _l("column %(name)s does not apply to %(section)s rows",
                                                        name=name, section=part.section))
                    ok = False
            # Staff: one row per assignment, so the e-mail alone may repeat.
            dedupe = (key, tuple(values)) if staff else key
            if key is not None and key is not _BAD:
                part_seen = seen[part]
                if dedupe in part_seen:
                    self.problem(fname, line, key_at + 1,
                                 _l("duplicate id %(value)s (already on an earlier line)", value=repr(str(key))))
                    ok = False
                part_seen.add(dedupe)
                if part.space and part.key.type == "key":
                    self.spaces[part.space].setdefault(key, 0)
            if not ok:
                continue
            batch = batches[part]
            batch.append((line, key_text, key, values))
            if len(batch) >= BATCH:
                self._flush(part, present[part], batch, report)
                batches[part] = []
        for part, batch in batches.items():
            if batch:
                self._flush(part, present[part], batch, report)

    def _cell(self, fname: str, line: int, i: int, text: str, col: Column) -> Any:
        """One cell's value, or _BAD after recording the problem."""
        if not text:
            if col.required:
                self.problem(fname, line, i + 1, _l("missing required value for %(name)s", name=col.name))
                return _BAD
            return None
        if col.ref is not None:
            found = self.spaces[col.ref].get(text)
            if found is None:
                self.problem(fname, line, i + 1, _l("unknown reference %(value)s in %(name)s (not in the files "
                                                    "nor in the database)", value=repr(text), name=col.name))
                return _BAD
            return found
        if col.type == "key":
            if col.max_length and len(text) > col.max_length:
                self.problem(fname, line, i + 1, _l("too long: %(length)s characters, at most %(max)s",
                                                    length=len(text), max=col.max_length))
                return _BAD
            return text
        try:
            value = parse(col, text)
        except BadValue as exc:
            self.problem(fname, line, i + 1, exc.args[0])
            return _BAD
        if isinstance(value, str) and "\r" in value:
            value = value.replace("\r\n", "\n")
        return value

    # -- writing --------------------------------------------------------------------
    def _flush(self, part: Part, cols: list[Column], batch: list[tuple[int, str, Any, list[Any]]],
               report: FileReport) -> None:
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
                existing[row[1]] = (row[0], tuple(_canon(c, v) for c, v in zip(cols, row[2:])))
        # Rows grouped by the extra columns a hook adds, so each executemany is uniform.
        inserts: dict[tuple[str, ...], list[tuple]] = {}
        updates: dict[tuple[str, ...], list[tuple]] = {}
        hook = _HOOKS.get(tbl) or _Hook()
        for line, text, key, values in batch:
            old = existing.get(key)
            if old is None:
                row_id = self.next_id(tbl)
                extra = hook.insert(self, part, cols, line, key, values, report)
                inserts.setdefault(tuple(extra), []).append(
                    (row_id, key, *[_db(v) for v in values], *extra.values()))
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
            updates.setdefault(tuple(extra), []).append((*[_db(v) for v in values], *extra.values(), row_id))
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
    def _users(self) -> dict[str, tuple[int, str, int | None]]:
        if self.emails is None:
            self.emails = {e.lower(): (i, r, t) for i, e, r, t in
                           self.loader.query("SELECT id, email, role, tenant_id FROM users")}
        return self.emails

    def _staff(self, cols: list[Column], batch: list[tuple[int, str, Any, list[Any]]], report: FileReport) -> None:
        users = self._users()
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


_BAD = object()
_USER_COLUMNS = ["id", "email", "password_hash", "role", "tenant_id", "display_name", "language", "is_enabled",
                 "email_confirmed", "session_version", "failed_logins", "created_at"]


class _Hook:
    """Table-specific work around the generic insert/update: extra columns to write."""

    def insert(self, imp: _Import, part: Part, cols: list[Column], line: int, key: Any, values: list[Any],
               report: FileReport) -> dict[str, Any]:
        return {}

    def update(self, imp: _Import, part: Part, cols: list[Column], line: int, key: Any, values: list[Any],
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
        out[col.name] = _db(now if isinstance(value, datetime) else value)
    return out


class _Defaults(_Hook):
    def insert(self, imp, part, cols, line, key, values, report):
        return _defaults(part.table, {"id", part.key.target, *(c.target for c in cols)}, imp.now)


class _Tenants(_Defaults):
    def update(self, imp, part, cols, line, key, values, before, changed, report):
        return {"updated_at": sql_datetime(imp.now)}


class _Accounts(_Hook):
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
    def _check_email(imp: _Import, line: int, email: str | None, tenant_id: int) -> None:
        if not email:
            return
        users = imp._users()
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

    def _review(self, imp: _Import, cols: list[Column], values: list[Any], report: FileReport,
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


_HOOKS: dict[str, _Hook] = {
    "tenants": _Tenants(), "users": _Accounts(), "notes": _Guarded(), "incidents": _Incidents(),
}
for _t in ("portfolios", "buildings", "dwellings", "leases", "household_members", "resource_declarations",
           "rent_calls", "payments", "payment_plans", "correspondence"):
    _HOOKS[_t] = _Defaults()


def check_manifest(path: Path, report: Report) -> None:
    """When the directory has a manifest.json, every file it lists must be there, unchanged."""
    manifest = path / "manifest.json" if path.is_dir() else None
    if manifest is None or not manifest.exists():
        return
    try:
        data = json.loads(manifest.read_text(encoding="utf-8-sig"))
        files = data["files"]
    except (ValueError, KeyError, TypeError):
        report.problems.append(Problem("manifest.json", 1, 1, _l("not a manifest written by export-csv")))
        return
    for name, info in files.items():
        target = path / name
        if not target.exists():
            report.problems.append(Problem("manifest.json", 1, 1, _l("%(file)s is listed but missing", file=name)))
            continue
        digest = hashlib.sha256()
        with target.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                digest.update(chunk)
        if digest.hexdigest() != info.get("sha256"):
            report.problems.append(Problem(name, 1, 1, _l("the file differs from its checksum in manifest.json "
                                                          "(changed or truncated since the export)")))


def _order(paths: list[Path]) -> list[Path]:
    rank = {f.filename: i for i, f in enumerate(FILES)}
    return sorted(paths, key=lambda p: (rank.get(p.name.lower(), -1), p.name))


def run(engine: Engine, path: Path, dry_run: bool = False,
        progress: Callable[[int], None] | None = None) -> Report:
    """Import the files at `path` (a directory or one CSV file). Writes only when every
    row of every file is valid and dry_run is False."""
    report = Report(dry_run=dry_run)
    if not path.exists():
        report.problems.append(Problem(str(path), 0, 0, _l("no such file or directory")))
        return report
    check_manifest(path, report)
    progress = progress or (lambda _n: None)
    try:
        with loading(engine) as loader:
            imp = _Import(loader, report, progress)
            for file in _order(input_files(path)):
                if imp.failed:
                    break
                imp.read_file(file)
            if not report.problems and report.changed and not dry_run:
                _audit(loader, report, path)
            if report.problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


class _Rollback(Exception):
    pass


def _audit(loader: Loader, report: Report, path: Path) -> None:
    """One entry in the hash-chained audit log for the whole import (no tenant: the
    import is not a consultation of anyone's file)."""
    detail = {f.name: {"created": f.created, "updated": f.updated, "flagged": f.flagged}
              for f in report.files if f.created or f.updated}
    audit_service.record_in_load(loader, "system", "import", purpose=f"CSV import ({path.name})", detail=detail)
