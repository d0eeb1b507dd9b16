"""Builders and readers shared by the tests of rights carried out in substance."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import select

from portal.models import Tenant, User
from tests.builders import PASSWORD
from tests.conftest import DEMO_PASSWORD, login
from tests.requests.helpers import DPO, file_request


def _sign_in(client, who: str | User) -> None:
    """Log in a built account (password: builders.PASSWORD) or a demo e-mail."""
    if isinstance(who, User):
        login(client, who.email, PASSWORD)
    else:
        login(client, who, DEMO_PASSWORD)


def pdftotext(content: bytes) -> str:
    """The text a reader sees in a PDF (poppler's pdftotext), lines joined."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(content)
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True)
    return " ".join(out.stdout.decode("utf-8").split())


def tenant_by_email(session, email: str) -> Tenant:
    return session.scalar(select(Tenant).where(Tenant.email == email))


def answered(client, who: str | User, kind: str, action: str = "grant", targets=(), lang: str = "fr",
             details: str = "Merci.", dpo: str | User = DPO, **extra):
    """The tenant `who` files a request from the form; the DPO answers it with `action`
    naming `targets`. Returns (ref, the staff response). `who` and `dpo`: built accounts
    or demo e-mails."""
    if isinstance(who, User):
        ref = file_request(client, who.email, lang=lang, password=PASSWORD, kind=kind, details=details, **extra)
    else:
        ref = file_request(client, who, lang=lang, kind=kind, details=details, **extra)
    _sign_in(client, dpo)
    data = {"action": action, "message": extra.get("message", ""), "confirm": "1", "targets": list(targets)}
    if action == "partly_grant":
        data.update(message="En partie.", refusal_reason="legal_obligation")
    response = client.post(f"/staff/requests/{ref}?lang={lang}", data=data)
    client.post("/logout")
    return ref, response


def letter_text(client, who: str | User, ref: str, lang: str = "fr") -> str:
    """The tenant downloads the letter of their request; its text."""
    _sign_in(client, who)
    response = client.get(f"/me/requests/{ref}/letter.pdf?lang={lang}")
    client.post("/logout")
    assert response.status_code == 200, response.status_code
    return pdftotext(response.data)
