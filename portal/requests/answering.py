"""Staff steps on a privacy request: assign, ask, extend, answer, close; Art. 19 notices and lifting restrictions."""

from __future__ import annotations

from portal.numbers import parse_id
from datetime import date, timedelta
from typing import Any, Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import access, deadlines
from portal.notes import third_party
from portal.catalogue import processings
from portal.requests import workflow
from portal.models import (PrivacyRequest, RecipientNotice, Restriction, User)
from portal.models._base import utcnow

REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone

from portal.requests.mails import step_mails
from portal.requests import rights
from portal.requests.rights import erase, rectify, restrict
from portal.requests.service import (audit_step, check_text, check_version, info_arrived, may_process,
                                     record_event)
from portal.requests.targets import check_targets
from portal.requests.types import Done, ExtensionRefused, Forbidden, Invalid


# --- Staff steps ----------------------------------------------------------------------

def act(session: Session, req: PrivacyRequest, actor: access.Actor, action: str, *,
        message: str | None, today: date, config: Mapping[str, Any], version: Any = None,
        refusal_reason: str | None = None, assignee_id: Any = None,
        targets: Iterable[str] | None = None, portal_url: str = "", info_kind: str | None = None) -> Done:
    """One staff action of workflow.STAFF_ACTIONS on a request (see the module doc)."""
    if action not in workflow.STAFF_ACTIONS:
        raise Invalid("action", "action")
    if not may_process(session, actor, req):
        raise Forbidden()
    check_version(req, version)
    after = workflow.next_status(action, req.status)
    text = check_text("message", message, workflow.MESSAGE_MAX, action in workflow.MESSAGE_REQUIRED)
    reason = (refusal_reason or "").strip()
    if action in workflow.REASON_REQUIRED:
        if not reason:
            raise Invalid("refusal_reason", "required")
        if reason not in workflow.reasons_for(req.kind):
            raise Invalid("refusal_reason", "unknown")
    before = req.status
    done = Done(req)
    categories = ["requests"]
    detail: dict[str, Any] = {"from": before, "to": after}
    lang = req.tenant.preferred_language if req.tenant.preferred_language in ("fr", "en") else "fr"
    action, reason, text = _withheld_makes_partial(session, req, action, reason, text, lang)

    if action == "assign":
        req.assigned_to_id = _assignee(session, actor, req, assignee_id)
        detail["assignee"] = req.assigned_to_id
    elif action == "request_info":
        req.info_kind = _info_kind(req, info_kind)
        detail["info_kind"] = req.info_kind
    elif action == "extend":
        if not access.can(actor, "extend_deadline"):
            raise Forbidden()
        if req.extended:
            raise ExtensionRefused("already")
        if not deadlines.extension_allowed(req.clock_start, today):
            raise ExtensionRefused("too_late")
        req.extended = True
        req.extension_reason = text
        req.due_on = deadlines.due_date(req.clock_start, True)
    elif action in workflow.OUTCOME_OF:
        if action != "refuse":
            done.summary, cats, effects = _apply(session, req, actor, action, targets, today, lang, config)
            categories += cats
            action, reason = _outcome_of_effects(action, reason, effects)
            rights.record_effects(session, req, effects)
        req.outcome = workflow.OUTCOME_OF[action]
        req.refusal_reason = reason if action in workflow.REASON_REQUIRED else None
        req.answer = "\n\n".join(x for x in (text, done.summary) if x) or None
        req.answered_at = utcnow()
        if req.assigned_to_id is None:
            req.assigned_to_id = actor.user_id
        detail.update(outcome=req.outcome, refusal_reason=req.refusal_reason)
    elif action == "close":
        req.closed_at = utcnow()
    if action in ("request_info",) and req.assigned_to_id is None:
        req.assigned_to_id = actor.user_id
    req.status = after
    record_event(session, req, actor, action, before, after, "\n\n".join(x for x in (text, done.summary) if x))
    audit_step(session, actor, action, req, categories, detail)
    session.flush()  # a concurrent change surfaces here as StaleDataError
    letter_kind = workflow.LETTER_OF.get(action)
    if letter_kind:
        issue_letter(session, req, letter_kind, actor, lang, config)
    done.mails = step_mails(session, req, action, portal_url)
    return done


