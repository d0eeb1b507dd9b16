"""portal import: what a landlord's IT team notices — spreadsheet files accepted as
France writes them, every problem reported as file:line:column in the user's language
with nothing written, updates reported, --dry-run writing nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.db import Database
from portal.models import Incident, Lease, Note, Payment, Tenant, User
from tests.conftest import build_app
from tests.data.helpers import cli, copy_files, export_dir, write_csv


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exported")
    source = build_app(tmp, "imp_source", demo=True)
    files = export_dir(source, tmp / "export")
    Database.state(source).engine.dispose()
    return files


@pytest.fixture()
def demo_app(tmp_path):
    app = build_app(tmp_path, "imp_demo", demo=True)
    yield app
    Database.state(app).engine.dispose()


@pytest.fixture()
def empty_app(tmp_path):
    app = build_app(tmp_path, "imp_empty", demo=False)
    yield app
    Database.state(app).engine.dispose()


def _one(app, stmt):
    with app.app_context():
        s = Database.state(app).factory()
        try:
            return s.scalar(stmt)
        finally:
            s.close()


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8-sig")


def test_a_newer_export_updates_what_changed_and_reports_it(demo_app, exported, tmp_path):
    files = copy_files(exported, tmp_path / "newer")
    _edit(files / "contact.csv", "01 43 56 78 90", "01 43 56 78 99")
    _edit(files / "notes.csv", "Préfère recevoir les courriers par e-mail.", "Préfère les courriers papier.")
    result = cli(demo_app, "import", str(files), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "contact.csv: 5 rows, 0 new, 1 updated, 4 unchanged" in result.output
    assert "updated LOC-000101: phone" in result.output
    assert "updated LOC-000101-N2: body" in result.output
    assert _one(demo_app, select(Tenant.phone).where(Tenant.tenant_number == "LOC-000101")) == "01 43 56 78 99"


def test_dry_run_reports_without_writing(demo_app, exported, tmp_path):
    files = copy_files(exported, tmp_path / "dry")
    _edit(files / "contact.csv", "01 43 56 78 90", "01 43 56 78 99")
    result = cli(demo_app, "import", str(files), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "1 modifiée" in result.output or "1 modifié" in result.output
    assert "Simulation" in result.output
    assert _one(demo_app, select(Tenant.phone).where(Tenant.tenant_number == "LOC-000101")) == "01 43 56 78 90"


BAD_IDENTITY = (
    "tenant_number,first_name,last_name,birth_date,lease_ref,colour\n"
    "LOC-9001,Paul,Morel,31/02/1980,BAIL-101,blue\n"
)
GOOD_IDENTITY = "tenant_number,first_name,last_name,birth_date,lease_ref\nLOC-9001,Paul,Morel,31/01/1980,BAIL-101\n"
BAD_ROWS = (
    "tenant_number,first_name,last_name,birth_date,lease_ref\n"
    "LOC-9001,Paul,,31/02/1980,BAIL-999\n"
    "LOC-9002,Anne,Morel,1980-02-30,BAIL-101\n"
    "LOC-9001,Paul,Morel,,\n"
)
BAD_PAYMENTS = (
    "section,ext_id,lease_ref,paid_on,amount,method\n"
    "payments,PX-1,BAIL-101,15/01/2026,12 34,transfer\n"
    "payments,PX-2,BAIL-101,15/01/2026,\"1,2,3\",transfer\n"
)


def test_every_problem_is_reported_as_file_line_column_in_french_and_nothing_is_written(demo_app, tmp_path):
    files = tmp_path / "bad"
    write_csv(files / "identity.csv", BAD_ROWS)
    write_csv(files / "payments.csv", BAD_PAYMENTS)
    write_csv(files / "notes.csv", "ext_id,tenant_number,created_at,body\nNX-1,LOC-000101,2026-01-05 10:00,Bon\n")
    result = cli(demo_app, "import", str(files))
    assert result.exit_code == 1
    err = result.stderr
    assert "identity.csv:2:3: valeur obligatoire manquante pour last_name" in err
    assert "identity.csv:2:4: date invalide '31/02/1980'" in err
    assert "identity.csv:2:5: référence inconnue 'BAIL-999'" in err
    assert "identity.csv:3:4: date invalide '1980-02-30'" in err
    assert "identity.csv:4:1: identifiant en double 'LOC-9001'" in err
    assert "payments.csv:2:5: montant invalide '12 34'" not in err  # "12 34" is 1234 with a space
    assert "payments.csv:3:5: montant invalide '1,2,3'" in err
    assert "Rien n'a été importé" in err
    # All or nothing: the valid note file was not written either.
    assert _one(demo_app, select(Note.id).where(Note.ext_id == "NX-1")) is None
    assert _one(demo_app, select(Payment.id).where(Payment.ext_id == "PX-1")) is None


def test_problems_are_in_english_with_lang_en_including_unknown_columns(demo_app, tmp_path):
    files = tmp_path / "bad-en"
    write_csv(files / "identity.csv", BAD_IDENTITY)
    result = cli(demo_app, "import", str(files), "--lang", "en")
    assert result.exit_code == 1
    assert "identity.csv:1:6: unknown column 'colour'" in result.stderr
    assert "Nothing was imported: 1 problem(s) found." in result.stderr
    assert _one(demo_app, select(Tenant.id).where(Tenant.tenant_number == "LOC-9001")) is None


def test_unknown_files_and_missing_columns_are_refused(demo_app, tmp_path):
    files = tmp_path / "odd"
    write_csv(files / "tenants.csv", "a,b\n1,2\n")
    write_csv(files / "notes.csv", "ext_id,tenant_number,created_at\nNX-2,LOC-000101,2026-01-02\n")
    result = cli(demo_app, "import", str(files), "--lang", "en")
    assert result.exit_code == 1
    assert "tenants.csv:1:1: unknown file" in result.stderr
    assert "notes.csv:1:1: missing column 'body'" in result.stderr


WINDOWS = (
    "tenant_number;civility;first_name;last_name;birth_date;lease_ref\r\n"
    "LOC-9101;Mme;Hélène;Lefèvre;05/03/1970;BAIL-9101\r\n"
)
LEASES = ("ref;dwelling_ref;start_date;rent;charges;deposit\r\n"
          "BAIL-9101;LOG-101;01/09/2020;1\u00a0234,56;150;1\u202f234,56\r\n")


def test_windows_1252_semicolons_french_dates_and_amounts_are_read(empty_app, demo_app, tmp_path):
    files = tmp_path / "excel"
    write_csv(files / "lease.csv", LEASES, "cp1252" if False else "utf-8-sig")
    write_csv(files / "identity.csv", WINDOWS, "cp1252")
    result = cli(demo_app, "import", str(files), "--lang", "en")
    assert result.exit_code == 0, result.output + result.stderr
    lease = _one(demo_app, select(Lease).where(Lease.ref == "BAIL-9101"))
    assert (lease.rent_cents, lease.charges_cents, lease.deposit_cents) == (123456, 15000, 123456)
    assert str(lease.start_date) == "2020-09-01"
    tenant = _one(demo_app, select(Tenant).where(Tenant.tenant_number == "LOC-9101"))
    assert (tenant.first_name, tenant.last_name, str(tenant.birth_date)) == ("Hélène", "Lefèvre", "1970-03-05")
    assert tenant.lease_id == lease.id


def test_incoming_sensitive_notes_land_in_the_dpo_queue_with_a_count(demo_app, tmp_path):
    files = tmp_path / "notes"
    write_csv(files / "notes.csv", "ext_id;tenant_number;created_at;author_name;body\n"
                                   "NX-10;LOC-000101;12/03/2025 09:30;Agence;Locataire séropositif, prudence.\n"
                                   "NX-11;LOC-000101;12/03/2025 09:31;Agence;Dossier complet.\n")
    result = cli(demo_app, "import", str(files), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "1 notes or incidents flagged by the sensitive-data guard" in result.output
    flagged = _one(demo_app, select(Note).where(Note.ext_id == "NX-10"))
    assert flagged.review_status == "pending" and flagged.findings[0]["category"] == "health"
    assert _one(demo_app, select(Note.review_status).where(Note.ext_id == "NX-11")) == "none"
    again = cli(demo_app, "import", str(files), "--lang", "en")
    assert "Nothing changed" in again.output  # the guard's flag is not undone by the same file


def test_tenant_accounts_are_imported_without_password_and_emails_stay_unique(demo_app, tmp_path):
    files = tmp_path / "accounts"
    write_csv(files / "identity.csv", "tenant_number,first_name,last_name\nLOC-9201,Léo,Petit\nLOC-9202,Zoé,Roux\n")
    write_csv(files / "account.csv", "tenant_number,email,language\nLOC-9201,leo.petit@example.org,fr\n"
                                     "LOC-9202,camille.martin@example.org,fr\n")
    result = cli(demo_app, "import", str(files), "--lang", "en")
    assert result.exit_code == 1
    assert "account.csv:3:2: duplicate id 'camille.martin@example.org'" in result.stderr
    write_csv(files / "account.csv", "tenant_number,email,language\nLOC-9201,leo.petit@example.org,fr\n")
    result = cli(demo_app, "import", str(files), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    user = _one(demo_app, select(User).where(User.email == "leo.petit@example.org"))
    assert user.password_hash is None and user.role == "tenant" and user.display_name == "Léo Petit"


def test_a_file_changed_after_the_export_is_refused_by_its_checksum(demo_app, exported, tmp_path):
    files = copy_files(exported, tmp_path / "tampered", drop_manifest=False)
    _edit(files / "contact.csv", "01 43 56 78 90", "01 43 56 78 99")
    result = cli(demo_app, "import", str(files), "--lang", "en")
    assert result.exit_code == 1
    assert "contact.csv:1:1: the file differs from its checksum in manifest.json" in result.stderr


def test_incidents_refer_to_buildings_and_one_file_can_be_imported_alone(demo_app, tmp_path):
    path = write_csv(tmp_path / "incidents.csv",
                     "ext_id,tenant_number,building_ref,reported_on,kind,title,status\n"
                     "IX-1,LOC-000101,BAT-LILAS,2026-10-02,technical,Ascenseur en panne,open\n"
                     "IX-2,LOC-000101,BAT-NOPE,2026-10-02,technical,Porte,open\n")
    result = cli(demo_app, "import", str(path), "--lang", "en")
    assert result.exit_code == 1
    assert "incidents.csv:3:3: unknown reference 'BAT-NOPE'" in result.stderr
    path.write_text(path.read_text().replace("BAT-NOPE", "BAT-LILAS"))
    assert cli(demo_app, "import", str(path)).exit_code == 0
    assert _one(demo_app, select(Incident.title).where(Incident.ext_id == "IX-1")) == "Ascenseur en panne"


def test_records_written_in_the_portal_get_an_identifier_and_are_not_duplicated(demo_app, tmp_path):
    with demo_app.app_context():
        s = Database.state(demo_app).factory()
        tenant = s.scalar(select(Tenant).where(Tenant.tenant_number == "LOC-000202"))
        s.add(Note(tenant_id=tenant.id, body="Note saisie dans le portail.", author_name="Gestion"))
        s.commit()
        s.close()
    files = export_dir(demo_app, tmp_path / "out")
    assert "PORTAL-notes-" in (files / "notes.csv").read_text(encoding="utf-8-sig")
    result = cli(demo_app, "import", str(files), "--lang", "en")
    assert result.exit_code == 0 and "Nothing changed" in result.output
    count = _one(demo_app, select(func.count()).select_from(Note).where(Note.body == "Note saisie dans le portail."))
    assert count == 1


def test_the_audit_chain_stays_intact_after_an_import(demo_app, exported, tmp_path):
    """The import's own audit entry moves the chain's recorded end with it: `portal audit
    verify` right after an import finds nothing removed."""
    files = copy_files(exported, tmp_path / "again")
    _edit(files / "contact.csv", "01 43 56 78 90", "01 43 56 78 91")
    assert cli(demo_app, "import", str(files)).exit_code == 0
    result = cli(demo_app, "audit", "verify")
    assert result.exit_code == 0, result.output
