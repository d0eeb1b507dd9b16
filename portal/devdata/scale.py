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
from datetime import date
from typing import Callable

from sqlalchemy import Engine

from portal.bulk import loading

from portal.devdata.scale_generator import Generator
from portal.devdata.scale_model import BIG_TABLES, AlreadySeeded, Result
from portal.devdata.scale_writer import Writer
from portal.formatting import landlord_today


def seed(engine: Engine, tenants: int, seed_value: int = 1, today: date | None = None,
         password_hash: str | None = None, progress: Callable[[int], None] | None = None) -> Result:
    """Load `tenants` synthetic tenants (and everything around them) in one transaction.
    `password_hash` (the demo password) goes to the heavy tenants and one account in a
    thousand, so that benchmarks can log in as them; other accounts await activation."""
    if tenants < 1:
        raise ValueError("tenants must be at least 1")
    today = today or landlord_today()
    with loading(engine) as loader:
        tag = f"S{seed_value}"
        if loader.query("SELECT 1 FROM tenants WHERE tenant_number = ?", (f"LOC-{tag}-0000001",)):
            raise AlreadySeeded(tag)
        gen = Generator(Writer(loader), tag, random.Random(seed_value), today, password_hash)
        loader.drop_indexes(BIG_TABLES)
        result = gen.run(tenants, progress or (lambda _n: None))
    return result



def describe(result: Result) -> list[tuple[str, int]]:
    """Rows written per table, largest first (for the summary)."""
    return sorted(((name, count) for name, count in result.rows.items() if count), key=lambda x: -x[1])


__all__ = ["AlreadySeeded", "Result", "describe", "seed"]

