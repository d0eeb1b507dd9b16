"""The e-mails a request step sends to the tenant, built with the step and sent once it is committed."""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import catalogue, formatting, mail, rendering
from portal.catalogue import controller as controller_info
from portal.i18n import gettext, in_locale
from portal.requests import workflow
from portal.models import (PrivacyRequest, RequestEvent, User)

REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone

from portal.requests.types import Mail


# --- E-mails to the tenant ------------------------------------------------------------

# The steps templates/mail/request_step.txt has a sentence for.
STEPS = ("received", "assign", "request_info", "info_received", "extend", "grant", "partly_grant", "refuse",
         "close", "withdrawn", "lift_announced")


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
    with in_locale(lang):
        kind = str(catalogue.REQUEST_KIND_LABELS.get(req.kind, req.kind))
        subject = gettext("Your privacy request %(ref)s", ref=req.ref)
    if step not in STEPS:
        raise ValueError(f"no mail for the step {step!r}")
    body = rendering.render_text(
        "mail/request_step.txt", lang, step=step, name=name or tenant.full_name, representative=bool(name),
        tenant=tenant.full_name, kind=kind, due=formatting.fmt_date(req.due_on, lang),
        clock_stopped=workflow.clock_stopped(req.status, req.info_kind), last_message=_last_message(session, req),
        cnil=controller_info.info(lang).cnil_line, has_letter=step in workflow.LETTER_OF, ref=req.ref,
        follow_url=f"{portal_url.rstrip('/')}/me/requests/{req.ref}" if portal_url else "")
    return Mail(to, subject, body)


def _last_message(session: Session, req: PrivacyRequest) -> str:
    return session.scalar(select(RequestEvent.message).where(RequestEvent.request_id == req.id)
                          .order_by(RequestEvent.id.desc()).limit(1)) or "" if req.id else ""


def send_mails(mails: Iterable[Mail]) -> None:
    """Send a step's mails, once its transaction is committed: one `send_mail` job each
    (portal.jobs), so a mail server that is away delays them and loses no work."""
    for m in mails:
        mail.send_now_or_queue(m.to, m.subject, m.body)
