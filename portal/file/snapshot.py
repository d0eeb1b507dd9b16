"""The frozen snapshot of a tenant's file: what `dossier.collect` returns and what the
screen, the PDF copy and the exports are rendered from (so they cannot disagree)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from portal import catalogue
from portal.catalogue import Field


@dataclass(frozen=True)
class Row:
    id: int
    values: dict[str, Any]  # field key -> raw value (date, int cents, str…)


@dataclass(frozen=True)
class SectionSnapshot:
    key: str
    title: Any
    fields: tuple[Field, ...]
    rows: tuple[Row, ...]
    total: int  # rows held; may exceed len(rows) when a page was asked for
    single: bool
    page: int = 1
    page_size: int | None = None
    latest: date | None = None  # when the newest row of the section was written (all pages)
    whole: bool = False  # `rows` are all the section's rows of the file (no page cut, no row filter)

    @property
    def correctable(self) -> Field | None:
        """The field a tenant corrects from a listed section's rows (the first rectifiable)."""
        return next((f for f in self.fields if f.rectifiable), None)

    @property
    def last_page(self) -> int:
        """The number of the last page (1 when the section is not cut into pages)."""
        if not self.page_size:
            return 1
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class CategorySnapshot:
    key: str
    title: Any
    info: catalogue.Art15
    sections: tuple[SectionSnapshot, ...]
    restricted: bool  # an Art. 18 restriction is in force on (part of) this category
    staff_reminder: bool

    @property
    def count(self) -> int:
        return sum(s.total for s in self.sections)

    @property
    def empty(self) -> bool:
        return self.count == 0

    @property
    def latest(self) -> date | None:
        return max((s.latest for s in self.sections if s.latest is not None), default=None)


@dataclass(frozen=True)
class FileOwner:
    """What a file needs to know of its tenant (`dossier.collect_by_id`), for the pages
    that show a file and nothing else of the tenant row."""
    id: int
    tenant_number: str
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Dossier:
    tenant_id: int
    tenant_number: str
    full_name: str
    language: str
    categories: tuple[CategorySnapshot, ...]

    def category(self, key: str) -> CategorySnapshot | None:
        return next((c for c in self.categories if c.key == key), None)

    def values(self, cat_key: str, section_key: str, *field_keys: str) -> list[tuple[Any, ...]] | None:
        """Every row of a section as tuples of these fields' values, or None unless this
        snapshot holds the section whole with those fields: what a page derives from the
        file it shows need not be read again (and cannot disagree with it)."""
        cat = self.category(cat_key)
        section = None if cat is None else next((s for s in cat.sections if s.key == section_key), None)
        if section is None or not section.whole or not set(field_keys) <= {f.key for f in section.fields}:
            return None
        return [tuple(r.values[k] for k in field_keys) for r in section.rows]


def as_date(value: Any) -> date | None:
    """A date, or the day of a datetime (None stays None)."""
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value
