"""The PDF copy of the whole file: complete, in both languages, cached, safe."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal import catalogue, pdf
from portal.models import Note
from portal.models.audit import DocumentCache
from portal.file import pdf_copy as documents
from tests import builders
from tests.conftest import login
from tests.documents._pdftext import displayed, pdf_text, squash


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_value_of_the_json_export_is_in_the_pdf_copy(app, client, copy_reader, lang):
    exported = client.get(f"/me/export.json?lang={lang}").get_json()
    response = client.get(f"/me/export.pdf?lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = squash(pdf_text(response.data))
    missing = []
    checked = 0
    ctx = app.test_request_context()
    ctx.push()
    for cat in exported["categories"]:
        sections = {s.key: s for s in catalogue.get(cat["key"]).sections}
        assert squash(cat["purpose"]) in text
        for recipient in cat["recipients"]:
            assert squash(recipient) in text
        for rec in cat["records"]:
            for f in sections[rec["section"]].fields:
                shown = displayed(rec.get(f.key), f, lang)
                if shown:
                    checked += 1
                    if squash(shown) not in text:
                        missing.append((cat["key"], f.key, shown))
    ctx.pop()
    assert checked > 300  # a rich file (tests/builders.rich_file): years of rent calls and payments
    assert missing == []


def test_pdf_copy_has_cover_contents_and_page_numbers_in_french(client, copy_reader):
    text = pdf_text(client.get("/me/export.pdf?lang=fr").data)
    assert squash("Copie de votre dossier de données personnelles") in squash(text)
    assert "Capucine Lefort" in text and "COPY-000101" in text
    assert "Sommaire" in text
    assert "Page 2 sur" in text
    assert "Qui a consulté mon dossier" in text  # the access log
    assert "DPR-TEST-COPY" in text  # the requests
    assert squash("Fuite sous l'évier n° 6") in squash(text) and "Hortense" in text  # records of the file


def test_pdf_copy_in_english(client, copy_reader):
    text = pdf_text(client.get("/me/export.pdf?lang=en").data)
    assert "Copy of your personal data file" in text
    assert "Contents" in text and "Page 2 of" in text


def test_unchanged_file_is_served_from_the_cache(client, copy_reader, monkeypatch):
    first = client.get("/me/export.pdf?lang=fr").data

    def boom(*a, **k):
        raise AssertionError("rendered again")

    monkeypatch.setattr(documents, "render_copy", boom)
    again = client.get("/me/export.pdf?lang=fr")
    assert again.status_code == 200 and again.data == first


def test_changed_file_is_rendered_again(client, session, copy_reader, monkeypatch):
    client.get("/me/export.pdf?lang=fr")
    tenant = copy_reader.tenant
    session.add(Note(tenant_id=tenant.id, body="Nouveau rendez-vous fixé pour l'état des lieux."))
    session.commit()
    text = pdf_text(client.get("/me/export.pdf?lang=fr").data)
    assert squash("Nouveau rendez-vous fixé pour l'état des lieux.") in squash(text)
    count = session.scalar(select(func.count()).select_from(DocumentCache).where(
        DocumentCache.tenant_id == tenant.id, DocumentCache.language == "fr"))
    assert count == 1  # one copy kept per tenant and language


def test_a_pdf_that_cannot_be_produced_gives_a_clear_page(client, session, monkeypatch):
    _, account = builders.tenant_with_account(session)
    session.commit()
    login(client, account.email, builders.PASSWORD)

    def broken(*a, **k):
        raise pdf.PdfError("layout failed: simulated")

    monkeypatch.setattr(pdf, "document", broken)
    response = client.get("/me/export.pdf?lang=en")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "We could not produce the PDF copy of your file." in page
    assert "Traceback" not in page and "simulated" not in page
    response = client.get("/me/export.pdf?lang=fr")
    assert "Nous n" in response.get_data(as_text=True)


PAYLOADS = [
    "<script>alert('x')</script>",
    "</td></tr></table><h1>injected</h1>",
    "<style>body{background:url(file:///etc/passwd)}</style>",
    "background: url(http://evil.example.org/track.png)",
    '<img src="http://evil.example.org/pixel.png">',
    '<link rel="stylesheet" href="file:///etc/passwd">',
]


def test_markup_in_notes_comes_out_as_text_and_fetches_nothing(app, session):
    tenant = builders.tenant(session)
    builders.full_file(session, tenant)
    for body in PAYLOADS:
        session.add(Note(tenant_id=tenant.id, body=body))
    session.flush()
    fetcher = pdf.safe_fetcher()
    with app.test_request_context():
        snapshot = documents.snapshot_for(session, tenant, "en", app.config)
        content = documents.render_copy(snapshot, "en", app.config, fetcher=fetcher)
    text = squash(pdf_text(content))
    for body in PAYLOADS:
        assert squash(body) in text
    assert fetcher.refused == []  # nothing in the data was ever treated as a URL
    assert all(url.endswith("/templates/pdf/copy.css") for url in fetcher.served)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://evil.example.org/x.css", "https://evil.example.org/x.png",
    "ftp://evil.example.org/x", "data:text/css,body{}",
    pdf.BASE_URL + "../../portal/config.py", pdf.BASE_URL + "..%2F..%2Fportal%2Fconfig.py",
])
def test_the_fetcher_refuses_everything_but_our_assets(url):
    fetcher = pdf.safe_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert fetcher.fetch(pdf.BASE_URL + "copy.css").read().startswith(b"/*")


def test_another_role_cannot_download_a_copy(client, session):
    manager = builders.account(session, "manager", portfolios=(builders.portfolio(session),))
    session.commit()
    login(client, manager.email, builders.PASSWORD)
    response = client.get("/me/export.pdf")
    assert response.status_code == 403 and response.mimetype != "application/pdf"


@pytest.mark.parametrize("lang,rent,born", [("fr", "520,00 €", "17/05/1980"), ("en", "€520.00", "May 17, 1980")])
def test_the_pdf_copy_shows_a_built_tenants_values_as_a_reader_writes_them(client, session, lang, rent, born):
    from datetime import date


    someone, account = builders.tenant_with_account(session, first_name="Odile", last_name="Perrin",
                                                    birth_date=date(1980, 5, 17), phone="01 98 76 54 32")
    builders.note(session, someone, "Clés du local vélos remises à la locataire.")
    login(client, account.email, builders.PASSWORD)
    text = squash(pdf_text(client.get(f"/me/export.pdf?lang={lang}").data))
    for shown in ("Odile Perrin", someone.tenant_number, born, rent, "01 98 76 54 32",
                  "Clés du local vélos remises à la locataire."):
        assert squash(shown) in text, shown


@pytest.mark.parametrize("lang, read, step, field, reason", [
    ("fr", "Identité, Coordonnées", "Informations demandées", "Téléphone portable", "Données vérifiées et exactes"),
    ("en", "Identity, Contact details", "Information asked for", "Mobile phone", "Data checked and accurate")])
def test_the_copy_says_in_words_what_is_stored_as_codes(client, session, lang, read, step, field, reason):
    """'Who consulted my file' shows the categories a manager read; a request, the data it
    asked to correct, its steps and its refusal reason, in words: codes mean nothing to a tenant."""
    from portal import access
    from portal.audit import access_log

    someone, account = builders.tenant_with_account(session)
    manager = builders.account(session, "manager")
    access_log.record_read(session, access.actor_for(session, manager), someone, ["identity", "contact"],
                           access_log.make_purpose(None, "Vérification du bail", "fr"))
    builders.request(session, someone, status="waiting_info", asked="Merci de joindre une pièce d'identité.")
    builders.request(session, someone, kind="rectification", status="answered", field_key="contact.mobile_phone",
                     proposed_value="06 11 22 33 44", outcome="refused", refusal_reason="data_accurate")
    login(client, account.email, builders.PASSWORD)
    text = squash(pdf_text(client.get(f"/me/export.pdf?lang={lang}").data))
    for words in (read, step, field, reason):
        assert squash(words) in text, words
    for code in ("identity,contact", "request_info", "contact.mobile_phone", "data_accurate"):
        assert code not in text, code
