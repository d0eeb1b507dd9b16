"""The CSV ZIP export (Art. 20): one file per category holding the tenant's own values as
they were entered, and the Art. 15 information in categories.csv."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

from tests import builders
from tests.conftest import login


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_csv_zip_holds_the_tenants_values_one_file_per_category(client, session):
    someone, account = builders.tenant_with_account(
        session, first_name="Zoé", last_name="Lefèvre", birth_date=date(1980, 5, 17), phone="01 23 45 67 89",
        preferred_language="fr")
    builders.note(session, someone, "=1+1 Appel du locataire au sujet du chauffage.")
    login(client, account.email, builders.PASSWORD)
    response = client.get("/me/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert {"categories.csv", "identity.csv", "contact.csv", "notes.csv"} <= set(archive.namelist())
    [identity] = _csv(archive, "identity.csv")
    assert (identity["first_name"], identity["last_name"], identity["birth_date"]) == ("Zoé", "Lefèvre", "1980-05-17")
    assert identity["tenant_number"] == someone.tenant_number
    [contact] = _csv(archive, "contact.csv")
    assert contact["phone"] == "01 23 45 67 89" and contact["email"] == account.email
    [note] = _csv(archive, "notes.csv")
    # A cell that a spreadsheet would run as a formula is kept as text.
    assert note["body"] == "'=1+1 Appel du locataire au sujet du chauffage."
    assert note["author_name"] == "Agent d'essai"
    info = {row["key"]: row for row in _csv(archive, "categories.csv")}
    assert info["identity"]["title"] == "Identité" and info["notes"]["records"] == "1"
    assert info["access_log"]["title"] == "Qui a consulté mon dossier"
