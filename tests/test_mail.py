"""E-mail goes to a file outbox in development, and through SMTP when configured."""

from __future__ import annotations

import socket
import threading

from portal import mail


def test_outbox_receives_a_readable_message(tmp_path):
    path = mail.send("ines.roux@example.org", "Votre demande", "Bonjour Inès, é à ç.",
                     config={"MAIL_OUTBOX": str(tmp_path)})
    assert path is not None and path.exists()
    [msg] = mail.read_outbox(tmp_path)
    assert msg["To"] == "ines.roux@example.org" and msg["Subject"] == "Votre demande"
    assert "é à ç" in msg.get_content()


def test_smtp_delivery_to_a_real_socket():
    received: list[bytes] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def smtp_peer() -> None:  # a minimal SMTP conversation, enough for smtplib
        conn, _ = server.accept()
        f = conn.makefile("rwb")
        f.write(b"220 test\r\n"); f.flush()
        data = False
        for line in f:
            if data:
                received.append(line)
                if line == b".\r\n":
                    data = False
                    f.write(b"250 ok\r\n"); f.flush()
                continue
            cmd = line[:4].upper()
            if cmd == b"DATA":
                data = True
                f.write(b"354 go\r\n")
            elif cmd == b"QUIT":
                f.write(b"221 bye\r\n"); f.flush()
                break
            else:
                f.write(b"250 ok\r\n")
            f.flush()
        conn.close()

    t = threading.Thread(target=smtp_peer, daemon=True)
    t.start()
    assert mail.send("basile.morel@example.org", "Subject", "Body text",
                     config={"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}) is None
    t.join(5)
    server.close()
    assert any(b"Body text" in line for line in received)
