"""THE data catalogue: every category of personal data the landlord holds about a tenant,
declared once.

Each category lists its sections (one table each, and how its rows attach to a tenant),
its fields (key, label, type, whether the tenant may ask to rectify it), its Art. 15
information (texts in texts.toml, overridable by the DPO in
instance/catalogue.toml) and which staff roles may read which fields. The tenant view,
the PDF copy, the JSON and CSV exports, the rectification form, the staff views and
the access decisions are all derived from it; tests/test_catalogue_coverage.py proves
that no column holding data about a tenant escapes it.

The rooms: entries.py (the shapes: Category, Section, Field), categories.py (THE table),
labels.py (what stored codes read as), texts.py (Art. 15 texts), retention.py,
processings.py, controller.py. Everything is importable from `portal.catalogue`.
"""

from __future__ import annotations

from portal.catalogue.categories import BY_KEY, CATEGORIES, NOT_TENANT_DATA
from portal.catalogue.entries import ALL, FULL_STAFF, TYPES, Category, Field, Section
from portal.catalogue.labels import (
    AUDIT_ACTIONS, CHANNELS, CIVILITIES, DIRECTIONS, INCIDENT_KINDS, INCIDENT_STATUSES, LANGS, LEGAL_GROUNDS,
    METHODS, OUTCOME_LABELS, PLAN_STATUSES, PROCESSING_LABELS, RELATIONS, REPRESENTATIVE_KINDS,
    REQUEST_KIND_LABELS, REQUEST_STATUS_LABELS, REQUEST_STEP_LABELS, LETTER_KIND_LABELS, REFUSAL_REASON_LABELS, REVIEW_STATUSES,
    ROLE_LABELS,
)
from portal.catalogue.texts import Art15, art15, retention_text

__all__ = [
    "ALL", "AUDIT_ACTIONS", "Art15", "BY_KEY", "CATEGORIES", "CHANNELS", "CIVILITIES", "Category", "DIRECTIONS",
    "FULL_STAFF", "Field", "INCIDENT_KINDS", "INCIDENT_STATUSES", "LANGS", "LEGAL_GROUNDS", "METHODS",
    "NOT_TENANT_DATA", "OUTCOME_LABELS", "PLAN_STATUSES", "PROCESSING_LABELS", "RELATIONS",
    "REPRESENTATIVE_KINDS", "REQUEST_KIND_LABELS", "REQUEST_STATUS_LABELS", "REVIEW_STATUSES", "ROLE_LABELS",
    "REQUEST_STEP_LABELS", "LETTER_KIND_LABELS", "REFUSAL_REASON_LABELS",
    "Section", "TYPES", "art15", "find_field", "get", "rectifiable_fields", "retention_text",
]


def get(key: str) -> Category:
    """The category with this key (KeyError when unknown)."""
    return BY_KEY[key]


def find_field(qualified: str) -> tuple[Category, Section, Field] | None:
    """Resolve "category.field" (e.g. "contact.phone") to its catalogue entries."""
    cat_key, _, field_key = qualified.partition(".")
    cat = BY_KEY.get(cat_key)
    if cat is None:
        return None
    for section, f in cat.fields():
        if f.key == field_key:
            return cat, section, f
    return None


def rectifiable_fields() -> list[tuple[str, Category, Field]]:
    """Every field a tenant may ask to correct, as ("category.field", category, field)."""
    return [(f"{c.key}.{f.key}", c, f) for c in CATEGORIES for _, f in c.fields() if f.rectifiable]
