"""`portal purge [--dry-run] [--json]` applies the catalogue's retention periods: a
built file holds records past their time, a dry run changes nothing, a run removes them and
keeps a record, a second run finds nothing, and the Art. 15 texts say the same periods."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from portal import catalogue
from portal.deadlines import add_months
from portal.models import (Building, Correspondence, Dwelling, HouseholdMember, Lease, LoginEvent, Note,
                           PrivacyRequest, PurgeRun, ResourceDeclaration, Tenant)
from portal.retention import purge
from portal.formatting import landlord_today
from tests import builders


def _purge_json(runner, *flags: str) -> dict:
    result = runner.invoke(args=["purge", *flags, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _former_tenant(session, number: str, lease_end: date) -> Tenant:
    """A tenant whose lease ended on `lease_end`, with a household, a note and a letter."""
    building = session.scalar(select(Building).limit(1))
    dwelling = Dwelling(building_id=building.id, ref=f"LOG-{number}", door="9", kind="T2")
    session.add(dwelling)
    session.flush()
    lease = Lease(ref=f"BAIL-{number}", dwelling_id=dwelling.id, start_date=date(2010, 1, 1), end_date=lease_end,
                  rent_cents=50000, charges_cents=10000, deposit_cents=50000)
    session.add(lease)
    session.flush()
    tenant = Tenant(tenant_number=number, first_name="Ancien", last_name="Locataire", email=f"{number}@example.org",
                    phone="01 40 00 00 00", birth_date=date(1960, 1, 1), lease_id=lease.id)
    session.add(tenant)
    session.flush()
    session.add_all([HouseholdMember(tenant_id=tenant.id, first_name="Léa", last_name="Locataire", relation="daughter"),
                     Note(tenant_id=tenant.id, body="Remise des clés faite."),
                     Correspondence(tenant_id=tenant.id, sent_on=lease_end, direction="out", channel="letter",
                                    subject="Solde de tout compte")])
    session.commit()
    return tenant


def _past_their_time(session) -> int:
    """A tenant whose file holds a request answered 74 months ago (DPR-TEST-OLD; five
    years is the period), one answered last month (DPR-TEST-RECENT), and three logins
    of more than a year ago (the account's period). Returns the account's id."""
    today = landlord_today()
    tenant, account = builders.tenant_with_account(session)
    for ref, answered in (("DPR-TEST-OLD", add_months(today, -74)), ("DPR-TEST-RECENT", today - timedelta(days=30))):
        builders.request(session, tenant, status="closed", ref=ref, received_on=answered - timedelta(days=20),
                         outcome="granted", answered_at=datetime.combine(answered, time(10)),
                         closed_at=datetime.combine(answered, time(11)))
    session.add_all([LoginEvent(user_id=account.id, at=datetime.combine(add_months(today, -months), time(20, 15)),
                                success=True, ip_address="192.0.2.14") for months in (14, 15, 18)])
    session.commit()
    return account.id


def _refs(session) -> set[str]:
    session.expire_all()
    return set(session.scalars(select(PrivacyRequest.ref).where(
        PrivacyRequest.ref.in_(("DPR-TEST-OLD", "DPR-TEST-RECENT")))))


def test_dry_run_counts_the_records_past_their_time_and_changes_nothing(runner, session):
    account_id = _past_their_time(session)
    counts = _purge_json(runner, "--dry-run")
    assert list(counts) == [c.key for c in catalogue.CATEGORIES]
    assert all(isinstance(n, int) for n in counts.values())
    assert counts["resources"] >= 1 and counts["account"] >= 3 and counts["requests"] >= 1
    assert _purge_json(runner, "--dry-run") == counts
    assert session.scalar(select(func.count()).select_from(PurgeRun)) == 0
    assert _refs(session) == {"DPR-TEST-OLD", "DPR-TEST-RECENT"}
    assert session.scalar(select(func.count()).select_from(LoginEvent).where(LoginEvent.user_id == account_id)) == 3


def test_purge_removes_what_is_past_its_time_once_and_keeps_a_record(runner, session):
    account_id = _past_their_time(session)
    counts = _purge_json(runner)
    assert counts["requests"] >= 1 and counts["account"] >= 3
    assert _refs(session) == {"DPR-TEST-RECENT"}
    assert session.scalar(select(func.count()).select_from(LoginEvent).where(LoginEvent.user_id == account_id)) == 0
    year_ago = datetime.combine(add_months(landlord_today(), -12), time.min)
    assert session.scalar(select(func.count()).select_from(LoginEvent).where(LoginEvent.at < year_ago)) == 0
    run = session.scalar(select(PurgeRun).order_by(PurgeRun.id.desc()))
    assert run.counts["requests"] == counts["requests"] and "audit entries" in run.note
    again = _purge_json(runner)
    assert {k: v for k, v in again.items() if k != "access_log"} == {k: 0 for k in again if k != "access_log"}


def test_the_text_output_shows_progress_and_a_total(runner):
    result = runner.invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0
    assert "Dry run: nothing is changed." in result.output and "resources" in result.output
    assert "record(s) past their time (dry run: none removed)." in result.output


def test_a_tenant_gone_more_than_three_years_is_anonymised_and_a_recent_one_kept(session):
    today = date(2026, 12, 5)
    old = _former_tenant(session, "LOC-OLD", date(2023, 11, 30))
    recent = _former_tenant(session, "LOC-NEW", date(2024, 1, 10))
    counts = purge.run(session, today)
    session.commit()
    assert counts["identity"] == 1 and counts["household"] == 1 and counts["notes"] == 2
    session.expire_all()
    gone = session.get(Tenant, old.id)
    assert (gone.first_name, gone.email, gone.birth_date, gone.anonymised_on) == ("", None, None, today)
    assert session.scalar(select(HouseholdMember.id).where(HouseholdMember.tenant_id == old.id)) is None
    assert session.scalar(select(Correspondence.id).where(Correspondence.tenant_id == old.id)) is None
    kept = session.get(Tenant, recent.id)
    assert kept.email == "LOC-NEW@example.org"
    assert session.scalar(select(HouseholdMember.id).where(HouseholdMember.tenant_id == recent.id)) is not None
    # Notes last as long as the lease: the recent tenant's note is past its time too.
    assert session.scalar(select(Note.id).where(Note.tenant_id == recent.id)) is None
    assert purge.run(session, today)["identity"] == 0


def test_the_art15_retention_text_and_the_purge_use_the_same_period(session):
    assert "5 ans" in catalogue.art15("requests", "fr").retention
    assert "5 years" in catalogue.art15("requests", "en").retention
    survey = catalogue.art15("resources", "en").retention
    assert "3 years after the end of its year" in survey
    tenant = builders.tenant(session)
    session.add_all([ResourceDeclaration(tenant_id=tenant.id, survey_year=2022, household_size=1),
                     ResourceDeclaration(tenant_id=tenant.id, survey_year=2023, household_size=1)])
    session.commit()
    purge.run(session, date(2026, 6, 1))  # 2022 ended more than 3 years ago, 2023 not yet
    years = set(session.scalars(select(ResourceDeclaration.survey_year).where(
        ResourceDeclaration.tenant_id == tenant.id)))
    assert 2022 not in years and 2023 in years
