"""Generating the synthetic landlord: buildings, leases, households, money, notes, requests,
reproducible from a seed."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Callable


from portal import request_kinds
from portal.devdata import scale_data as V
from portal.bulk import sql_date, sql_datetime, sql_json

from portal.devdata.scale_model import BUILDINGS_PER_CARETAKER, BUILDINGS_PER_PORTFOLIO, CHUNK_LEASES, DWELLINGS_PER_BUILDING, HEAVY_EVERY, HEAVY_MONTHS, MONTHS, Result, due, months_back, slug
from portal.devdata.scale_writer import TABLE_COLUMNS, Writer


class Generator:
    def __init__(self, w: Writer, tag: str, rng: random.Random, today: date, pw_hash: str | None) -> None:
        self.w, self.tag, self.rng, self.today, self.pw_hash = w, tag, rng, today, pw_hash
        for name, cols in TABLE_COLUMNS.items():
            w.declare(name, cols)
        periods = months_back(today, HEAVY_MONTHS)
        self.periods = [sql_date(p) for p in periods]
        self.issued = [sql_date(p - timedelta(days=5)) for p in periods]
        self.paid = [[sql_date(p + timedelta(days=d)) if p + timedelta(days=d) <= today else None
                      for d in range(41)] for p in periods]
        self.refs = [f"{p:%Y%m}" for p in periods]
        self.now = sql_datetime(datetime.combine(today, time(8, 0)))
        from portal.sensitive import scan
        from portal.notes.service import findings_json
        self.sensitive = [(body, sql_json(findings_json(scan(body)))) for body in V.SENSITIVE_NOTES]
        self.slugs = {n: slug(n) for n in V.FIRST_NAMES + V.LAST_NAMES}
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
        kinds = request_kinds.KEYS  # the one list of kinds: a new kind is seeded too
        statuses = ("received", "in_progress", "waiting_info", "answered", "closed", "withdrawn")
        # Shifted by one status per round of kinds, so that each kind meets every status.
        kind, status = kinds[n % len(kinds)], statuses[(n // len(kinds) + n) % len(statuses)]
        received = self.today - timedelta(days=rng.randint(0, 75))
        extended = status == "in_progress" and rng.random() < 0.2
        outcome = ("granted", "partly_granted", "refused")[n % 3] if status in ("answered", "closed") else None
        assigned = self.dpo_id if status not in ("received", "withdrawn") else None
        at = datetime.combine(received, time(9, 0))
        rid = w.next_id("privacy_requests")
        w.buffers["privacy_requests"].append((
            rid, f"DPR-{self.tag}-{n:07d}", tid, kind, status, V.REQUEST_DETAILS[kind], rng.choice(("portal", "post")),
            sql_date(received), sql_date(received), sql_date(due(received, extended)), extended,
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
