"""The landlord CSV format, declared once and derived from the data catalogue: which
files exist, their columns (catalogue field keys), the landlord identifier of each row,
the references between files, and how values are written and read (French and ISO
dates, French and international amounts). `portal export-csv` writes it, `portal import`
reads it, and `portal import-doc` prints docs/import.md from it, so they cannot drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import String

from portal import catalogue
from portal.bulk import table
from portal.i18n import lazy_gettext as _l


@dataclass(frozen=True, eq=False)
class Column:
    name: str  # header of the column
    type: str  # a catalogue type, or "key"/"ref" for identifiers
    target: str | None  # database column it fills
    label: Any = None
    required: bool = False
    choices: tuple[str, ...] | None = None
    max_length: int | None = None
    ref: str | None = None  # a reference to another file's identifiers: key space name


@dataclass(frozen=True, eq=False)
class Part:
    """The rows of one file (or of one section of a multi-section file) and their table."""

    file: str
    section: str | None
    table: str
    key: Column  # the landlord identifier of a row
    columns: tuple[Column, ...]  # every other column
    space: str | None = None  # the key space this part defines (others refer to it)

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return (self.key, *self.columns)


@dataclass(frozen=True, eq=False)
class FileSpec:
    name: str  # file stem: name + ".csv"
    title: Any
    parts: tuple[Part, ...]
    category: str | None = None
    note: Any = None

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def multi(self) -> bool:
        return len(self.parts) > 1

    def header(self) -> list[str]:
        names: list[str] = ["section"] if self.multi else []
        for part in self.parts:
            for col in part.all_columns:
                if col.name not in names:
                    names.append(col.name)
        return names

    def part(self, section: str | None) -> Part | None:
        if not self.multi:
            return self.parts[0]
        return next((p for p in self.parts if p.section == section), None)


# Key spaces: which table and column hold each kind of landlord identifier.
SPACES: dict[str, tuple[str, str]] = {
    "portfolio": ("portfolios", "code"),
    "building": ("buildings", "ref"),
    "dwelling": ("dwellings", "ref"),
    "lease": ("leases", "ref"),
    "tenant": ("tenants", "tenant_number"),
}

TENANT = Column("tenant_number", "ref", "tenant_id", _l("Tenant number"), True, ref="tenant")
EXT_ID = Column("ext_id", "key", "ext_id", _l("Your identifier of the record"), True, max_length=60)
LEASE_REF = Column("lease_ref", "ref", "lease_id", _l("Lease reference"), True, ref="lease")


def _length(table_name: str, column: str) -> int | None:
    col_type = table(table_name).c[column].type
    return col_type.length if isinstance(col_type, String) else None


def _required(table_name: str, column: str, declared: bool) -> bool:
    col = table(table_name).c[column]
    return declared or (not col.nullable and col.default is None)


def _from_catalogue(table_name: str, category: str, section: str, skip: tuple[str, ...] = ()) -> tuple[Column, ...]:
    """The columns of a catalogue section that are stored on its own table."""
    sec = catalogue.get(category).section(section)
    cols = []
    for f in sec.fields:
        if "." in f.path or f.key in skip:
            continue
        cols.append(Column(f.key, f.type, f.path, f.label, _required(table_name, f.path, f.required),
                           tuple(f.choices) if f.choices else None,
                           f.max_length or _length(table_name, f.path)))
    return tuple(cols)


def _col(table_name: str, name: str, ftype: str, target: str, label: Any, required: bool = False,
         choices: tuple[str, ...] | None = None) -> Column:
    return Column(name, ftype, target, label, _required(table_name, target, required), choices,
                  _length(table_name, target))


ROLES = ("caretaker", "manager", "dpo", "admin")


def _specs() -> tuple[FileSpec, ...]:
    def simple(name: str, category: str, section: str, table_name: str, key: Column, links: tuple[Column, ...] = (),
               skip: tuple[str, ...] = (), note: Any = None) -> FileSpec:
        part = Part(name, None, table_name, key, (*links, *_from_catalogue(table_name, category, section, skip)))
        return FileSpec(name, catalogue.get(category).title, (part,), category, note)

    portfolios = FileSpec("portfolios", _l("Portfolios"), (Part(
        "portfolios", None, "portfolios",
        Column("code", "key", "code", _l("Portfolio code"), True, max_length=_length("portfolios", "code")),
        (_col("portfolios", "name", "text", "name", _l("Name"), True),), "portfolio"),),
        note=_l("Groups of buildings handled by one rental manager."))
    buildings = FileSpec("buildings", _l("Buildings"), (Part(
        "buildings", None, "buildings",
        Column("ref", "key", "ref", _l("Building reference"), True, max_length=_length("buildings", "ref")),
        (_col("buildings", "name", "text", "name", _l("Building"), True),
         _col("buildings", "address", "text", "address", _l("Address"), True),
         _col("buildings", "postcode", "text", "postcode", _l("Postcode"), True),
         _col("buildings", "city", "text", "city", _l("City"), True),
         Column("portfolio_code", "ref", "portfolio_id", _l("Portfolio code"), ref="portfolio")), "building"),))
    dwellings = FileSpec("dwellings", _l("Dwellings"), (Part(
        "dwellings", None, "dwellings",
        Column("ref", "key", "ref", _l("Dwelling reference"), True, max_length=_length("dwellings", "ref")),
        (Column("building_ref", "ref", "building_id", _l("Building reference"), True, ref="building"),
         _col("dwellings", "staircase", "text", "staircase", _l("Staircase")),
         _col("dwellings", "floor", "int", "floor", _l("Floor")),
         _col("dwellings", "door", "text", "door", _l("Door")),
         _col("dwellings", "dwelling_type", "text", "kind", _l("Type of dwelling"), True),
         _col("dwellings", "surface", "float", "surface_m2", _l("Surface area (m²)"))), "dwelling"),))
    lease = FileSpec("lease", catalogue.get("lease").title, (Part(
        "lease", None, "leases",
        Column("ref", "key", "ref", _l("Lease reference"), True, max_length=_length("leases", "ref")),
        (Column("dwelling_ref", "ref", "dwelling_id", _l("Dwelling reference"), True, ref="dwelling"),
         *_from_catalogue("leases", "lease", "lease", skip=("ref",))), "lease"),), "lease",
        _l("One row per lease; the dwelling's details come from dwellings.csv and buildings.csv, "
           "the holders from identity.csv (lease_ref)."))
    identity = FileSpec("identity", catalogue.get("identity").title, (Part(
        "identity", None, "tenants",
        Column("tenant_number", "key", "tenant_number", _l("Tenant number"), True,
               max_length=_length("tenants", "tenant_number")),
        (*_from_catalogue("tenants", "identity", "identity", skip=("tenant_number",)),
         Column("lease_ref", "ref", "lease_id", _l("Lease reference"), ref="lease")), "tenant"),), "identity",
        _l("One row per tenant (each co-holder of a lease has a row with the same lease_ref)."))
    contact = FileSpec("contact", catalogue.get("contact").title, (Part(
        "contact", None, "tenants", Column("tenant_number", "ref", "id", _l("Tenant number"), True, ref="tenant"),
        _from_catalogue("tenants", "contact", "contact")),), "contact")
    account = FileSpec("account", catalogue.get("account").title, (Part(
        "account", None, "users", Column("tenant_number", "ref", "tenant_id", _l("Tenant number"), True,
                                         ref="tenant"),
        _from_catalogue("users", "account", "account")),), "account",
        _l("Tenant accounts are created without a password: the tenant activates the account "
           "(activation letter) before the first login. Login history is not imported."))
    household = simple("household", "household", "members", "household_members", EXT_ID, (TENANT,))
    resources = simple("resources", "resources", "declarations", "resource_declarations", EXT_ID, (TENANT,))
    payments = FileSpec("payments", catalogue.get("payments").title, tuple(
        Part("payments", sec, tbl, EXT_ID, (LEASE_REF, *_from_catalogue(tbl, "payments", sec)))
        for sec, tbl in (("rent_calls", "rent_calls"), ("payments", "payments"), ("plans", "payment_plans"))),
        "payments", _l("Three kinds of rows, told apart by the section column: rent_calls, payments, plans."))
    incidents = simple("incidents", "incidents", "incidents", "incidents", EXT_ID, (
        Column("tenant_number", "ref", "tenant_id", _l("Tenant number"), ref="tenant"),
        Column("building_ref", "ref", "building_id", _l("Building reference"), True, ref="building"),
        Column("dwelling_ref", "ref", "dwelling_id", _l("Dwelling reference"), ref="dwelling")),
        note=_l("Titles and descriptions are scanned by the sensitive-data guard; flagged ones wait "
                "for the DPO's review."))
    notes = simple("notes", "notes", "notes", "notes", EXT_ID, (TENANT,),
                   note=_l("Notes are scanned by the sensitive-data guard; flagged ones wait for the DPO's "
                           "review (review_status pending)."))
    correspondence = simple("correspondence", "correspondence", "correspondence", "correspondence", EXT_ID,
                            (TENANT,))
    staff = FileSpec("staff_assignments", _l("Staff assignments"), (Part(
        "staff_assignments", None, "users",
        Column("email", "key", "email", _l("Staff e-mail address"), True, max_length=_length("users", "email")),
        (Column("role", "choice", "role", _l("Role"), True, ROLES),
         _col("users", "display_name", "text", "display_name", _l("Name"), True),
         Column("building_ref", "ref", None, _l("Building reference"), ref="building"),
         Column("portfolio_code", "ref", None, _l("Portfolio code"), ref="portfolio"))),),
        note=_l("One row per assignment: a caretaker's building or a manager's portfolio. Staff "
                "accounts are created without a password (set one with create-staff or a reset)."))
    return (portfolios, buildings, dwellings, lease, identity, contact, account, household, resources,
            payments, incidents, notes, correspondence, staff)


FILES: tuple[FileSpec, ...] = _specs()
BY_NAME: dict[str, FileSpec] = {f.filename: f for f in FILES}

# Parts of a tenant's file that the CSV format does not carry, and why (docs/import.md).
NOT_CARRIED: dict[str, Any] = {
    "requests": _l("Privacy requests, their history, letters, Art. 19 notices, corrections and restrictions "
                   "are the portal's own record of how it answered the tenant: they are kept where they "
                   "were made, never rewritten by an import. Letters are archived PDFs with their hash."),
    "access_log": _l("The access log is the hash-chained audit log of this portal: an import cannot "
                     "replay another system's reads without forging the chain. The import itself is "
                     "recorded in it (one entry, with the counts)."),
    "account.logins": _l("Login history and passwords: passwords are never exported; imported accounts "
                         "are activated by the tenant."),
    "withheld_passages": _l("Passages marked as concerning other people (GDPR Art. 15(4)) are a decision of "
                            "this portal's staff: the texts travel whole, and staff mark the passages again "
                            "after an import."),
}


# -- values --------------------------------------------------------------------------

class BadValue(ValueError):
    """A cell that cannot be read as its column's type; args[0] is a lazy message."""


