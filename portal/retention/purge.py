"""Apply the catalogue's retention periods (catalogue/retention.py) to every category.

`run(session, today, dry_run=False)` returns, for each catalogue category key, how many
records were past their time; unless dry_run it deletes or anonymises them, drops cached
renderings older than DOCUMENT_CACHE_DAYS, lifts restrictions whose announced date has
come (Art. 18(3)) and keeps a PurgeRun record (with the audit checkpoint). It flushes;
the caller commits. Running it twice the same day finds nothing the second time.

What "past its time" means per category (the anchor of its rule):
- lease_end: the tenant's lease ended more than the period ago. Household, notes and
  correspondence rows are deleted; identity and contact are anonymised on the tenant row
  (the tenant number stays: accounting records still point to it); lease counts the
  leases of those tenants, anonymised with them.
- survey_year, record_date, closed_on, answered_at, at: the record's own date.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Callable

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from portal.catalogue import CATEGORIES
from portal.catalogue.retention import DOCUMENT_CACHE_DAYS, RULES
from portal.deadlines import add_months
from portal.models import (Correspondence, DocumentCache, FieldChange, HouseholdMember, Incident, Lease, Letter,
                           LoginEvent, Note, Objection, Payment, PaymentPlan, PrivacyRequest, PurgeRun,
                           RecipientNotice, RentCall, RequestEvent, ResourceDeclaration, Restriction, RightEffect,
                           Tenant, User)
from portal.notes import learning
from portal.retention import audit_part

Progress = Callable[[str], None]


def _cutoff(today: date, category: str) -> date:
    return add_months(today, -RULES[category].months)


def _at(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _count(session: Session, stmt: Any) -> int:
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _ended(today: date, category: str) -> Any:
    """Tenants of a lease that ended before the category's cutoff, not yet anonymised."""
    return (select(Tenant.id).join(Lease, Lease.id == Tenant.lease_id)
            .where(Lease.end_date.is_not(None), Lease.end_date < _cutoff(today, category),
                   Tenant.anonymised_on.is_(None)))


def _delete(session: Session, model: Any, *cond: Any) -> None:
    session.execute(delete(model).where(*cond).execution_options(synchronize_session=False))


def _rows_of_ended(session: Session, today: date, dry_run: bool, category: str, model: Any) -> int:
    cond = model.tenant_id.in_(_ended(today, category))
    n = _count(session, select(model.id).where(cond))
    if n and not dry_run:
        _delete(session, model, cond)
    return n


def _tenant_side(session: Session, today: date, dry_run: bool) -> dict[str, int]:
    """identity, contact, lease: the tenant row and its lease, anonymised together."""
    ended = _ended(today, "identity")
    counts = {
        "identity": _count(session, ended),
        "contact": _count(session, select(Tenant.id).where(Tenant.id.in_(_ended(today, "contact")), or_(
            Tenant.email.is_not(None), Tenant.phone.is_not(None), Tenant.mobile_phone.is_not(None),
            Tenant.postal_address.is_not(None)))),
        "lease": _count(session, select(Tenant.lease_id).where(Tenant.id.in_(_ended(today, "lease")))),
    }
    if counts["identity"] and not dry_run:
        session.execute(update(Tenant).where(Tenant.id.in_(ended)).values(
            civility=None, first_name="", last_name="—", birth_date=None, email=None, phone=None,
            mobile_phone=None, postal_address=None, anonymised_on=today).execution_options(synchronize_session=False))
    return counts


def _resources(session: Session, today: date, dry_run: bool) -> int:
    cond = ResourceDeclaration.survey_year < _cutoff(today, "resources").year  # 31 Dec of its year + period
    n = _count(session, select(ResourceDeclaration.id).where(cond))
    if n and not dry_run:
        _delete(session, ResourceDeclaration, cond)
    return n


def _payments(session: Session, today: date, dry_run: bool) -> int:
    cutoff = _cutoff(today, "payments")
    dates = RULES["payments"].dates or {}
    n = 0
    for model, section in ((RentCall, "rent_calls"), (Payment, "payments"), (PaymentPlan, "plans")):
        cond = getattr(model, dates[section]) < cutoff
        k = _count(session, select(model.id).where(cond))
        if k and not dry_run:
            _delete(session, model, cond)
        n += k
    return n


