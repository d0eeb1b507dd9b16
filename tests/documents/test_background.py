"""A large file is rendered in the background while a self-refreshing page shows progress."""

from __future__ import annotations

import re
import time

from portal.db import Database
from tests.conftest import build_app, login


def test_large_copy_is_prepared_in_the_background(tmp_path):
    app = build_app(tmp_path, "background", PDF_BACKGROUND_SECONDS=0)
    try:
        client = app.test_client()
        login(client, "camille.martin@example.org")
        first = client.get("/me/export.pdf?lang=fr")
        assert first.status_code == 202
        page = first.get_data(as_text=True)
        assert 'http-equiv="refresh"' in page and not re.search(r"<script(?![^>]*\ssrc=)", page)  # no inline script
        assert "Votre copie PDF est en préparation" in page
        for _ in range(120):
            response = client.get("/me/export.pdf")
            if response.status_code == 200:
                break
            time.sleep(0.5)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert client.get("/me/export.pdf").data == response.data  # then from the cache
    finally:
        Database.state(app).engine.dispose()
