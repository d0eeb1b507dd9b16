"""Documents people can read (issue 23): the PDF copy in 11 pt and more, tagged for screen
readers, categories flowing on, named in the reader's language; a letter on one page."""

from __future__ import annotations

import io

from werkzeug.http import parse_options_header
import re
import subprocess
import tempfile

from pypdf import PdfReader

from tests import builders
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


def test_pdf_copy_is_tagged_large_and_flows_on(client, copy_reader):
    response = client.get("/me/export.pdf?lang=fr")
    assert response.status_code == 200
    assert parse_options_header(response.headers["Content-Disposition"])[1]["filename"] == "mon-dossier-COPY-000101.pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged: a structure for screen readers
    # Categories flow on: 12 categories, no page each (a long-standing tenant's file took 18
    # pages at 8.5 pt, then 17 at 11 pt, with a page per category).
    assert len(reader.pages) <= 10
    # Word boxes of 11 pt text are about 13 pt high; 8 pt text was 9 to 10.
    # (the running header and footer, 9 pt, are the only smaller words).
    heights = _word_heights(response.data)
    small = [h for h in heights if h < 12]
    assert len(small) < 0.1 * len(heights), (len(small), len(heights))
    en = client.get("/me/export.pdf?lang=en")
    assert parse_options_header(en.headers["Content-Disposition"])[1]["filename"] == "my-file-COPY-000101.pdf"


def _dpo_on_a_request(client, session) -> str:
    """A built DPO logged in on `client`; the reference of a built tenant's access request."""
    ref = builders.request(session, builders.tenant(session), kind="access").ref
    dpo = builders.account(session, "dpo")
    session.commit()
    login(client, dpo.email, builders.PASSWORD)
    return ref


def test_refusal_letter_fits_one_page_left_aligned_with_a_labelled_address(client, session):
    ref = _dpo_on_a_request(client, session)
    response = client.get(f"/staff/requests/{ref}/letter-preview.pdf?kind=refused"
                          "&reason=manifestly_excessive&answer=Demande%20identique.")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1  # the closing lines and the legal note stay with the text
    text = reader.pages[0].extract_text()
    assert "EXPÉDITEUR" in text.upper() and "DESTINATAIRE" in text.upper() and "Demande identique." in text


def _pdf_ua(content: bytes) -> tuple[PdfReader, dict]:
    reader = PdfReader(io.BytesIO(content))
    return reader, reader.trailer["/Root"]


def _assert_pdf_ua(content: bytes, lang: str, title: str) -> None:
    """What a screen reader needs (PDF/UA-1, ISO 14289-1): a structure tree, marked
    content, the document's language, its title shown instead of the file name, and the
    PDF/UA identification in the XMP metadata."""
    reader, root = _pdf_ua(content)
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == lang
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert title in reader.metadata.title
    assert b'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data()


def _pdftotext(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(content)
        fh.flush()
        return subprocess.run(["pdftotext", fh.name, "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_copy_is_pdf_ua_and_reads_in_order(client, copy_reader):
    for lang, title, order in (
            ("fr", "Copie du dossier de données personnelles de Capucine Lefort",
             ("Copie de votre dossier", "Sommaire", "Identité", "Loyers et paiements", "Mes demandes",
              "Vos droits et comment les exercer", "Fin du document.")),
            ("en", "Copy of the personal data file of Capucine Lefort",
             ("Copy of your personal data file", "Contents", "Identity", "Rent and payments", "My privacy requests",
              "Your rights and how to use them", "End of the document."))):
        content = client.get(f"/me/export.pdf?lang={lang}").data
        _assert_pdf_ua(content, lang, title)
        text = _pdftotext(content)
        # pdftotext reads the cover, the contents, then each category in the document's order.
        cover, toc, *headings = order
        at = text.index(toc, text.index(cover))
        at = text.index(headings[-2], at) + 1  # the last line of the contents
        for heading in headings:
            at = text.index(heading, at) + 1


def test_letter_is_pdf_ua(client, session):
    ref = _dpo_on_a_request(client, session)
    content = client.get(f"/staff/requests/{ref}/letter-preview.pdf?kind=refused"
                         "&reason=manifestly_excessive&answer=Demande%20identique.").data
    reader, root = _pdf_ua(content)
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == "fr"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) and reader.metadata.title
    assert b'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data()
    assert "Demande identique." in _pdftotext(content)
