"""Nothing held escapes the copy: every column of every table that holds data about a
tenant is declared in the catalogue, and the JSON export holds every row the database
holds about the tenant."""

from __future__ import annotations

import json

from sqlalchemy import func, select

import portal.models  # noqa: F401
from portal import catalogue
from portal.db import Base
from tests.conftest import login


def _declared_columns() -> dict[str, set[str]]:
    declared: dict[str, set[str]] = {}
    for cat in catalogue.CATEGORIES:
        for section in cat.sections:
            table = section.model.__table__.name
            cols = declared.setdefault(table, set())
            for f in section.fields:
                if "." not in f.path:
                    cols.add(section.model.__table__.c[section.model.__mapper__.attrs[f.path].columns[0].key].name)
            cols.update(section.model.__table__.c[c].name for c in section.technical)
            for other, other_cols in section.covers.items():
                declared.setdefault(other, set()).update(other_cols)
    return declared


def test_every_column_about_a_tenant_is_in_the_catalogue():
    declared = _declared_columns()
    missing = []
    for table in Base.metadata.sorted_tables:
        if table.name in catalogue.NOT_TENANT_DATA:
            continue
        for column in table.columns:
            if column.name not in declared.get(table.name, set()):
                missing.append(f"{table.name}.{column.name}")
    assert not missing, f"columns not covered by the catalogue: {missing}"


def test_catalogue_exclusions_are_real_tables_with_reasons():
    tables = set(Base.metadata.tables) | {"alembic_version"}
    for name, reason in catalogue.NOT_TENANT_DATA.items():
        assert name in tables and len(reason) > 10


def test_every_category_has_art15_information_in_both_languages():
    for cat in catalogue.CATEGORIES:
        for lang in ("fr", "en"):
            info = catalogue.art15(cat.key, lang)
            assert info.purpose and info.legal_basis and info.retention and info.source
            assert info.recipients and all(r.strip() for r in info.recipients)
    assert catalogue.art15("payments", "fr").purpose != catalogue.art15("payments", "en").purpose


def test_json_export_holds_every_row_the_database_holds(app, client, session):
    from portal.file.dossier import section_query

    from portal import access
    from portal.audit import access_log
    from tests import builders

    tenant, account = builders.tenant_with_account(session)
    builders.rich_file(session, tenant)  # a record in every data category
    caretaker = access.actor_for(session, builders.account(session, "caretaker"))
    access_log.record_read(session, caretaker, tenant, ["identity"], access_log.make_purpose("technical", None, "fr"))
    session.commit()
    login(client, account.email, builders.PASSWORD)
    # The file is read by the export itself, which adds nothing for a tenant.
    data = json.loads(client.get("/me/export.json").data)
    account_id = account.id
    exported = {c["key"]: c["records"] for c in data["categories"]}
    for cat in catalogue.CATEGORIES:
        for section in cat.sections:
            stmt = section_query(session, section, tenant, account_id)
            held = session.scalar(select(func.count()).select_from(stmt.subquery()))
            got = [r for r in exported[cat.key] if r["section"] == section.key]
            assert len(got) == held, f"{cat.key}.{section.key}: {len(got)} exported, {held} held"
    # The built file is rich: every data category has records.
    for key in ("identity", "contact", "household", "lease", "resources", "payments", "incidents",
                "notes", "correspondence", "account", "requests", "access_log"):
        assert exported[key], f"the built file has nothing in {key}"
