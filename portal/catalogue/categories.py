"""THE table of categories: every category of personal data the landlord holds about a
tenant, its sections and fields, and which staff roles read which fields; plus the
tables that hold no tenant data, with the reason (the coverage test reads both)."""

from __future__ import annotations

from typing import Any

from portal.i18n import lazy_gettext as _l

from portal import models as m
from portal.catalogue.entries import ALL, FULL_STAFF, Category, Field, Section
from portal.catalogue.labels import (
    AUDIT_ACTIONS, CHANNELS, CIVILITIES, DIRECTIONS, INCIDENT_KINDS, INCIDENT_STATUSES, LANGS, METHODS,
    OUTCOME_LABELS, PLAN_STATUSES, RELATIONS, REPRESENTATIVE_KINDS, REQUEST_KIND_LABELS, REQUEST_STATUS_LABELS,
    NOTE_REVIEW_STATUSES, INCIDENT_REVIEW_STATUSES, ROLE_LABELS, REQUEST_STEP_LABELS, LETTER_KIND_LABELS,
    REFUSAL_REASON_LABELS, LEGAL_GROUNDS, PROCESSING_LABELS,
)


def _review_fields(statuses: dict[str, Any]) -> tuple[Field, ...]:
    """The fields of the data protection officer's check of a flagged note or incident,
    labelled in plain words; the file shows only those that hold a value."""
    return (
        Field("justification", _l("Why the flagged words were kept"), "longtext"),
        Field("legal_ground", _l("Legal ground for keeping it"), "choice", choices=LEGAL_GROUNDS),
        Field("review_status", _l("Data protection check"), "choice", choices=statuses),
        Field("reviewed_at", _l("Checked on"), "datetime"),
        Field("review_reason", _l("Decision and reason"), "longtext"),
    )


def _technical_incidents() -> Any:
    return m.Incident.kind == "technical"


# Category key -> title, filled below once the table exists: an audit entry names the
# categories it read by key ("identity,contact"); the tenant reads their titles.
CATEGORY_TITLES: dict[str, Any] = {}
# "category.field" -> the field's label, for the field a rectification request names.
RECTIFIABLE_LABELS: dict[str, Any] = {}

