"""The reading half of `portal import`: each CSV file's header and cells are parsed and
checked against csvformat.py (types, required values, references, duplicates); valid
rows go to import_upsert.py in batches. Every problem is recorded as file:line:column."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from portal.i18n import lazy_gettext as _l

from portal.bulk import Loader
from portal.exchange.csvformat import BY_NAME, FILES, BadValue, Column, FileSpec, Part, parse
from portal.exchange.csvread import Rows, Unreadable, detect_encoding
from portal.exchange.import_report import FileReport, Report
from portal.exchange.import_upsert import Upsert

BATCH = 5000
CACHED = ("date", "datetime", "money", "int", "float", "bool", "choice", "language")
_BAD = object()


class Import(Upsert):
    """One import: reads the files in order and hands valid rows to the upsert."""

    def __init__(self, loader: Loader, report: Report, progress: Callable[[int], None]) -> None:
        super().__init__(loader, report)
        self.progress = progress
        # Parsed values of cells that repeat (dates, amounts, codes), per column.
        self.cache: dict[Column, dict[str, Any]] = {}
        for spec in FILES:
            for part in spec.parts:
                for col in part.columns:
                    if col.ref is None and col.type in CACHED:
                        self.cache[col] = {}

    # -- reading --------------------------------------------------------------------
    def read_file(self, path: Path) -> None:
        """Read one file (unknown names and unreadable text are problems)."""
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
                self.flush(part, present[part], batch, report)
                batches[part] = []
        for part, batch in batches.items():
            if batch:
                self.flush(part, present[part], batch, report)

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
