"""The e-mails a request step sends to the tenant, built with the step and sent once it is committed."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import catalogue, formatting
from portal.requests import workflow
from portal.models import (PrivacyRequest, RequestEvent, User)

REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone

from portal.requests.types import Mail


# --- E-mails to the tenant ------------------------------------------------------------

def step_mail(session: Session, req: PrivacyRequest, step: str, portal_url: str) -> Mail | None:
    """The message telling the tenant of one step, in their language."""
    tenant = req.tenant
    to = tenant.email or session.scalar(select(User.email).where(User.tenant_id == tenant.id))
    if not to:
        return None
    lang = tenant.preferred_language if tenant.preferred_language in ("fr", "en") else "fr"
    with force_locale(lang):
        kind = str(catalogue.REQUEST_KIND_LABELS.get(req.kind, req.kind))
        due = formatting.fmt_date(req.due_on, lang)
        sentences = {
            "received": gettext("We have received your request (%(kind)s). We will answer by %(due)s at the latest.",
                                kind=kind, due=due),
            "assign": gettext("A member of our staff is now handling your request."),
            "request_info": gettext("We need more information from you to handle your request. The time we "
                                    "have to answer starts again when we receive it."),
            "info_received": gettext("We have received the information you sent. We will answer by %(due)s "
                                     "at the latest.", due=due),
            "extend": gettext("Your request needs more time: we will answer by %(due)s at the latest.", due=due),
            "grant": gettext("Your request is granted."),
            "partly_grant": gettext("Your request is partly granted."),
            "refuse": gettext("Your request is refused."),
            "close": gettext("Your request is closed."),
            "withdrawn": gettext("You have withdrawn your request. We will not process it further."),
        }
        sentence = _last_message(session, req) if step == "lift_announced" else sentences[step]
        lines = [gettext("Hello %(name)s,", name=tenant.full_name), "", sentence]
        last = session.scalar(select(RequestEvent.message).where(RequestEvent.request_id == req.id)
                              .order_by(RequestEvent.id.desc()).limit(1)) if req.id else None
        if step in ("request_info", "extend", "grant", "partly_grant", "refuse") and last:
            lines += ["", gettext("Our message:"), last]
        if step in ("partly_grant", "refuse"):
            lines += ["", gettext("You may complain to the CNIL (www.cnil.fr, 3 place de Fontenoy, 75007 Paris) "
                                  "and go to court if you disagree with this answer.")]
        if step in workflow.LETTER_OF:
            lines += ["", gettext("Our letter is available on your request's page.")]
        lines += ["", gettext("Reference: %(ref)s", ref=req.ref)]
        if portal_url:
            lines += [gettext("Follow your request: %(url)s", url=f"{portal_url.rstrip('/')}/me/requests/{req.ref}")]
        subject = gettext("Your privacy request %(ref)s", ref=req.ref)
    return Mail(to, subject, "\n".join(lines))


def _last_message(session: Session, req: PrivacyRequest) -> str:
    return session.scalar(select(RequestEvent.message).where(RequestEvent.request_id == req.id)
                          .order_by(RequestEvent.id.desc()).limit(1)) or "" if req.id else ""


def send_mails(mails: Iterable[Mail], config: Mapping[str, Any], instance_path: str | None) -> int:
    """Send after the commit; a mail server that is away loses no work (logged, counted)."""
    import logging

    from portal import mail as mail_service

    failed = 0
    for m in mails:
        try:
            mail_service.send(m.to, m.subject, m.body, config=config, instance_path=instance_path)
        except OSError as exc:  # smtplib errors are OSErrors
            failed += 1
            logging.getLogger(__name__).error("request mail not sent: %s", type(exc).__name__)
    return failed
