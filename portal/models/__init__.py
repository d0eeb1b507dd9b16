"""All models, imported here so that metadata is complete wherever one is used."""

from portal.models.accounts import (  # noqa: F401
    ROLES,
    STAFF_ROLES,
    BuildingAssignment,
    LoginEvent,
    OneTimeToken,
    PortfolioAssignment,
    User,
)
from portal.models.audit import AuditCheckpoint, AuditEntry, AuditHead, DocumentCache  # noqa: F401
from portal.models.guard import GuardExample  # noqa: F401
from portal.models.housing import Building, Dwelling, Lease, Portfolio  # noqa: F401
from portal.models.money import Payment, PaymentPlan, RentCall, ResourceDeclaration  # noqa: F401
from portal.models.people import HouseholdMember, Tenant  # noqa: F401
from portal.models.records import Correspondence, Incident, Note, WithheldPassage  # noqa: F401
from portal.models.requests import (  # noqa: F401
    OUTCOMES,
    REQUEST_KINDS,
    REQUEST_STATUSES,
    FieldChange,
    Letter,
    PrivacyRequest,
    RecipientNotice,
    RequestEvent,
    Restriction,
)
from portal.models.rights import Objection, PurgeRun, RightEffect  # noqa: F401