def _incidents(session: Session, today: date, dry_run: bool) -> int:
    cond = (Incident.closed_on.is_not(None), Incident.closed_on < _cutoff(today, "incidents"))
    n = _count(session, select(Incident.id).where(*cond))
    if n and not dry_run:
        _delete(session, Incident, *cond)
    return n


def _account(session: Session, today: date, dry_run: bool) -> int:
    """Login history older than the period, and the accounts of tenants gone that long."""
    old_logins = LoginEvent.at < _at(_cutoff(today, "account"))
    gone = (User.tenant_id.in_(_ended(today, "account")), or_(User.is_enabled.is_(True), User.password_hash.is_not(None)))
    n = _count(session, select(LoginEvent.id).where(old_logins)) + _count(session, select(User.id).where(*gone))
    if n and not dry_run:
        _delete(session, LoginEvent, old_logins)
        session.execute(update(User).where(*gone).values(
            is_enabled=False, password_hash=None, totp_secret=None, recovery_codes=None, display_name="—")
            .execution_options(synchronize_session=False))
    return n


def _requests(session: Session, today: date, dry_run: bool) -> int:
    """Requests answered more than the period ago, with their history, letters and notices."""
    old = select(PrivacyRequest.id).where(PrivacyRequest.answered_at.is_not(None),
                                          PrivacyRequest.answered_at < _at(_cutoff(today, "requests")))
    n = _count(session, old)
    if n and not dry_run:
        for model in (RequestEvent, Letter, RecipientNotice, RightEffect, FieldChange):
            _delete(session, model, model.request_id.in_(old))
        for model in (Restriction, Objection):  # the restriction or objection itself stays in force
            session.execute(update(model).where(model.request_id.in_(old)).values(request_id=None)
                            .execution_options(synchronize_session=False))
        _delete(session, PrivacyRequest, PrivacyRequest.id.in_(old))
    return n


def _documents(session: Session, today: date, dry_run: bool) -> int:
    cond = DocumentCache.created_at < _at(today - timedelta(days=DOCUMENT_CACHE_DAYS))
    n = _count(session, select(DocumentCache.id).where(cond))
    if n and not dry_run:
        _delete(session, DocumentCache, cond)
    return n


def run(session: Session, today: date, dry_run: bool = False, progress: Progress | None = None,
        audit_key: bytes | None = None) -> dict[str, int]:
    """Apply every retention period; {category key: records past their time}. See the module doc."""
    say = progress or (lambda _msg: None)
    counts: dict[str, int] = {}
    # Rows hanging off the tenant first: anonymising the tenant would hide them from _ended.
    for cat, model in (("household", HouseholdMember), ("notes", Note), ("correspondence", Correspondence)):
        counts[cat] = _rows_of_ended(session, today, dry_run, cat, model)
        say(f"{cat}: {counts[cat]}")
    for cat, step in (("resources", _resources), ("payments", _payments), ("incidents", _incidents),
                      ("account", _account), ("requests", _requests)):
        counts[cat] = step(session, today, dry_run)
        say(f"{cat}: {counts[cat]}")
    for cat, n in _tenant_side(session, today, dry_run).items():
        counts[cat] = n
        say(f"{cat}: {n}")
    audit_cutoff = _at(_cutoff(today, "access_log"))
    counts["access_log"] = audit_part.past_time(session, audit_cutoff)
    say(f"access_log: {counts['access_log']}")
    documents = _documents(session, today, dry_run)
    say(f"cached documents: {documents}")
    if not dry_run:
        from portal.requests.rights import apply_due_lifts

        lifted = apply_due_lifts(session, today)
        removed = audit_part.purge(session, audit_cutoff, audit_key) if counts["access_log"] else 0
        # The guard's learning examples are copies of notes: the notes' period applies.
        examples = learning.purge_older_than(session, _at(_cutoff(today, "notes")))
        note = (f"cached documents removed: {documents}; restrictions lifted: {lifted}; audit entries removed "
                f"through the chain (a signed checkpoint kept): {removed}; guard learning examples: {examples}")
        session.add(PurgeRun(run_on=today, counts=dict(counts), note=note, checkpoint=None))
        say(note)
    session.flush()
    return {c.key: counts.get(c.key, 0) for c in CATEGORIES}
