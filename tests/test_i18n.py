"""The services' translation layer (portal.i18n, no Flask): the language is a context
variable, a lazy (import-time) string follows the language it is shown in, and a letter
is written in the tenant's language whatever the language of the page that asked for it."""

from __future__ import annotations

import subprocess
import threading

from flask import has_app_context
from sqlalchemy import select

from portal import access, catalogue, i18n
from portal.i18n import gettext, in_locale, lazy_gettext, ngettext
from portal.models import User
from portal.requests import mails
from portal.requests import service as requests_service
from portal.requests.letters import LETTER_KIND_LABELS
from portal.formatting import landlord_today
from tests import builders
from tests.conftest import login


def test_gettext_switches_between_french_and_english():
    with in_locale("fr"):
        assert gettext("Your request is refused.") == "Votre demande est refusée."
        assert gettext("Reference: %(ref)s", ref="DPR-1") == "Référence : DPR-1"
    with in_locale("en"):
        assert gettext("Your request is refused.") == "Your request is refused."
        assert ngettext("%(num)s day", "%(num)s days", 3) == "3 days"


def test_french_is_the_default_and_a_block_restores_the_language_it_found():
    assert i18n.current_language() == "fr"
    with in_locale("en"):
        with in_locale("fr"):
            assert gettext("Yes") == "Oui"
        assert gettext("Yes") == "Yes"
    assert gettext("Yes") == "Oui"


def test_a_lazy_string_follows_the_language_it_is_shown_in():
    label = lazy_gettext("Your request is refused")  # made once, at import time in real code
    with in_locale("fr"):
        assert str(label) == "Votre demande est refusée"
    with in_locale("en"):
        assert str(label) == "Your request is refused"
    with in_locale("fr"):  # not cached in the language it was first read in
        assert f"{LETTER_KIND_LABELS['refused']}" == "Votre demande est refusée"
        assert str(catalogue.LANGS["en"]) == "Anglais"


def test_each_thread_keeps_its_own_language():
    seen = {}

    def other() -> None:
        seen["other"] = gettext("Yes")  # a new thread starts in the default language

    with in_locale("en"):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        seen["here"] = gettext("Yes")
    assert seen == {"other": "Oui", "here": "Yes"}


def _english_speaking_tenants_request(session):
    """A request of a tenant who reads English (a built tenant, not the demo's)."""
    tenant = builders.tenant(session, preferred_language="en", first_name="Olivia", last_name="Stone",
                             email="olivia.stone@example.net")
    dpo = access.actor_for(session, session.scalar(select(User).where(User.email == "dpo@example.org")))
    done = requests_service.create(session, tenant, dpo, kind="access", details="Everything you hold.",
                                   today=landlord_today(), channel="post", identity_note="ID card seen at the desk")
    session.commit()
    return done.request


def test_the_letter_is_in_the_tenants_language_while_the_page_is_in_french(app, session, client, tmp_path):
    req = _english_speaking_tenants_request(session)
    login(client, "dpo@example.org")
    page = client.get(f"/staff/requests/{req.ref}?lang=fr")
    assert "Refuser" in page.get_data(as_text=True)  # the DPO reads the portal in French
    response = client.get(f"/staff/requests/{req.ref}/letter-preview.pdf?kind=refused&reason=manifestly_excessive")
    assert response.status_code == 200
    path = tmp_path / "letter.pdf"
    path.write_bytes(response.data)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Your request is refused" in text and "Dear Madam," in text and "Olivia Stone" in text
    assert "manifestly excessive" in text and req.ref in text
    assert "Votre demande" not in text and "Madame," not in text


def test_a_step_mail_is_written_in_the_tenants_language_without_any_flask_context(session):
    req = _english_speaking_tenants_request(session)
    assert not has_app_context()  # the services render their templates without Flask
    with in_locale("fr"):  # whoever acts reads French; the tenant reads English
        sent = mails.step_mail(session, req, "refuse", "https://portal.example/")
    assert sent.subject == f"Your privacy request {req.ref}"
    lines = sent.body.splitlines()
    assert lines[0] == "Hello Olivia Stone," and "Your request is refused." in lines
    assert any("complain to the" in line and "CNIL" in line for line in lines)
    assert lines[-2:] == [f"Reference: {req.ref}", f"Follow your request: https://portal.example/me/requests/{req.ref}"]
