"""The processings (uses) the landlord makes of tenant data, with their legal basis and
what stops when a tenant objects (GDPR Art. 21).

Kept apart from the categories: a category says what data is held, a processing says
what is done with it. Art. 21(1) gives a right to object only where the processing rests
on a public task (Art. 6(1)(e)) or a legitimate interest (Art. 6(1)(f)); a processing the
contract or the law requires cannot be objected to, and the refusal says so with the
basis. A granted objection is recorded (models.Objection) and the code that runs the
processing (portal/mailings) leaves the tenant out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.i18n import lazy_gettext as _l

#: Legal bases (Art. 6(1)) that allow an objection under Art. 21(1).
OBJECTABLE_BASES = ("public_task", "legitimate_interest")

BASIS_LABELS: dict[str, Any] = {
    "contract": _l("performance of the tenancy contract (GDPR Art. 6(1)(b))"),
    "legal_obligation": _l("a legal obligation (GDPR Art. 6(1)(c))"),
    "public_task": _l("a task carried out in the public interest (GDPR Art. 6(1)(e))"),
    "legitimate_interest": _l("our legitimate interest (GDPR Art. 6(1)(f))"),
}


@dataclass(frozen=True)
class Processing:
    key: str
    title: Any  # lazy string
    basis: str  # a BASIS_LABELS key
    categories: tuple[str, ...]  # catalogue categories it uses
    stops: Any = None  # what no longer happens once an objection is granted (lazy string)

    @property
    def objectable(self) -> bool:
        """Art. 21(1): only public task and legitimate interest may be objected to."""
        return self.basis in OBJECTABLE_BASES


PROCESSINGS: tuple[Processing, ...] = (
    Processing("satisfaction_survey", _l("Satisfaction surveys after repairs and on our service"),
               "legitimate_interest", ("identity", "contact", "incidents"),
               _l("We no longer send you satisfaction surveys.")),
    Processing("newsletter", _l("Non-essential mailings (residents' newsletter, neighbourhood events)"),
               "legitimate_interest", ("identity", "contact"),
               _l("We no longer send you our newsletter or other non-essential mailings.")),
    Processing("rent_collection", _l("Rent calls, collection and arrears"), "contract",
               ("identity", "lease", "payments")),
    Processing("occupancy_survey", _l("Occupancy and income-ceiling surveys (SLS, OPS)"), "legal_obligation",
               ("household", "resources")),
    Processing("access_logging", _l("Logging who consulted your file"), "legal_obligation", ("access_log",)),
)

BY_KEY: dict[str, Processing] = {p.key: p for p in PROCESSINGS}


def get(key: str) -> Processing:
    """The processing with this key (KeyError when unknown)."""
    return BY_KEY[key]


def objectable() -> list[Processing]:
    """The processings a tenant may object to (Art. 21(1))."""
    return [p for p in PROCESSINGS if p.objectable]