_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")
_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_FR_DATETIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
TRUE = {"true", "1", "oui", "yes", "vrai", "o", "y"}
FALSE = {"false", "0", "non", "no", "faux", "n"}


def parse_date(text: str) -> date:
    m = _FR_DATE.match(text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if len(text) == 10 and text[4] == "-":
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise BadValue(_l("bad date %(value)s (expected 31/01/2026 or 2026-01-31)", value=repr(text)))


def parse_datetime(text: str) -> datetime:
    m = _FR_DATETIME.match(text)
    try:
        if m:
            return datetime(int(m.group(3)), int(m.group(2)), int(m.group(1)), int(m.group(4)),
                            int(m.group(5)), int(m.group(6) or 0))
        if len(text) >= 10 and text[4] == "-":
            value = datetime.fromisoformat(text.removesuffix("Z"))
            if value.tzinfo is not None:  # stored as naive UTC
                value = (value - value.utcoffset()).replace(tzinfo=None)
            return value
        if _FR_DATE.match(text):
            return datetime.combine(parse_date(text), datetime.min.time())
    except ValueError:
        pass
    raise BadValue(_l("bad date and time %(value)s (expected 31/01/2026 14:30 or 2026-01-31T14:30:00)",
                      value=repr(text)))


def parse_money(text: str) -> int:
    """Euros to integer cents: `1 234,56`, `1234.56`, `1.234,56`, `-12,5`, `12 €`."""
    raw = text.translate(_SPACES).removesuffix("€").removesuffix("EUR")
    if "," in raw and "." in raw:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
        raw = raw.replace("." if decimal_sep == "," else ",", "")
    raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value != value.quantize(Decimal("0.01")) or raw.count(".") > 1:
        raise BadValue(_l("bad amount %(value)s (expected 1 234,56 or 1234.56)", value=repr(text)))
    return int(value * 100)


def parse_int(text: str) -> int:
    raw = text.translate(_SPACES)
    if not re.fullmatch(r"[+-]?\d{1,15}", raw):
        raise BadValue(_l("bad whole number %(value)s", value=repr(text)))
    return int(raw)


def parse_float(text: str) -> float:
    raw = text.translate(_SPACES).replace(",", ".")
    if not re.fullmatch(r"[+-]?\d{1,12}(\.\d+)?", raw):
        raise BadValue(_l("bad number %(value)s", value=repr(text)))
    return float(raw)


def parse_bool(text: str) -> bool:
    low = text.lower()
    if low in TRUE:
        return True
    if low in FALSE:
        return False
    raise BadValue(_l("bad yes/no value %(value)s (expected true or false)", value=repr(text)))


def parse(col: Column, text: str) -> Any:
    """A non-empty cell as the Python value of its column (BadValue when it is not one)."""
    t = col.type
    if t == "date":
        return parse_date(text)
    if t == "datetime":
        return parse_datetime(text)
    if t == "money":
        return parse_money(text)
    if t == "int":
        return parse_int(text)
    if t == "float":
        return parse_float(text)
    if t == "bool":
        return parse_bool(text)
    if col.choices is not None and text not in col.choices:
        raise BadValue(_l("unknown value %(value)s (expected one of: %(choices)s)", value=repr(text),
                          choices=", ".join(col.choices)))
    if t == "email" and ("@" not in text or " " in text):
        raise BadValue(_l("bad e-mail address %(value)s", value=repr(text)))
    if col.max_length and len(text) > col.max_length:
        raise BadValue(_l("too long: %(length)s characters, at most %(max)s", length=len(text), max=col.max_length))
    return text


def format_cell(ftype: str, value: Any) -> str:
    """A value as written by export-csv: ISO dates, amounts in euros with a point."""
    if value is None:
        return ""
    if ftype == "money":
        sign = "-" if value < 0 else ""
        return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _fmt_money(value: Any) -> str:
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"


def _fmt_plain(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return value
    return format_cell("text", value)


def formatter(ftype: str) -> Any:
    """format_cell for one column type, chosen once (the export writes millions of cells)."""
    if ftype == "money":
        return _fmt_money
    if ftype == "date":
        return lambda v: "" if v is None else v.isoformat()
    return _fmt_plain