def _withheld_makes_partial(session: Session, req: PrivacyRequest, action: str, reason: str, text: str,
                            lang: str) -> tuple[str, str, str]:
    """Art. 15(4): when passages about other people are withheld from the copy, granting
    an access request grants it in part, and the answer says what was withheld and why."""
    if action != "grant" or req.kind != "access":
        return action, reason, text
    withheld = third_party.summary(session, req.tenant_id, lang)
    if not withheld:
        return action, reason, text
    return "partly_grant", "rights_of_others", "\n\n".join(x for x in (text, withheld) if x)


def _info_kind(req: PrivacyRequest, raw: str | None) -> str:
    """Identity (the clock stops) or clarification (it runs on): EDPB Guidelines 01/2022."""
    kind = (raw or "").strip() or workflow.default_info_kind(req.identity_verified)
    if kind not in workflow.INFO_KINDS:
        raise Invalid("info_kind", "choice")
    return kind


def record_info(session: Session, req: PrivacyRequest, actor: access.Actor, message: str | None, *,
                today: date, received_on: date | None = None, version: Any = None,
                portal_url: str = "") -> Done:
    """Staff record the tenant's answer received by post or at the desk (the day it came).
    An answer about identity restarts the period from that day; a clarification leaves
    the due date where it was."""
    if not may_process(session, actor, req):
        raise Forbidden()
    check_version(req, version)
    after = workflow.next_status("record_info", req.status)
    text = check_text("message", message, workflow.MESSAGE_MAX, True)
    day = received_on or today
    if day > today:
        raise Invalid("received_on", "future")
    before = req.status
    info_arrived(req, day)
    req.status = after
    record_event(session, req, actor, "record_info", before, after, text)
    audit_step(session, actor, "record_info", req, detail={"from": before, "to": after, "on": day.isoformat()})
    session.flush()
    return Done(req, step_mails(session, req, "info_received", portal_url))


def issue_letter(session: Session, req: PrivacyRequest, kind: str, actor: access.Actor, lang: str,
                 config: Mapping[str, Any]) -> None:
    """THE call site of the response letters (services/letters.py, the documents issue)."""
    from portal.requests import letters

    letters.issue(session, req, kind, actor.user_id, lang, config)


def _assignee(session: Session, actor: access.Actor, req: PrivacyRequest, assignee_id: Any) -> int:
    if assignee_id in (None, "", "me"):
        return actor.user_id or 0
    if parse_id(assignee_id) is None:
        raise Invalid("assignee", "assignee")
    user = session.get(User, parse_id(assignee_id))
    if user is None or not user.is_enabled or req.kind not in access.PROCESSABLE_KINDS.get(user.role, ()):
        raise Invalid("assignee", "assignee")
    if not access.in_scope(session, access.actor_for(session, user), req.tenant_id):
        raise Invalid("assignee", "assignee")
    return user.id


def assignees(session: Session, req: PrivacyRequest) -> list[User]:
    """Staff members who may process this request (for the assign form)."""
    users = session.scalars(select(User).where(User.role.in_(list(access.PROCESSABLE_KINDS)),
                                               User.is_enabled.is_(True)).order_by(User.display_name))
    return [u for u in users if req.kind in access.PROCESSABLE_KINDS.get(u.role, ())
            and access.in_scope(session, access.actor_for(session, u), req.tenant_id)]


