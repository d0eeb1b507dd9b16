"""The CSV export (Art. 20): a ZIP of one CSV file per category, the same records and
values as the JSON export (exports.dossier_records), plus the Art. 15 information."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from typing import Any

from portal import csvsafe
from portal.file import exports
from portal.file.dossier import Dossier


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return csvsafe.neutralise(json.dumps(value, ensure_ascii=False))
    return csvsafe.neutralise(str(value))  # a note starting with "=" is text, not a formula


def category_csv(dossier: Dossier, key: str) -> str:
    """One category's records as CSV text: columns section, id, then every field key."""
    records = exports.dossier_records(dossier, key)
    columns: list[str] = ["section", "id"]
    cat = dossier.category(key)
    for section in cat.sections if cat else ():
        for f in section.fields:
            if f.key not in columns:
                columns.append(f.key)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for rec in records:
        writer.writerow([_cell(rec.get(c)) for c in columns])
    return out.getvalue()


def information_csv(dossier: Dossier) -> str:
    """Why each category is held (Art. 15(1)): one line per category."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["key", "title", "purpose", "legal_basis", "recipients", "retention",
                     "source", "restricted", "records"])
    for c in dossier.categories:
        writer.writerow(csvsafe.row([c.key, str(c.title), c.info.purpose, c.info.legal_basis,
                                     "; ".join(c.info.recipients), c.info.retention, c.info.source,
                                     _cell(c.restricted), str(c.count)]))
    return out.getvalue()


def to_zip(dossier: Dossier, generated_at: datetime) -> bytes:
    """The ZIP bytes. UTF-8 with a byte-order mark so spreadsheet programs read accents."""
    buf = io.BytesIO()
    stamp = generated_at.timetuple()[:6]
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        def add(name: str, text: str) -> None:
            zf.writestr(zipfile.ZipInfo(name, stamp), ("\ufeff" + text).encode("utf-8"),
                        zipfile.ZIP_DEFLATED)

        add("categories.csv", information_csv(dossier))
        for c in dossier.categories:
            add(f"{c.key}.csv", category_csv(dossier, c.key))
        subject = {"tenant_id": dossier.tenant_id, "tenant_number": dossier.tenant_number,
                   "name": dossier.full_name,
                   "generated_at": generated_at.isoformat(timespec="seconds") + "Z"}
        zf.writestr(zipfile.ZipInfo("subject.json", stamp),
                    json.dumps(subject, ensure_ascii=False, indent=2).encode("utf-8"))
    return buf.getvalue()