CATEGORIES: tuple[Category, ...] = (
    Category(
        "identity", _l("Identity"),
        (Section("identity", _l("Identity"), m.Tenant, "self", (
            Field("civility", _l("Civility"), "choice", choices=CIVILITIES, rectifiable=True),
            Field("first_name", _l("First name"), rectifiable=True, required=True, max_length=100),
            Field("last_name", _l("Last name"), rectifiable=True, required=True, max_length=100),
            Field("birth_date", _l("Date of birth"), "date", rectifiable=True),
            Field("tenant_number", _l("Tenant number")),
        ), single=True, technical=("id", "lease_id", "created_at", "updated_at", "anonymised_on")),),
        readers={**FULL_STAFF, "caretaker": ("civility", "first_name", "last_name")},
    ),
    Category(
        "contact", _l("Contact details"),
        (Section("contact", _l("Contact details"), m.Tenant, "self", (
            Field("email", _l("E-mail address"), "email", rectifiable=True, max_length=254),
            Field("phone", _l("Phone"), "phone", rectifiable=True),
            Field("mobile_phone", _l("Mobile phone"), "phone", rectifiable=True),
            Field("postal_address", _l("Postal address"), rectifiable=True, max_length=300),
            Field("preferred_language", _l("Preferred language"), "language", choices=LANGS,
                  rectifiable=True),
        ), single=True, technical=("id", "lease_id", "created_at", "updated_at", "anonymised_on")),),
        readers={**FULL_STAFF, "caretaker": ("phone", "mobile_phone")},
    ),
    Category(
        "household", _l("Household"),
        (Section("members", _l("People living in the home"), m.HouseholdMember, "tenant", (
            Field("first_name", _l("First name"), rectifiable=True, required=True, max_length=100),
            Field("last_name", _l("Last name"), rectifiable=True, required=True, max_length=100),
            Field("relation", _l("Relationship"), "choice", choices=RELATIONS, rectifiable=True),
            Field("birth_year", _l("Year of birth"), "int", rectifiable=True),
        ), technical=("id", "ext_id", "tenant_id")),),
        readers=FULL_STAFF,
    ),
    Category(
        "lease", _l("Lease and home"),
        (Section("lease", _l("Lease and home"), m.Lease, "lease_self", (
            Field("ref", _l("Lease reference")),
            Field("start_date", _l("Start date"), "date"),
            Field("end_date", _l("End date"), "date"),
            Field("rent", _l("Monthly rent"), "money", column="rent_cents"),
            Field("charges", _l("Monthly charges"), "money", column="charges_cents"),
            Field("deposit", _l("Security deposit"), "money", column="deposit_cents"),
            Field("dwelling_ref", _l("Dwelling reference"), column="dwelling.ref"),
            Field("building", _l("Building"), column="dwelling.building.name"),
            Field("address", _l("Address"), column="dwelling.building.address"),
            Field("postcode", _l("Postcode"), column="dwelling.building.postcode"),
            Field("city", _l("City"), column="dwelling.building.city"),
            Field("staircase", _l("Staircase"), column="dwelling.staircase"),
            Field("floor", _l("Floor"), "int", column="dwelling.floor"),
            Field("door", _l("Door"), column="dwelling.door"),
            Field("dwelling_type", _l("Type of dwelling"), column="dwelling.kind"),
            Field("surface", _l("Surface area (m²)"), "float", column="dwelling.surface_m2"),
        ), single=True, technical=("id", "dwelling_id"),
            covers={"dwellings": ("id", "building_id", "ref", "staircase", "floor", "door", "kind", "surface_m2"),
                    "buildings": ("id", "ref", "portfolio_id", "name", "address", "postcode", "city")}),),
        readers={**FULL_STAFF, "caretaker": ("dwelling_ref", "building", "address", "postcode", "city",
                                             "staircase", "floor", "door", "dwelling_type")},
    ),
    Category(
        "resources", _l("Resources and housing benefit"),
        (Section("declarations", _l("Declared resources and surveys"), m.ResourceDeclaration, "tenant", (
            Field("survey_year", _l("Survey year"), "int"),
            Field("declared_income", _l("Declared yearly income"), "money", column="declared_income_cents", rectifiable=True),
            Field("tax_notice_year", _l("Tax notice year"), "int", rectifiable=True),
            Field("household_size", _l("Household size"), "int", rectifiable=True),
            Field("sls_answer", _l("Income-ceiling survey (SLS) answer"), "longtext"),
            Field("housing_benefit_number", _l("Housing-benefit (CAF) number"), rectifiable=True),
            Field("housing_benefit", _l("Monthly housing benefit"), "money", column="housing_benefit_cents"),
        ), order_by=("survey_year",), descending=True, technical=("id", "ext_id", "tenant_id")),),
        readers=FULL_STAFF,
    ),
    Category(
        "payments", _l("Rent and payments"),
        (
            Section("rent_calls", _l("Rent calls"), m.RentCall, "lease", (
                Field("period", _l("Month"), "date"),
                Field("rent", _l("Rent"), "money", column="rent_cents"),
                Field("charges", _l("Charges"), "money", column="charges_cents"),
                Field("issued_on", _l("Issued on"), "date"),
            ), order_by=("period", "id"), descending=True, technical=("id", "ext_id", "lease_id")),
            Section("payments", _l("Payments received"), m.Payment, "lease", (
                Field("paid_on", _l("Date"), "date"),
                Field("amount", _l("Amount"), "money", column="amount_cents"),
                Field("method", _l("Method"), "choice", choices=METHODS),
                Field("reference", _l("Reference")),
            ), order_by=("paid_on", "id"), descending=True, technical=("id", "ext_id", "lease_id")),
            Section("plans", _l("Payment plans"), m.PaymentPlan, "lease", (
                Field("agreed_on", _l("Agreed on"), "date"),
                Field("monthly", _l("Monthly instalment"), "money", column="monthly_cents"),
                Field("months", _l("Number of months"), "int"),
                Field("status", _l("Status"), "choice", choices=PLAN_STATUSES),
            ), order_by=("agreed_on",), descending=True, technical=("id", "ext_id", "lease_id")),
        ),
        readers=FULL_STAFF,
    ),
    Category(
        "incidents", _l("Incidents and repairs"),
        (Section("incidents", _l("Incidents"), m.Incident, "tenant", (
            Field("reported_on", _l("Reported on"), "date"),
            Field("kind", _l("Kind"), "choice", choices=INCIDENT_KINDS),
            Field("title", _l("Subject")),
            Field("description", _l("Description"), "longtext"),
            Field("status", _l("Status"), "choice", choices=INCIDENT_STATUSES),
            Field("closed_on", _l("Closed on"), "date"),
            *_review_fields(INCIDENT_REVIEW_STATUSES),
        ), order_by=("reported_on", "id"), descending=True,
            technical=("id", "ext_id", "building_id", "dwelling_id", "tenant_id", "created_by_id", "findings",
                       "reviewed_by_id"),
            row_filters={"caretaker": _technical_incidents}),),
        readers={**FULL_STAFF, "caretaker": ("reported_on", "kind", "title", "description", "status", "closed_on")},
        staff_reminder=True,
    ),
    Category(
        "notes", _l("Notes written by our staff"),
        (Section("notes", _l("Notes"), m.Note, "tenant", (
            Field("created_at", _l("Written on"), "datetime"),
            Field("author_name", _l("Written by")),
            Field("body", _l("Note"), "longtext"),
            *_review_fields(NOTE_REVIEW_STATUSES),
        ), order_by=("created_at", "id"), descending=True,
            technical=("id", "ext_id", "tenant_id", "author_id", "reviewed_by_id", "findings")),),
        readers=FULL_STAFF,
        staff_reminder=True,
    ),
    Category(
        "correspondence", _l("Correspondence"),
        (Section("correspondence", _l("Letters and e-mails"), m.Correspondence, "tenant", (
            Field("sent_on", _l("Date"), "date"),
            Field("direction", _l("Direction"), "choice", choices=DIRECTIONS),
            Field("channel", _l("Channel"), "choice", choices=CHANNELS),
            Field("subject", _l("Subject")),
            Field("body", _l("Content"), "longtext"),
        ), order_by=("sent_on", "id"), descending=True, technical=("id", "ext_id", "tenant_id")),),
        readers=FULL_STAFF,
    ),
    Category(
        "account", _l("Portal account"),
        (
            Section("account", _l("Account"), m.User, "account", (
                Field("email", _l("Login e-mail"), "email"),
                Field("language", _l("Language"), "language", choices=LANGS),
                Field("email_confirmed", _l("E-mail confirmed"), "bool"),
                Field("created_at", _l("Created on"), "datetime"),
                Field("last_login_at", _l("Last login"), "datetime"),
            ), single=True,
                technical=("id", "password_hash", "role", "tenant_id", "display_name", "is_enabled",
                           "session_version", "totp_sealed", "totp_last_counter", "recovery_codes",
                           "failed_logins", "locked_until", "awaiting_approval", "approved_by_id",
                           "approved_at")),
            Section("logins", _l("Logins"), m.LoginEvent, "user", (
                Field("at", _l("Date and time"), "datetime"),
                Field("success", _l("Successful"), "bool"),
                Field("ip_address", _l("IP address")),
            ), order_by=("at", "id"), descending=True, technical=("id", "user_id")),
        ),
        readers={"dpo": ALL},
    ),
    Category(
        "requests", _l("My privacy requests"),
        (
            Section("requests", _l("Requests"), m.PrivacyRequest, "tenant", (
                Field("ref", _l("Reference")),
                Field("kind", _l("Kind"), "choice", choices=REQUEST_KIND_LABELS),
                Field("status", _l("Status"), "choice", choices=REQUEST_STATUS_LABELS),
                Field("channel", _l("Received by"), "choice", choices=CHANNELS),
                Field("received_on", _l("Received on"), "date"),
                Field("due_on", _l("Answer due by"), "date"),
                Field("extended", _l("Deadline extended"), "bool"),
                Field("extension_reason", _l("Reason for the extension"), "longtext"),
                Field("details", _l("Details"), "longtext"),
                Field("field_key", _l("Data to correct"), choices=RECTIFIABLE_LABELS),
                Field("proposed_value", _l("Proposed value")),
                Field("target_records", _l("Records concerned"), choices=PROCESSING_LABELS),
                Field("outcome", _l("Outcome"), "choice", choices=OUTCOME_LABELS),
                Field("refusal_reason", _l("Legal reason for refusal"), choices=REFUSAL_REASON_LABELS),
                Field("answer", _l("Answer"), "longtext"),
                Field("identity_note", _l("Identity verification"), "longtext"),
                Field("representative_kind", _l("Made on your behalf by"), "choice", choices=REPRESENTATIVE_KINDS),
                Field("representative_name", _l("Representative")),
                Field("representative_address", _l("Representative's address")),
                Field("representative_email", _l("Representative's e-mail"), "email"),
                Field("representative_proof", _l("Proof of representation received"), "longtext"),
                Field("answered_at", _l("Answered on"), "datetime"),
                Field("closed_at", _l("Closed on"), "datetime"),
            ), order_by=("received_on", "id"), descending=True,
                technical=("id", "tenant_id", "clock_start", "assigned_to_id", "is_repeat",
                           "identity_verified", "registered_by_id", "created_at", "updated_at", "version",
                           "info_kind", "representative_copy_tenant")),
            Section("events", _l("History of the requests"), m.RequestEvent, "request", (
                Field("request_ref", _l("Request"), column="request.ref"),
                Field("at", _l("Date and time"), "datetime"),
                Field("actor_role", _l("By"), "choice", choices=ROLE_LABELS),
                Field("action", _l("Step"), choices=REQUEST_STEP_LABELS),
                Field("to_status", _l("New status"), "choice", choices=REQUEST_STATUS_LABELS),
                Field("message", _l("Message"), "longtext"),
            ), order_by=("at", "id"), technical=("id", "request_id", "actor_id", "from_status")),
            Section("letters", _l("Letters sent"), m.Letter, "request", (
                Field("issued_at", _l("Issued on"), "datetime"),
                Field("kind", _l("Letter"), choices=LETTER_KIND_LABELS),
                Field("language", _l("Language"), "language", choices=LANGS),
                Field("sha256", _l("SHA-256 fingerprint")),
                Field("content_removed_at", _l("Copy removed on (reference and fingerprint kept)"), "datetime"),
            ), order_by=("issued_at", "id"), technical=("id", "request_id", "issued_by_id", "pdf")),
            Section("recipients", _l("Recipients told of a change (Art. 19)"), m.RecipientNotice, "request", (
                Field("recipient", _l("Recipient")),
                Field("notified_at", _l("Told on"), "datetime"),
            ), technical=("id", "request_id", "notified_by_id")),
            Section("changes", _l("Corrections made to your file"), m.FieldChange, "tenant", (
                Field("changed_at", _l("Date and time"), "datetime"),
                Field("field_key", _l("Data")),
                Field("old_value", _l("Old value")),
                Field("new_value", _l("New value")),
            ), order_by=("changed_at", "id"), descending=True,
                technical=("id", "tenant_id", "record_id", "changed_by_id", "request_id")),
            Section("restrictions", _l("Restrictions of use (Art. 18)"), m.Restriction, "tenant", (
                Field("category_key", _l("Category")),
                Field("field_key", _l("Data")),
                Field("active", _l("In force"), "bool"),
                Field("created_at", _l("Since"), "datetime"),
                Field("lifted_at", _l("Lifted on"), "datetime"),
                Field("lift_on", _l("Lifting announced for"), "date"),
            ), technical=("id", "tenant_id", "request_id", "lift_notice_at")),
            # Art. 21: the processings that stopped for the tenant (catalogue/processings.py).
            Section("objections", _l("Objections in force (Art. 21)"), m.Objection, "tenant", (
                Field("processing_key", _l("Processing"), "choice", choices=PROCESSING_LABELS),
                Field("active", _l("In force"), "bool"),
                Field("created_at", _l("Since"), "datetime"),
            ), technical=("id", "tenant_id", "request_id")),
        ),
        readers=FULL_STAFF,
    ),
    Category(
        "access_log", _l("Who consulted my file"),
        (Section("entries", _l("Consultations and changes"), m.AuditEntry, "audit", (
            Field("at", _l("Date and time"), "datetime"),
            Field("actor_role", _l("By (role)"), "choice", choices=ROLE_LABELS),
            Field("action", _l("Action"), "choice", choices=AUDIT_ACTIONS),
            Field("categories", _l("Categories"), choices=CATEGORY_TITLES),
            Field("purpose", _l("Purpose")),
            Field("request_ref", _l("Request")),
        ), order_by=("at", "id"), descending=True,
            technical=("id", "actor_id", "tenant_id", "detail", "prev_hash", "hash")),),
        readers={"dpo": ALL},
    ),
)

BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}
CATEGORY_TITLES.update({c.key: c.title for c in CATEGORIES})
RECTIFIABLE_LABELS.update({f"{c.key}.{f.key}": f.label for c in CATEGORIES for s in c.sections for f in s.fields
                           if f.rectifiable})

# Tables that hold no data about a tenant, or only data already covered above; the
# coverage test accepts them only with a stated reason.
NOT_TENANT_DATA: dict[str, str] = {
    "portfolios": "groups of buildings; no personal data",
    "building_assignments": "which staff member looks after which building; staff data",
    "portfolio_assignments": "which manager handles which portfolio; staff data",
    "one_time_tokens": "hashed single-use secrets (activation, reset); deleted or expired after use",
    "document_cache": "rendered copies of data already covered by the catalogue",
    "guard_examples": "the DPO's review decisions kept as the guard's learning examples: copies of note and "
                      "incident texts shown under those categories, deleted with them and on their retention",
    "audit_head": "the id and hash of the audit chain's last entry; no personal data",
    "audit_checkpoint": "signed ids and hashes of the audit chain, written by each purge; no personal data",
    "alembic_version": "schema version",
    "withheld_passages": "where passages about other people sit in notes, incidents and letters "
                         "(Art. 15(4)); the tenant's copy shows a marker and the reason in their place",
    "right_effects": "what an answered request removed, kept or stopped (counts per category key), stated in its answer",
    "purge_runs": "counts of records removed by each retention purge and the audit checkpoint; no personal data",
}
