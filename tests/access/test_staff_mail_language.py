"""The mail that gives a new staff member the link to choose a password is in the new
member's language (chosen on the form, else the landlord's default), not in the language
of the administrator who creates the account."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.mail import read_outbox
from portal.models import User
from tests import builders
from tests.access.helpers import db_session, text_of
from tests.builders import PASSWORD
from tests.conftest import login

FRENCH = ("Votre compte sur le portail vie privée", "Un compte a été créé pour vous sur le portail vie privée")
ENGLISH = ("Your privacy portal account", "An account was created for you on the privacy portal")


def _create(app, session, admin_lang: str, **form: str):
    """An administrator whose pages are in `admin_lang` creates an account; (the page
    shown after it, the mails sent to the new address)."""
    people = builders.estate(session)
    admin = app.test_client()
    login(admin, people.admin.email, PASSWORD)
    email = f"recrue.{uuid.uuid4().hex[:8]}@example.org"  # the outbox is shared by the tests
    response = admin.post(f"/admin/staff/new?lang={admin_lang}",
                          data={"email": email, "display_name": "Nouvelle Recrue", "role": "admin", **form})
    assert response.status_code == 302
    page = text_of(admin.get("/admin/staff"))
    return page, email, [m for m in read_outbox(Path(app.config["MAIL_OUTBOX"])) if m["To"] == email]


@pytest.mark.parametrize("admin_lang, staff_lang, wanted, unwanted, flash", [
    ("en", "fr", FRENCH, ENGLISH, "Account created for Nouvelle Recrue"),
    ("fr", "en", ENGLISH, FRENCH, "Compte créé pour Nouvelle Recrue"),
])
def test_the_password_mail_is_in_the_new_members_language(app, session, admin_lang, staff_lang, wanted,
                                                          unwanted, flash):
    page, email, mails = _create(app, session, admin_lang, language=staff_lang)
    assert len(mails) == 1
    subject, body = mails[0]["Subject"], mails[0].get_content()
    assert subject == wanted[0] and wanted[1] in body and "/password/reset/" in body
    assert unwanted[1] not in body
    assert flash in page  # the administrator still reads their own language
    with db_session(app) as s:  # and the new member's pages will be in theirs
        assert s.scalar(select(User.language).where(User.email == email)) == staff_lang


def test_without_a_language_the_landlords_default_is_used(app, session):
    page, email, mails = _create(app, session, "en")
    assert app.config["BABEL_DEFAULT_LOCALE"] == "fr"
    assert [m["Subject"] for m in mails] == [FRENCH[0]] and FRENCH[1] in mails[0].get_content()


def test_the_form_offers_the_language_in_the_admins_words(app, session):
    people = builders.estate(session)
    admin = app.test_client()
    login(admin, people.admin.email, PASSWORD)
    page = admin.get("/admin/staff/new?lang=en").get_data(as_text=True)
    french = re.search(r'<input [^>]*name="language"[^>]*value="fr"[^>]*>', page)
    assert french and "checked" in french.group(0)  # the landlord's default, chosen
    assert ">French</label>" in page and ">English</label>" in page