def _apply(session: Session, req: PrivacyRequest, actor: access.Actor, action: str,
           targets: Iterable[str] | None, today: date, lang: str,
           config: Mapping[str, Any]) -> tuple[str, list[str], list[rights.Effect]]:
    """What a (partly) granted request changes in the file: (summary, categories touched,
    what was done and not done)."""
    tenant = req.tenant
    override = config.get("CATALOGUE_OVERRIDES")
    named = [t for t in (targets or []) if t and str(t).strip()]
    if req.kind == "rectification" and action == "grant":
        return (*rectify(session, req, actor, tenant, today, lang, override), [])
    if req.kind == "objection":
        # The tenant's form names categories; staff name the processings (catalogue.processings).
        chosen = named or [t for t in (req.target_records or []) if t in processings.BY_KEY]
        return rights.object_to(session, req, tenant, chosen, lang)
    if req.kind in ("erasure", "restriction"):
        chosen = check_targets(session, tenant, req.kind, named or list(req.target_records or []))
        if req.kind == "erasure":
            return erase(session, req, tenant, chosen, lang, override)
        return (*restrict(session, req, tenant, chosen, lang, override), [])
    return "", [], []


def _outcome_of_effects(action: str, reason: str, effects: list[rights.Effect]) -> tuple[str, str]:
    """A grant is only as whole as what it did: an erasure that keeps data under an Art.
    17(3) exception, or an objection some of whose processings cannot stop (Art. 21(1)),
    is a partial grant (its letter gives the reasons and the remedies, Art. 12(4)), and one
    that did nothing at all is a refusal."""
    undone = [e for e in effects if not e.done]
    if not undone:
        return action, reason
    why = reason or ("objection_not_applicable" if undone[0].effect == "not_stopped"
                     else undone[0].exception or "legal_obligation")
    return ("partly_grant" if any(e.done for e in effects) else "refuse"), why



def tick_recipient(session: Session, req: PrivacyRequest, actor: access.Actor, notice_id: Any) -> RecipientNotice:
    """Art. 19: staff record that they told a recipient."""
    if not may_process(session, actor, req):
        raise Forbidden()
    notice = session.get(RecipientNotice, parse_id(notice_id)) if parse_id(notice_id) else None
    if notice is None or notice.request_id != req.id:
        raise Invalid("notice", "notice")
    if notice.notified_at is None:
        notice.notified_at = utcnow()
        notice.notified_by_id = actor.user_id
        record_event(session, req, actor, "recipient_told", req.status, req.status, notice.recipient)
        audit_step(session, actor, "recipient_told", req, detail={"recipient": notice.recipient})
        session.flush()
    return notice


#: Art. 18(3): the tenant is told this many days before a restriction is lifted.
LIFT_NOTICE_DAYS = 15


def lift_restriction(session: Session, req: PrivacyRequest, actor: access.Actor, restriction_id: Any,
                     today: date | None = None, portal_url: str = "") -> Done:
    """Art. 18(3): announce the lifting of a restriction. The tenant is told now (an
    e-mail and a step in the request's history, with the date); the restriction stays in
    force until that date, when the periodic job lifts it (rights.apply_due_lifts)."""
    if not may_process(session, actor, req) or not access.can(actor, "extend_deadline"):
        raise Forbidden()
    item = session.get(Restriction, parse_id(restriction_id)) if parse_id(restriction_id) else None
    if item is None or item.tenant_id != req.tenant_id or not item.active or item.lift_on is not None:
        raise Invalid("restriction", "restriction")
    day = today or utcnow().date()
    item.lift_on = day + timedelta(days=LIFT_NOTICE_DAYS)
    item.lift_notice_at = utcnow()
    lang = req.tenant.preferred_language if req.tenant.preferred_language in ("fr", "en") else "fr"
    message = lift_notice_text(item, lang)
    record_event(session, req, actor, "lift_restriction", req.status, req.status, message)
    audit_step(session, actor, "lift_restriction", req, [item.category_key],
               {"category": item.category_key, "lift_on": item.lift_on.isoformat()})
    session.flush()
    return Done(req, mails=step_mails(session, req, "lift_announced", portal_url))


def lift_notice_text(item: Restriction, lang: str) -> str:
    """The notice of Art. 18(3) in the tenant's language: what, and from when."""
    from portal import catalogue, formatting
    from portal.i18n import gettext, in_locale

    with in_locale(lang):
        return gettext("The restriction of use of “%(category)s” will be lifted on %(date)s. Until then it "
                       "stays in force.", category=catalogue.get(item.category_key).title,
                       date=formatting.fmt_date(item.lift_on, lang))
