"""The CSV ZIP export holds the same records as the JSON export."""

from __future__ import annotations

import csv
import io
import zipfile

from tests.conftest import login


def test_csv_zip_has_one_file_per_category_with_the_json_records(client):
    login(client, "camille.martin@example.org")
    exported = client.get("/me/export.json").get_json()
    response = client.get("/me/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    assert "categories.csv" in names
    for cat in exported["categories"]:
        text = archive.read(f"{cat['key']}.csv").decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == len(cat["records"])
        for rec, row in zip(cat["records"], rows):
            for key, value in rec.items():
                expected = "" if value is None else (
                    ("true" if value else "false") if isinstance(value, bool) else str(value))
                if isinstance(value, list):
                    continue  # JSON-encoded in the cell
                assert row[key] == expected, (cat["key"], key)
    info = archive.read("categories.csv").decode("utf-8-sig")
    assert "Qui a consulté mon dossier" in info or "access_log" in info
