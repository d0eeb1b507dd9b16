"""Outgoing e-mail: real SMTP when MAIL_SERVER is set, else a file outbox
(instance/outbox, or MAIL_OUTBOX) where each message is one .eml file.

The portal's pages never talk to the mail server themselves: they call `send_later` (or
`send_now_or_queue` once committed), and the `send_mail` job (portal.jobs) calls `send`,
on the queue when there is one (retried while the server is away), else at once."""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy.orm import Session

from portal import jobs


def build(to: str, subject: str, body: str, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="portal.local")
    msg.set_content(body)
    return msg


def send(to: str, subject: str, body: str, *, config: Mapping[str, Any],
         instance_path: str | None = None) -> Path | None:
    """Send one plain-text message. Returns the outbox file in development, None over SMTP."""
    msg = build(to, subject, body, config.get("MAIL_SENDER") or "no-reply@example.org")
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(msg)
        return None
    outbox = Path(config.get("MAIL_OUTBOX") or Path(instance_path or "instance") / "outbox")
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{formatdate(usegmt=True)[5:25].replace(' ', '_').replace(':', '')}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(msg))
    return path


def send_later(session: Session, to: str, subject: str, body: str) -> None:
    """Send this message once `session` commits (never if it rolls back): a link in it
    then points to a token that exists."""
    jobs.after_commit(session, "send_mail", to=to, subject=subject, body=body)


def send_now_or_queue(to: str, subject: str, body: str) -> None:
    """Send this message by the `send_mail` job (call it after your commit)."""
    jobs.enqueue("send_mail", to=to, subject=subject, body=body)


def read_outbox(outbox: Path) -> list[EmailMessage]:
    """The messages in an outbox folder, oldest first (for tests and the demo)."""
    from email import policy
    from email.parser import BytesParser

    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(p.read_bytes()) for p in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)]
