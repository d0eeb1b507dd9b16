"""The demo's share of rights carried out in substance (issue 21): an objection granted
and enforced (Camille no longer gets satisfaction surveys; the rent collection she also
objected to rests on her contract, so the answer is a partial grant), a partly granted
erasure (John: a letter erased, his payments kept under a legal obligation), and records
already past their retention period so that `portal purge` has work to show (surveys of
long ago, login history older than a year, a request answered six years ago, a stale
cached copy of a file). Idempotent like the rest of the demo: keyed on request refs."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import access
from portal.deadlines import add_months, due_date
from portal.models import (Correspondence, DocumentCache, LoginEvent, PrivacyRequest, RequestEvent, Tenant,
                           User)


def load(session: Session, config: Mapping[str, Any], tenants: Mapping[str, Tenant], dpo: User, today: date,
         say: Callable[[str], None]) -> None:
    """Create the demo's objection, erasure and expired records when missing (the
    answers render their letters with `config`'s letterhead)."""
    say("An objection granted, an erasure granted in part, records past their time…")
    _load(session, tenants, dpo, today, config)


def _load(session: Session, tenants: Mapping[str, Tenant], dpo: User, today: date,
          config: Mapping[str, Any]) -> None:
    actor = access.actor_for(session, dpo)
    _answered(session, actor, tenants["camille"], "DPR-DEMO-0021", "objection", today, config,
              details="Je ne veux plus recevoir d'enquêtes de satisfaction ni vos appels de loyer par courrier.",
              targets=["satisfaction_survey", "rent_collection"])
    if _missing(session, "DPR-DEMO-0022"):
        john = tenants["john"]
        letter = Correspondence(tenant_id=john.id, ext_id="demo-erasure-letter", sent_on=today - timedelta(days=400),
                                direction="in", channel="letter", subject="Complaint about the lift",
                                body="The lift has been out of order for two weeks; my neighbour told me why.")
        session.add(letter)
        session.flush()
        _answered(session, actor, john, "DPR-DEMO-0022", "erasure", today, config,
                  details="Please erase my letter about the lift and my payment history.",
                  targets=[f"correspondence:{letter.id}", "payments"])
    _past_their_time(session, tenants, today)


def _missing(session: Session, ref: str) -> bool:
    return session.scalar(select(PrivacyRequest.id).where(PrivacyRequest.ref == ref)) is None


def _answered(session: Session, actor: access.Actor, tenant: Tenant, ref: str, kind: str, today: date,
              config: Mapping[str, Any], *, details: str, targets: list[str]) -> None:
    """File the request ten days ago and grant it through the real staff step (letters included)."""
    from portal.requests import answering

    if not _missing(session, ref):
        return
    received = today - timedelta(days=10)
    req = PrivacyRequest(ref=ref, tenant_id=tenant.id, kind=kind, status="in_progress", details=details,
                         received_on=received, clock_start=received, due_on=due_date(received),
                         assigned_to_id=actor.user_id, target_records=targets,
                         created_at=datetime.combine(received, time(9, 0)))
    session.add(req)
    session.flush()
    session.add(RequestEvent(request_id=req.id, at=datetime.combine(received, time(9, 0)), actor_role="tenant",
                             action="submit", from_status=None, to_status="received"))
    answering.act(session, req, actor, "grant", message=None, today=today, config=config, targets=targets)


def _past_their_time(session: Session, tenants: Mapping[str, Tenant], today: date) -> None:
    """A few records beyond their retention period (catalogue/retention.py)."""
    if not _missing(session, "DPR-DEMO-0023"):
        return
    karim = tenants["karim"]
    long_ago = add_months(today, -74)
    session.add(PrivacyRequest(
        ref="DPR-DEMO-0023", tenant_id=karim.id, kind="access", status="closed", details="",
        received_on=long_ago, clock_start=long_ago, due_on=due_date(long_ago), outcome="granted",
        answer="Votre demande a été traitée.", answered_at=datetime.combine(long_ago + timedelta(days=20), time(10)),
        closed_at=datetime.combine(long_ago + timedelta(days=30), time(10)),
        created_at=datetime.combine(long_ago, time(9))))
    user_id = session.scalar(select(User.id).where(User.tenant_id == tenants["camille"].id))
    for months in (14, 15, 18):
        session.add(LoginEvent(user_id=user_id, at=datetime.combine(add_months(today, -months), time(20, 15)),
                               success=True, ip_address="192.0.2.14"))
    session.add(DocumentCache(tenant_id=karim.id, kind="pdf_copy", language="fr", fingerprint="demo-stale-copy",
                              content=None, status="failed", error="demo: a copy left from long ago",
                              created_at=datetime.combine(today - timedelta(days=90), time(8))))
    session.flush()
