"""The services take a Session and plain values and import nothing from Flask (issue 19):
only the web edge may. Every module of portal/ is read (its syntax tree, so an import
inside a function counts too) and none outside the edge may import flask, flask_babel,
flask_login or flask_wtf."""

from __future__ import annotations

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[1] / "portal"
FLASK = ("flask", "flask_babel", "flask_login", "flask_wtf")

# The Flask-facing edge: the web package, the application factory, the extensions, the
# command-line (cli.py and each area's commands.py), the job runner (it pushes an app
# context around each job), db.py (Flask-SQLAlchemy-like session per request) and the
# migrations (run by `portal init-db` in the app's context, for the instance's keys).
EDGE_DIRS = ("web", "jobs", "migrations")
EDGE_FILES = ("__init__.py", "cli.py", "db.py", "extensions.py", "commands.py")


def _on_edge(path: Path) -> bool:
    rel = path.relative_to(PORTAL)
    if rel.parts[0] in EDGE_DIRS:
        return True
    return path.name == "commands.py" or (len(rel.parts) == 1 and rel.name in EDGE_FILES)


def flask_imports(source: str) -> list[str]:
    """The Flask modules `source` imports, wherever the import statement stands."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [n for n in names if n.split(".")[0] in FLASK]
    return found


def test_the_checker_sees_every_form_of_import():
    source = "import flask\nfrom flask_babel import gettext\ndef f():\n    from flask.cli import x\n" \
             "import os, flask_login.utils\nfrom portal import flask_like\n"
    assert sorted(flask_imports(source)) == ["flask", "flask.cli", "flask_babel", "flask_login.utils"]


def test_services_import_nothing_from_flask():
    offenders = {}
    modules = [p for p in PORTAL.rglob("*.py") if not _on_edge(p)]
    assert len(modules) > 80 and any(p.name == "letters.py" for p in modules)  # the walk saw the services
    for path in modules:
        found = flask_imports(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(PORTAL))] = found
    assert not offenders, f"Flask imported outside the web edge: {offenders}"
