"""The address block of a letter reads as an address (issue 23): the door is labelled,
no line is a bare number."""

from __future__ import annotations

import subprocess

from tests.conftest import login


def test_the_letters_address_block_labels_the_door(client, tmp_path):
    login(client, "john.smith@example.org")
    response = client.get("/me/requests/DPR-DEMO-0022/letter.pdf")
    assert response.status_code == 200
    path = tmp_path / "letter.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", "-l", "1", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    block = text[text.index("Mr John Smith"):].splitlines()[:4]
    lines = [line.strip().split("  ")[-1].strip() for line in block]
    assert "Porte 41" in lines and "75019 Paris" in lines
    assert not any(line.isdigit() for line in lines)
