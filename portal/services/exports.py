"""Machine-readable exports (Art. 20) rendered from the dossier snapshot."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from portal.services.dossier import Dossier

DATA_CATEGORIES_IN_TOP_LEVEL = ("access_log", "requests")


def json_value(value: Any, ftype: str) -> Any:
    """A value as JSON: ISO dates, amounts in euros as exact decimal strings."""
    if value is None:
        return None
    if ftype == "money":
        sign = "-" if value < 0 else ""
        return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def dossier_records(dossier: Dossier, category_key: str) -> list[dict[str, Any]]:
    cat = dossier.category(category_key)
    if cat is None:
        return []
    records = []
    for section in cat.sections:
        for row in section.rows:
            rec: dict[str, Any] = {"section": section.key, "id": row.id}
            for f in section.fields:
                rec[f.key] = json_value(row.values.get(f.key), f.type)
            records.append(rec)
    return records


def to_json(dossier: Dossier, generated_at: datetime) -> dict[str, Any]:
    """The JSON export of §8: subject, categories (with Art. 15 information and every
    record), access_log and requests."""
    categories = []
    for cat in dossier.categories:
        categories.append({
            "key": cat.key,
            "title": str(cat.title),
            "purpose": cat.info.purpose,
            "legal_basis": cat.info.legal_basis,
            "recipients": list(cat.info.recipients),
            "retention": cat.info.retention,
            "source": cat.info.source,
            "restricted": cat.restricted,
            "records": dossier_records(dossier, cat.key),
        })
    return {
        "subject": {
            "tenant_id": dossier.tenant_id,
            "tenant_number": dossier.tenant_number,
            "name": dossier.full_name,
        },
        "generated_at": generated_at.isoformat(timespec="seconds") + "Z",
        "language": dossier.language,
        "categories": categories,
        "access_log": dossier_records(dossier, "access_log"),
        "requests": [r for r in dossier_records(dossier, "requests") if r["section"] == "requests"],
    }
