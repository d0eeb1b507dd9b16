"""THE request kinds: every right a tenant can exercise through the portal, defined once.

Each kind names its key (the `kind` form value and the stored `privacy_requests.kind`,
PRODUCT.md §8), the GDPR article it rests on, how it reads (label and a plain-words help
text), what the form needs besides `details`, and the exceptions its own article allows
a refusal to rest on. Everything else derives from this table: the workflow's
`KINDS`, `TARGETED_KINDS` and `REASONS_BY_KIND` (requests/workflow.py), the
catalogue's `REQUEST_KIND_LABELS`, the help texts of the request pages
(web/request_texts.py), the DPO's processable kinds (access.py) and the model's
`REQUEST_KINDS`. tests/requests/test_kinds.py checks that they do.

A leaf module (it imports only i18n), so that every floor may read it, models included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    """One kind of request (one right of Chapter III of the GDPR)."""

    key: str
    article: str  # the GDPR article of the right, e.g. "15"
    label: Any  # lazy string
    help: Any  # lazy string: what it means, in plain words (PRODUCT.md §4)
    # Form fields the kind needs besides `details`: "field" and "proposed_value" (what to
    # correct, and the correct value) or "targets" (categories or records it is about).
    needs: tuple[str, ...] = ()
    # Refusal reasons its own article provides, on top of those open to every kind
    # (Art. 12(2), 12(5): manifestly unfounded or excessive, identity not established).
    refusal_reasons: tuple[str, ...] = ()


KINDS: tuple[Kind, ...] = (
    Kind("access", "15", _l("Access to my data"),
         _l("Get a copy of everything we hold about you, why we hold it and who receives it (Art. 15)."),
         refusal_reasons=("rights_of_others",)),  # Art. 15(4)
    Kind("rectification", "16", _l("Correction of my data"),
         _l("Ask us to correct a piece of data that is wrong or incomplete (Art. 16)."),
         needs=("field", "proposed_value"), refusal_reasons=("data_accurate",)),
    Kind("erasure", "17", _l("Erasure of my data"),
         _l("Ask us to delete data we no longer need or should not hold (Art. 17). "
            "Some data must be kept by law: we will tell you which."),
         needs=("targets",), refusal_reasons=("legal_obligation", "legal_claims")),  # Art. 17(3)(b), (e)
    Kind("restriction", "18", _l("Restriction of use"),
         _l("Ask us to stop using some data while a question about it is settled (Art. 18)."),
         needs=("targets",), refusal_reasons=("restriction_not_applicable",)),  # Art. 18(1)
    Kind("portability", "20", _l("Portability (a copy to reuse)"),
         _l("Get the data you gave us in a file you can reuse elsewhere (Art. 20)."),
         refusal_reasons=("not_portable", "rights_of_others")),  # Art. 20(1), 20(4)
    Kind("objection", "21", _l("Objection"),
         _l("Object to a use of your data, for reasons relating to your situation (Art. 21)."),
         needs=("targets",),
         refusal_reasons=("objection_not_applicable", "compelling_grounds", "legal_claims")),  # Art. 21(1)
)

BY_KEY: dict[str, Kind] = {k.key: k for k in KINDS}
#: The kind keys, in the order the forms offer them.
KEYS: tuple[str, ...] = tuple(BY_KEY)
#: Kinds whose request may name categories or records (erasure: what to remove;
#: restriction: what to freeze; objection: what to stop using).
TARGETED: tuple[str, ...] = tuple(k.key for k in KINDS if "targets" in k.needs)
