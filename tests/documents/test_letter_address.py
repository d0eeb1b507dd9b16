"""The address block of a letter reads as an address (issue 23): the door is labelled,
no line is a bare number."""

from __future__ import annotations

import subprocess

from portal.models import Dwelling, Lease
from tests import builders
from tests.builders import PASSWORD
from tests.conftest import login


def test_the_letters_address_block_labels_the_door(client, session, tmp_path):
    home = builders.building(session, address="12 rue des Lilas", postcode="75019", city="Paris")
    someone, account = builders.tenant_with_account(session, home, civility="M.", first_name="John",
                                                    last_name="Smithson", preferred_language="en")
    dwelling = session.get(Dwelling, session.get(Lease, someone.lease_id).dwelling_id)
    dwelling.door = "41"
    req = builders.request(session, someone, "access", status="in_progress")
    session.commit()
    login(client, builders.account(session, "dpo").email, PASSWORD)
    assert client.post(f"/staff/requests/{req.ref}", data={"action": "grant", "confirm": "1"}).status_code == 303
    client.post("/logout")
    login(client, account.email, PASSWORD)
    response = client.get(f"/me/requests/{req.ref}/letter.pdf")
    assert response.status_code == 200
    path = tmp_path / "letter.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", "-l", "1", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    block = text[text.index("Mr John Smithson"):].splitlines()[:4]
    lines = [line.strip().split("  ")[-1].strip() for line in block]
    assert lines[1:] == ["Esc. A, Ét. 2, Porte 41", "12 rue des Lilas", "75019 Paris"]
    assert not any(line.isdigit() for line in lines)
