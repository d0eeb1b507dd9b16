"""docs/import.md is generated from the CSV format and the catalogue: it never drifts."""

from __future__ import annotations

from pathlib import Path

from portal.exchange import doc as importdoc
from portal.exchange.csvformat import FILES
from portal.i18n import in_locale

DOC = Path(__file__).resolve().parents[2] / "docs" / "import.md"


def test_docs_import_md_is_up_to_date(app):
    with in_locale("en"):
        expected = importdoc.render()
    assert DOC.read_text(encoding="utf-8") == expected, \
        "docs/import.md is stale: run `portal import-doc > docs/import.md`"


def test_the_doc_names_every_file_and_column_and_what_is_not_carried(app):
    text = DOC.read_text(encoding="utf-8")
    for spec in FILES:
        assert f"`{spec.filename}`" in text
        for column in spec.header():
            assert f"| `{column}` |" in text
    assert "What the CSV files do not carry" in text and "access log" in text.lower()


def test_the_command_prints_the_doc(runner):
    result = runner.invoke(args=["import-doc"])
    assert result.exit_code == 0
    assert result.output == DOC.read_text(encoding="utf-8")
