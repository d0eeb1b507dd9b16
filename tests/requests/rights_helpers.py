"""Builders and readers shared by the tests of rights carried out in substance."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from portal.models import User
from tests.builders import PASSWORD
from tests.conftest import login
from tests.requests.helpers import file_request


def pdftotext(content: bytes) -> str:
    """The text a reader sees in a PDF (poppler's pdftotext), lines joined."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(content)
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True)
    return " ".join(out.stdout.decode("utf-8").split())


def answered(client, who: User, kind: str, dpo: User, action: str = "grant", targets=(), lang: str = "fr",
             details: str = "Merci.", **extra):
    """The tenant `who` files a request from the form; the DPO `dpo` answers it with
    `action` naming `targets` (both built accounts: tests/builders). Returns (ref, the
    staff response)."""
    ref = file_request(client, who.email, lang=lang, kind=kind, details=details, **extra)
    login(client, dpo.email, PASSWORD)
    data = {"action": action, "message": extra.get("message", ""), "confirm": "1", "targets": list(targets)}
    if action == "partly_grant":
        data.update(message="En partie.", refusal_reason="legal_obligation")
    response = client.post(f"/staff/requests/{ref}?lang={lang}", data=data)
    client.post("/logout")
    return ref, response


def letter_text(client, who: User, ref: str, lang: str = "fr") -> str:
    """The tenant (a built account) downloads the letter of their request; its text."""
    login(client, who.email, PASSWORD)
    response = client.get(f"/me/requests/{ref}/letter.pdf?lang={lang}")
    client.post("/logout")
    assert response.status_code == 200, response.status_code
    return pdftotext(response.data)
