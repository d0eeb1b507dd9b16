"""Machine-readable exports (Art. 20) rendered from the dossier snapshot."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any, Callable

from portal.catalogue import controller as controller_info
from portal.file.dossier import Dossier

DATA_CATEGORIES_IN_TOP_LEVEL = ("access_log", "requests")


@lru_cache(maxsize=4096)  # a file repeats the same rents and charges month after month
def _money(value: Any) -> Any:
    if value is None:
        return None
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"


def _timestamp(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    return value.isoformat() if isinstance(value, date) else value


def _converter(ftype: str) -> Callable[[Any], Any] | None:
    """How a value of this field type is written in JSON: amounts in euros as exact decimal
    strings, ISO dates; None: the value as it is."""
    if ftype == "money":
        return _money
    if ftype in ("date", "datetime"):
        return _timestamp
    return None


def dossier_records(dossier: Dossier, category_key: str) -> list[dict[str, Any]]:
    cat = dossier.category(category_key)
    if cat is None:
        return []
    records = []
    for section in cat.sections:
        # A converter per column, chosen once per section: a heavy file holds thousands
        # of values, most of them text passed through as they are.
        # (A row's values hold the section's readable fields, in the catalogue's order.)
        convert = [(f.key, c) for f in section.fields if (c := _converter(f.type)) is not None]
        for row in section.rows:
            rec: dict[str, Any] = {"section": section.key, "id": row.id}
            rec.update(row.values)
            for key, c in convert:
                rec[key] = c(rec[key])
            records.append(rec)
    return records


def to_json(dossier: Dossier, generated_at: datetime,
            controller: controller_info.ControllerInfo | None = None) -> dict[str, Any]:
    """The JSON export of §8: subject, categories (with Art. 15 information and every
    record), access_log and requests; `information` carries what the PDF copy says
    besides (rights, CNIL complaint, transfers, automated decisions, recipients, DPO)."""
    controller = controller or controller_info.info(dossier.language)
    categories = []
    records = {cat.key: dossier_records(dossier, cat.key) for cat in dossier.categories}
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
            "records": records[cat.key],
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
        "access_log": records.get("access_log", []),
        "requests": [r for r in records.get("requests", []) if r["section"] == "requests"],
        "information": dict(controller.as_json(), recipients=list(dict.fromkeys(
            r for cat in dossier.categories for r in cat.info.recipients))),
    }
