"""The tenant's access log groups the reads of one person, purpose and day (issue 23)."""

from __future__ import annotations

from tests.conftest import login


def test_repeated_reads_of_a_day_are_one_entry_with_their_times(client):
    login(client, "dpo@example.org")
    for _ in range(3):
        client.get("/staff/requests/DPR-DEMO-0002")  # each opening is a read of Camille's file
    client.post("/logout")
    login(client, "camille.martin@example.org")
    fr = client.get("/me/access-log?lang=fr").get_data(as_text=True)
    assert fr.count("Traitement de votre demande DPR-DEMO-0002") == 1
    assert "3 consultations ce jour-là, à " in fr
    en = client.get("/me/access-log?lang=en").get_data(as_text=True)
    assert "Handling of your request DPR-DEMO-0002" in en and "Traitement de la demande" not in en
