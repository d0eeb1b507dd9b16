"""Helpers for the import/export tests: separate apps (imports write through their own
connection, so they never run inside the shared test database), CLI calls, and the
tenant JSON export compared by content."""

from __future__ import annotations

import copy
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal import access
from portal.db import Database
from portal.models import Tenant
from portal.file import exports
from portal.file.dossier import collect

# What the CSV format does not carry (docs/import.md, csvformat.NOT_CARRIED).
NOT_COMPARED = ("requests", "access_log")


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def export_dir(app, target: Path) -> Path:
    result = cli(app, "export-csv", str(target))
    assert result.exit_code == 0, result.output + result.stderr
    return target


def copy_files(source: Path, target: Path, drop_manifest: bool = True) -> Path:
    shutil.copytree(source, target)
    if drop_manifest:
        (target / "manifest.json").unlink()
    return target


def _strip_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    return value


def tenant_exports(app) -> dict[str, dict]:
    """Every tenant's JSON export (as the tenant sees it), keyed by tenant number, with
    database ids, the generation time and the parts the CSV format does not carry removed."""
    out = {}
    with app.app_context():
        session = Database.state(app).factory()
        for tenant in session.scalars(select(Tenant).order_by(Tenant.tenant_number)):
            # Read as the DPO (who reads every category whole, like the tenant): the texts as
            # stored, which is what the exchange carries; the Art. 15(4) marks are not carried.
            dossier = collect(session, tenant, access.Actor(None, "dpo", None), "fr")
            data = copy.deepcopy(exports.to_json(dossier, datetime(2026, 1, 1)))
            del data["generated_at"], data["subject"]["tenant_id"]
            for key in NOT_COMPARED:
                data.pop(key)
            data["categories"] = [c for c in data["categories"] if c["key"] not in NOT_COMPARED]
            for c in data["categories"]:
                if c["key"] == "account":
                    c["records"] = [r for r in c["records"] if r["section"] != "logins"]
            out[tenant.tenant_number] = _strip_ids(data)
        session.close()
    return out


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path
