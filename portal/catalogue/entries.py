"""The shapes of the catalogue's entries: a category of personal data, its sections (one
table each) and their fields. The entries themselves are in categories.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

ALL = "*"  # a role reads every field of the category

# Field types. They drive display formatting, export formatting and the validation of a
# proposed value in a rectification request.
TYPES = ("text", "longtext", "date", "datetime", "money", "int", "float", "bool",
         "email", "phone", "language", "choice")


@dataclass(frozen=True)
class Field:
    """One piece of data as the tenant reads it: label, type, whether it may be corrected."""

    key: str
    label: Any  # lazy string
    type: str = "text"
    column: str | None = None  # attribute path on the section's model; default: key
    rectifiable: bool = False
    required: bool = False
    choices: Mapping[str, Any] | None = None  # stored value -> lazy label
    max_length: int | None = None

    @property
    def path(self) -> str:
        """The attribute path on the section's model."""
        return self.column or self.key


@dataclass(frozen=True)
class Section:
    """The rows of one model that belong to a tenant, and how they attach."""

    key: str
    title: Any
    model: type
    # How rows attach to a tenant (implemented in services/dossier.py):
    #   self: the tenant row itself         lease_self: the tenant's lease row
    #   tenant: model.tenant_id             lease: model.lease_id == tenant.lease_id
    #   account: the tenant's user account  user: model.user_id == the account's id
    #   request: model.request_id in the tenant's requests
    #   audit: audit entries about the tenant
    link: str
    fields: tuple[Field, ...]
    single: bool = False
    order_by: tuple[str, ...] = ("id",)
    descending: bool = False
    # Columns that hold no personal data of their own (ids, foreign keys, hashes,
    # secrets, derived flags), named so that the coverage test can tell them apart.
    technical: tuple[str, ...] = ("id",)
    # Columns of related tables covered through dotted field paths: table -> columns.
    covers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Row filters per staff role (a callable returning a SQL condition).
    row_filters: Mapping[str, Callable[[], Any]] = field(default_factory=dict)
    page_size: int = 50  # long lists are paginated on screen, complete in documents


@dataclass(frozen=True)
class Category:
    """A category of personal data (Art. 15(1)(b)): its sections and who may read it."""

    key: str
    title: Any
    sections: tuple[Section, ...]
    # Staff roles that may read this category, and which field keys (or ALL).
    readers: Mapping[str, Any]
    staff_reminder: bool = False  # free text: remind staff that the tenant reads it

    def section(self, key: str) -> Section:
        """The section with this key."""
        return next(s for s in self.sections if s.key == key)

    def fields(self) -> list[tuple[Section, Field]]:
        """Every field of every section, in order."""
        return [(s, f) for s in self.sections for f in s.fields]


FULL_STAFF = {"manager": ALL, "dpo": ALL}
