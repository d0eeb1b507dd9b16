"""The e-mails a request step sends to the tenant, built with the step and sent once it is committed."""

from __future__ import annotations

from typing import Iterable

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import catalogue, formatting, mail
from portal.catalogue import controller as controller_info
from portal.requests import workflow
from portal.models import (PrivacyRequest, RequestEvent, User)

REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone

from portal.requests.types import Mail


# --- E-mails to the tenant ------------------------------------------------------------

def step_mails(session: Session, req: PrivacyRequest, step: str, portal_url: str) -> list[Mail]:
    """The messages telling of one step: to the tenant; for a request made by a
    representative, to the representative (when we have their e-mail) and to the tenant
    only where the measure allows it."""
    out: list[Mail] = []
    if req.representative_name and req.representative_email:
        out.append(step_mail(session, req, step, "", to=req.representative_email,
                             name=req.representative_name))
    if not req.representative_name or req.representative_copy_tenant:
        mine = step_mail(session, req, step, portal_url)
        if mine is not None:
            out.append(mine)
    return out


def step_mail(session: Session, req: PrivacyRequest, step: str, portal_url: str, *, to: str | None = None,
              name: str | None = None) -> Mail | None:
    """The message telling the tenant (or ``to``, the representative) of one step, in the tenant's language."""
    tenant = req.tenant
    to = to or tenant.email or session.scalar(select(User.email).where(User.tenant_id == tenant.id))
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
            "request_info": (gettext("We need more information from you to handle your request. The time we "
                                     "have to answer starts again when we receive it.")
                             if workflow.clock_stopped(req.status, req.info_kind) else
                             gettext("We need you to clarify your request. This does not change the date: we "
                                     "will answer by %(due)s at the latest.", due=due)),
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
        lines = [gettext("Hello %(name)s,", name=name or tenant.full_name), ""]
        if name:
            lines += [gettext("You made a privacy request on behalf of %(tenant)s.", tenant=tenant.full_name), ""]
        lines.append(sentence)
        last = session.scalar(select(RequestEvent.message).where(RequestEvent.request_id == req.id)
                              .order_by(RequestEvent.id.desc()).limit(1)) if req.id else None
        if step in ("request_info", "extend", "grant", "partly_grant", "refuse") and last:
            lines += ["", gettext("Our message:"), last]
        if step in ("partly_grant", "refuse"):
            lines += ["", gettext("If you disagree with this answer, you may complain to the %(cnil)s and go to court.",
                                  cnil=controller_info.info(lang).cnil_line)]
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


def send_mails(mails: Iterable[Mail]) -> None:
    """Send a step's mails, once its transaction is committed: one `send_mail` job each
    (portal.jobs), so a mail server that is away delays them and loses no work."""
    for m in mails:
        mail.send_now_or_queue(m.to, m.subject, m.body)
