"""`portal seed-scale`: a synthetic landlord of any size, reproducible from a seed.

Buildings of about 40 dwellings, one lease per dwelling (one in five with a co-holder),
households, three years of monthly rent calls and payments (arrears, late payments,
payment plans), resource declarations, incidents, staff notes (a few sensitive, awaiting
the DPO), correspondence, tenant accounts, staff with their assignments, and privacy
requests in every state. A few heavy tenants carry thirty years of history.

Speed: rows are generated as tuples and written in large batches through
services/bulk.py (executemany on SQLite, COPY on PostgreSQL), with explicit ids after
the current maximum, so a database holding the demo data (or an earlier seed with
another seed number) gets no collision. Every landlord identifier carries `S<seed>`.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Callable, Sequence

from sqlalchemy import Engine

from portal import deadlines
from portal.devdata import scale_data as V
from portal.bulk import Loader, loading, sql_date, sql_datetime, sql_json, table

DWELLINGS_PER_BUILDING = 40
BUILDINGS_PER_PORTFOLIO = 25
BUILDINGS_PER_CARETAKER = 4
MONTHS = 36  # three years of rent calls and payments
HEAVY_MONTHS = 360  # a heavy tenant: thirty years
HEAVY_EVERY = 50_000  # one heavy lease in so many (plus the first one)
CHUNK_LEASES = 4_000  # leases generated between two writes
BIG_TABLES = ("rent_calls", "payments", "notes", "incidents", "correspondence", "household_members",
              "resource_declarations", "users", "tenants", "leases", "dwellings")


class AlreadySeeded(Exception):
    """This seed number was already loaded into the database."""


@dataclass
class Result:
    tenants: int
    rows: dict[str, int] = field(default_factory=dict)
    heavy_emails: list[str] = field(default_factory=list)
    sample_emails: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_.lower() if c.isalnum())


def _months_back(today: date, n: int) -> list[date]:
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        out.append(date(y, m, 1))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out[::-1]


@lru_cache(maxsize=1024)
def _due(received: date, extended: bool) -> date:
    return deadlines.due_date(received, extended)


class _Writer:
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


def seed(engine: Engine, tenants: int, seed_value: int = 1, today: date | None = None,
         password_hash: str | None = None, progress: Callable[[int], None] | None = None) -> Result:
    """Load `tenants` synthetic tenants (and everything around them) in one transaction.
    `password_hash` (the demo password) goes to the heavy tenants and one account in a
    thousand, so that benchmarks can log in as them; other accounts await activation."""
    if tenants < 1:
        raise ValueError("tenants must be at least 1")
    today = today or date.today()
    with loading(engine) as loader:
        tag = f"S{seed_value}"
        if loader.query("SELECT 1 FROM tenants WHERE tenant_number = ?", (f"LOC-{tag}-0000001",)):
            raise AlreadySeeded(tag)
        gen = _Generator(_Writer(loader), tag, random.Random(seed_value), today, password_hash)
        loader.drop_indexes(BIG_TABLES)
        result = gen.run(tenants, progress or (lambda _n: None))
    return result


class _Generator:
    def __init__(self, w: _Writer, tag: str, rng: random.Random, today: date, pw_hash: str | None) -> None:
        self.w, self.tag, self.rng, self.today, self.pw_hash = w, tag, rng, today, pw_hash
        for name, cols in TABLE_COLUMNS.items():
            w.declare(name, cols)
        periods = _months_back(today, HEAVY_MONTHS)
        self.periods = [sql_date(p) for p in periods]
        self.issued = [sql_date(p - timedelta(days=5)) for p in periods]
        self.paid = [[sql_date(p + timedelta(days=d)) if p + timedelta(days=d) <= today else None
                      for d in range(41)] for p in periods]
        self.refs = [f"{p:%Y%m}" for p in periods]
        self.now = sql_datetime(datetime.combine(today, time(8, 0)))
        from portal.sensitive import scan
        from portal.notes.service import findings_json
        self.sensitive = [(body, sql_json(findings_json(scan(body)))) for body in V.SENSITIVE_NOTES]
        self.slugs = {n: _slug(n) for n in V.FIRST_NAMES + V.LAST_NAMES}
        self.dpo_id = self._dpo()
        self.result = Result(0)
        self.building_id = 0
        self.building_info: tuple[str, str, str] = ("", "", "")
        self.portfolio_id = 0
        self.caretaker_id = 0
        self.manager_name = ""

    def _dpo(self) -> int:
        rows = self.w.loader.query("SELECT id FROM users WHERE role = 'dpo' ORDER BY id LIMIT 1")
        if rows:
            return int(rows[0][0])
        uid = self.w.next_id("users")
        self.w.buffers["users"].append((uid, f"dpo.{self.tag.lower()}@example.net", None, "dpo", None,
                                        "Délégué à la protection des données", "fr", True, True, 1, 0, self.now))
        return uid

    # -- housing stock -------------------------------------------------------------------
    def _new_building(self, b: int) -> None:
        w, rng = self.w, self.rng
        if b % BUILDINGS_PER_PORTFOLIO == 0:
            self.portfolio_id = w.next_id("portfolios")
            p = b // BUILDINGS_PER_PORTFOLIO + 1
            w.buffers["portfolios"].append((self.portfolio_id, f"P-{self.tag}-{p:04d}", f"Secteur {self.tag} n°{p}"))
            uid = w.next_id("users")
            self.manager_name = f"Gestion locative secteur {p}"
            w.buffers["users"].append((uid, f"gestion.{self.tag.lower()}.{p}@example.net", None, "manager", None,
                                       self.manager_name, "fr", True, True, 1, 0, self.now))
            w.buffers["portfolio_assignments"].append((w.next_id("portfolio_assignments"), uid, self.portfolio_id))
        self.building_id = w.next_id("buildings")
        street = rng.choice(V.STREETS)
        address = f"{rng.randint(1, 180)} {street}"
        postcode = rng.choice(V.POSTCODES)
        self.building_info = (address, postcode, "Paris")
        w.buffers["buildings"].append((self.building_id, f"BAT-{self.tag}-{b + 1:06d}",
                                       f"Résidence {rng.choice(V.RESIDENCES)} {b + 1}", address, postcode,
                                       "Paris", self.portfolio_id))
        if b % BUILDINGS_PER_CARETAKER == 0:
            self.caretaker_id = w.next_id("users")
            c = b // BUILDINGS_PER_CARETAKER + 1
            w.buffers["users"].append((self.caretaker_id, f"gardien.{self.tag.lower()}.{c}@example.net", None,
                                       "caretaker", None, f"Gardien {c}", "fr", True, True, 1, 0, self.now))
        w.buffers["building_assignments"].append((w.next_id("building_assignments"), self.caretaker_id,
                                                  self.building_id))

    def run(self, tenants: int, progress: Callable[[int], None]) -> Result:
        # One tenant in 200 has a request; small loads still get every state.
        self.request_every = max(1, min(200, tenants // 12))
        made = 0
        lease_no = 0
        pending = 0
        while made < tenants:
            if lease_no % DWELLINGS_PER_BUILDING == 0:
                self._new_building(lease_no // DWELLINGS_PER_BUILDING)
            heavy = lease_no % HEAVY_EVERY == 0
            holders = 2 if (tenants - made >= 2 and self.rng.random() < 0.2) else 1
            self._lease(lease_no, made, holders, heavy)
            made += holders
            pending += holders
            lease_no += 1
            if lease_no % CHUNK_LEASES == 0:
                self.w.flush()
                progress(pending)
                pending = 0
        self.w.flush()
        progress(pending)
        self.result.tenants = made
        self.result.rows = dict(self.w.counts)
        return self.result

    def _lease(self, n: int, first_tenant: int, holders: int, heavy: bool) -> None:
        w, rng, tag = self.w, self.rng, self.tag
        # Dwelling
        kind_i = rng.choices(range(5), V.KIND_WEIGHTS)[0]
        kind, base_surface = V.DWELLING_KINDS[kind_i]
        surface = round(base_surface + rng.uniform(-6, 8), 1)
        floor = (n % DWELLINGS_PER_BUILDING) // 4
        door = f"{floor}{n % 4 + 1}"
        staircase = "ABCD"[(n // 10) % 4]
        dwelling_id = w.next_id("dwellings")
        w.buffers["dwellings"].append((dwelling_id, f"LOG-{tag}-{n + 1:07d}", self.building_id, staircase,
                                       floor, door, kind, surface))
        # Lease
        months = HEAVY_MONTHS if heavy else MONTHS
        recent = not heavy and rng.random() < 0.1
        # Months since the lease started: within the window for recent leases, before it
        # otherwise; rent calls run from the start or over the whole window.
        start_offset = rng.randint(0, MONTHS - 1) if recent else months + rng.randint(0, 120)
        y, mo = divmod(self.today.year * 12 + self.today.month - 1 - start_offset, 12)
        start = date(y, mo + 1, 1)
        first_month = HEAVY_MONTHS - min(start_offset + 1, months)
        rent = int(surface * rng.uniform(780, 1050))
        charges = int(rent * rng.uniform(0.15, 0.25))
        lease_id = w.next_id("leases")
        lease_ref = f"BAIL-{tag}-{n + 1:07d}"
        w.buffers["leases"].append((lease_id, lease_ref, dwelling_id, sql_date(start), None, rent, charges, rent))
        self._money(lease_id, lease_ref, rent, charges, first_month, heavy)
        # Tenants
        last = rng.choice(V.LAST_NAMES)
        address, postcode, city = self.building_info
        tenant_ids = []
        for h in range(holders):
            k = first_tenant + h + 1
            tid = w.next_id("tenants")
            tenant_ids.append(tid)
            female = rng.random() < 0.5
            first = rng.choice(V.FIRST_NAMES[:28] if female else V.FIRST_NAMES[28:])
            born = date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28))
            lang = "en" if rng.random() < 0.03 else "fr"
            number = f"LOC-{tag}-{k:07d}"
            email = f"{self.slugs[first]}.{self.slugs[last]}.{k}@{tag.lower()}.example.net"
            w.buffers["tenants"].append((
                tid, number, "Mme" if female else "M.", first, last, sql_date(born), email,
                f"01 {rng.randint(40, 49)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                f"0{rng.choice('67')} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}",
                f"{address}, porte {door}, {postcode} {city}", lang, lease_id, self.now, self.now))
            if heavy or k % 3 == 0:
                with_password = heavy or k % 1000 == 0
                w.buffers["users"].append((w.next_id("users"), email, self.pw_hash if with_password else None,
                                           "tenant", tid, f"{first} {last}", lang, True, with_password, 1, 0,
                                           self.now))
                if with_password and self.pw_hash:
                    (self.result.heavy_emails if heavy else self.result.sample_emails).append(email)
            self._tenant_records(tid, number, heavy)
            if k % self.request_every == 0:
                self._request(tid, k // self.request_every)
        holder = tenant_ids[0]
        holder_number = f"LOC-{tag}-{first_tenant + 1:07d}"
        for m in range(rng.choice((0, 0, 1, 1, 2, 2, 3, 4))):
            rel = V.RELATIONS[rng.randrange(len(V.RELATIONS))]
            w.buffers["household_members"].append((
                w.next_id("household_members"), f"{holder_number}-H{m}", holder, rng.choice(V.FIRST_NAMES), last,
                rel, rng.randint(1945, 2024)))
        size = holders + 1
        for y in range(3):
            year = self.today.year - 2 + y
            w.buffers["resource_declarations"].append((
                w.next_id("resource_declarations"), f"{holder_number}-R{year}", holder, year,
                rng.randint(900_000, 4_200_000), year - 1, size, "Enquête SLS complète.",
                f"CAF-75-{first_tenant + 1:07d}", rng.choice((0, 0, 15_400, 18_540, 22_310, 25_000))))
        count = 60 if heavy else rng.choice((0, 0, 1, 1, 2, 3, 4))
        for i in range(count):
            technical = rng.random() < 0.8
            title, desc = rng.choice(V.TECH_INCIDENTS if technical else V.NEIGHBOUR_INCIDENTS)
            reported = self.today - timedelta(days=rng.randint(1, 3 * 365))
            closed = rng.random() < 0.8
            w.buffers["incidents"].append((
                w.next_id("incidents"), f"{holder_number}-I{i}", self.building_id, dwelling_id, holder,
                "technical" if technical else "neighbourhood", sql_date(reported), title, desc,
                "closed" if closed else rng.choice(("open", "in_progress")),
                sql_date(reported + timedelta(days=rng.randint(2, 40))) if closed else None, "none"))

    def _money(self, lease_id: int, ref: str, rent: int, charges: int, first_month: int, heavy: bool) -> None:
        calls, pays = self.w.buffers["rent_calls"], self.w.buffers["payments"]
        w, rnd = self.w, self.rng.random
        periods, issued, paid, refs = self.periods, self.issued, self.paid, self.refs
        total = rent + charges
        rc_id = w.ids["rent_calls"]
        pay_id = w.ids["payments"]
        method = V.METHODS[int(rnd() * len(V.METHODS))]
        short = ref[-7:]
        for m in range(first_month, HEAVY_MONTHS):
            calls.append((rc_id, f"{ref}-C{m:03d}", lease_id, periods[m], rent, charges, issued[m]))
            rc_id += 1
            r = rnd()
            if r < 0.03:
                continue  # unpaid month
            day = int(rnd() * 6) + 1 if r > 0.08 else int(rnd() * 20) + 20
            when = paid[m][day]
            if when is None:
                continue
            pays.append((pay_id, f"{ref}-P{m:03d}", lease_id, when, total if r > 0.08 else total - 5000,
                         method, f"VIR-{refs[m]}-{short}"))
            pay_id += 1
        w.ids["rent_calls"] = rc_id
        w.ids["payments"] = pay_id
        if heavy or rnd() < 0.03:
            agreed = self.today - timedelta(days=int(rnd() * 900))
            w.buffers["payment_plans"].append((w.next_id("payment_plans"), f"{ref}-PP1", lease_id,
                                               sql_date(agreed), 5000, 10,
                                               ("active", "completed", "broken")[int(rnd() * 3)]))

    def _tenant_records(self, tid: int, number: str, heavy: bool) -> None:
        w, rng = self.w, self.rng
        notes = w.buffers["notes"]
        for i in range(120 if heavy else rng.choice((0, 1, 1, 2, 2, 3, 4))):
            written = sql_datetime(datetime.combine(self.today - timedelta(days=rng.randint(1, 5 * 365)),
                                                    time(rng.randint(8, 17), rng.randint(0, 59))))
            if rng.random() < 0.04:
                body, findings = self.sensitive[rng.randrange(len(self.sensitive))]
                notes.append((w.next_id("notes"), f"{number}-N{i}", tid, self.manager_name, written, body,
                              findings, "pending"))
            else:
                notes.append((w.next_id("notes"), f"{number}-N{i}", tid, self.manager_name, written,
                              V.PLAIN_NOTES[rng.randrange(len(V.PLAIN_NOTES))], None, "none"))
        for i in range(80 if heavy else rng.choice((1, 1, 2, 2, 3))):
            direction, channel, subject, body = V.CORRESPONDENCE[rng.randrange(len(V.CORRESPONDENCE))]
            w.buffers["correspondence"].append((
                w.next_id("correspondence"), f"{number}-K{i}", tid,
                sql_date(self.today - timedelta(days=rng.randint(1, 3 * 365))), direction, channel, subject, body))

    def _request(self, tid: int, n: int) -> None:
        """Requests in every state, rotating kinds and statuses."""
        w, rng = self.w, self.rng
        kinds = ("access", "rectification", "erasure", "restriction", "portability", "objection")
        statuses = ("received", "in_progress", "waiting_info", "answered", "closed", "withdrawn")
        kind, status = kinds[n % 6], statuses[(n // 6 + n) % 6]
        received = self.today - timedelta(days=rng.randint(0, 75))
        extended = status == "in_progress" and rng.random() < 0.2
        outcome = ("granted", "partly_granted", "refused")[n % 3] if status in ("answered", "closed") else None
        assigned = self.dpo_id if status not in ("received", "withdrawn") else None
        at = datetime.combine(received, time(9, 0))
        rid = w.next_id("privacy_requests")
        w.buffers["privacy_requests"].append((
            rid, f"DPR-{self.tag}-{n:07d}", tid, kind, status, V.REQUEST_DETAILS[kind], rng.choice(("portal", "post")),
            sql_date(received), sql_date(received), sql_date(_due(received, extended)), extended,
            "Demande complexe : plusieurs services concernés." if extended else None, assigned, outcome,
            "Votre demande a été traitée." if outcome else None, sql_datetime(at), sql_datetime(at),
            sql_datetime(at + timedelta(days=5)) if outcome else None,
            sql_datetime(at + timedelta(days=9)) if status == "closed" else None, 1))
        steps = [("submit", None, "received", None)]
        if assigned:
            steps.append(("assign", "received", "in_progress", assigned))
        if status == "waiting_info":
            steps.append(("request_info", "in_progress", "waiting_info", assigned))
        if outcome:
            steps.append(("grant" if outcome == "granted" else outcome, "in_progress", "answered", assigned))
        if status == "closed":
            steps.append(("close", "answered", "closed", assigned))
        if status == "withdrawn":
            steps.append(("withdraw", "received", "withdrawn", None))
        for i, (action, frm, to, actor) in enumerate(steps):
            w.buffers["request_events"].append((
                w.next_id("request_events"), rid, sql_datetime(at + timedelta(days=i)), actor,
                "dpo" if actor else "tenant", action, frm, to, None))


def describe(result: Result) -> list[tuple[str, int]]:
    """Rows written per table, largest first (for the summary)."""
    return sorted(((name, count) for name, count in result.rows.items() if count), key=lambda x: -x[1])


__all__ = ["AlreadySeeded", "Result", "describe", "seed"]

