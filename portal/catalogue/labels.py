"""What stored codes read as (civility, incident status, request status, audit action …):
the choices of the catalogue's fields and the words the pages and letters use."""

from __future__ import annotations

from portal.i18n import lazy_gettext as _l

from portal import request_kinds
from portal.catalogue import processings as _processings

CIVILITIES = {"M.": _l("Mr"), "Mme": _l("Mrs")}
RELATIONS = {
    "spouse": _l("Spouse or partner"), "son": _l("Son"), "daughter": _l("Daughter"),
    "parent": _l("Parent"), "other": _l("Other"),
}
LANGS = {"fr": _l("French"), "en": _l("English")}
INCIDENT_KINDS = {"technical": _l("Technical"), "neighbourhood": _l("Neighbourhood")}
INCIDENT_STATUSES = {"open": _l("Open"), "in_progress": _l("In progress"), "closed": _l("Closed")}
DIRECTIONS = {"in": _l("Received from you"), "out": _l("Sent to you")}
CHANNELS = {"letter": _l("Letter"), "email": _l("E-mail"), "portal": _l("Portal"), "post": _l("Post")}
PLAN_STATUSES = {"active": _l("Active"), "completed": _l("Completed"), "broken": _l("Broken off")}
# The data protection officer's check of a note or incident the sensitive-data guard flagged
# (Art. 9-10 GDPR, CNIL guidance on free-text fields), in plain words: tenants read them.
NOTE_REVIEW_STATUSES = {
    "none": _l("No check needed"),
    "pending": _l("This note is being checked by our data protection officer"),
    "kept": _l("Checked by our data protection officer: kept as written"),
    "redacted": _l("Checked by our data protection officer: the sensitive words were removed"),
    "dismissed": _l("Checked by our data protection officer: nothing sensitive, kept as written"),
}
INCIDENT_REVIEW_STATUSES = {
    "none": _l("No check needed"),
    "pending": _l("This report is being checked by our data protection officer"),
    "kept": _l("Report checked by our data protection officer: kept as written"),
    "redacted": _l("Report checked by our data protection officer: the sensitive words were removed"),
    "dismissed": _l("Report checked by our data protection officer: nothing sensitive, kept as written"),
}
REVIEW_STATUSES = NOTE_REVIEW_STATUSES  # the keys are the same for both
METHODS = {"transfer": _l("Bank transfer"), "direct_debit": _l("Direct debit"),
           "cheque": _l("Cheque"), "cash": _l("Cash"), "caf": _l("CAF (housing benefit)")}
# The kinds are defined once, in portal/request_kinds.py.
REQUEST_KIND_LABELS = {k.key: k.label for k in request_kinds.KINDS}
REQUEST_STATUS_LABELS = {
    "received": _l("Received"), "in_progress": _l("In progress"),
    "waiting_info": _l("Waiting for information from you"), "answered": _l("Answered"),
    "closed": _l("Closed"), "withdrawn": _l("Withdrawn"),
}
ROLE_LABELS = {"tenant": _l("You (the tenant)"), "caretaker": _l("Caretaker"),
               "manager": _l("Rental manager"), "dpo": _l("Data-protection officer"),
               "admin": _l("IT administrator"), "system": _l("The portal (automatic)")}
AUDIT_ACTIONS = {"read": _l("Consultation"), "change": _l("Change"), "search": _l("Search"),
                 "denied": _l("Attempt refused (outside the staff member's remit)")}
#: Who may make a request on a tenant's behalf (Civil Code art. 440 ff., art. 1984).
REPRESENTATIVE_KINDS = {"guardian": _l("Guardian (tutelle)"), "curator": _l("Curator (curatelle)"),
                        "udaf": _l("UDAF (family association acting as guardian or curator)"),
                        "mandate": _l("Person holding a written mandate")}
#: Grounds that allow keeping flagged wording: Art. 9(2)(a)-(j) for special categories,
#: Art. 10 with art. 46 of the Loi Informatique et Libertés for offences.
LEGAL_GROUNDS = {
    "9_2_a": _l("Art. 9(2)(a): explicit consent of the tenant"),
    "9_2_b": _l("Art. 9(2)(b): obligations in employment and social protection law"),
    "9_2_c": _l("Art. 9(2)(c): vital interests of a person unable to consent"),
    "9_2_d": _l("Art. 9(2)(d): activities of a not-for-profit body with its members"),
    "9_2_e": _l("Art. 9(2)(e): data the tenant made manifestly public"),
    "9_2_f": _l("Art. 9(2)(f): establishing, exercising or defending legal claims"),
    "9_2_g": _l("Art. 9(2)(g): substantial public interest under French law"),
    "9_2_h": _l("Art. 9(2)(h): health or social care under French law"),
    "9_2_i": _l("Art. 9(2)(i): public interest in public health"),
    "9_2_j": _l("Art. 9(2)(j): archiving, research or statistics"),
    "10_lil_46": _l("Art. 10 and art. 46 Loi Informatique et Libertés: preparing, exercising or "
                    "following a legal action as a victim or defendant"),
}
# The processings a tenant may object to, by key (catalogue/processings.py).
PROCESSING_LABELS = {p.key: p.title for p in _processings.PROCESSINGS}
OUTCOME_LABELS = {"granted": _l("Granted"), "partly_granted": _l("Partly granted"),
                  "refused": _l("Refused")}
# The steps of a request's history, as people read them (the tenant's file, the request pages).
REQUEST_STEP_LABELS = {
    "submit": _l("Request filed on the portal"),
    "register": _l("Request registered by our staff"),
    "assign": _l("Handled by a member of staff"),
    "request_info": _l("Information asked for"),
    "provide_info": _l("Information sent"),
    "record_info": _l("Information received by post or at the desk"),
    "extend": _l("Time to answer extended"),
    "grant": _l("Granted"),
    "granted": _l("Granted"),
    "partly_grant": _l("Partly granted"),
    "partly_granted": _l("Partly granted"),
    "refuse": _l("Refused"),
    "refused": _l("Refused"),
    "close": _l("Closed"),
    "withdraw": _l("Withdrawn"),
    "undo_withdraw": _l("Withdrawal undone: the request is open again"),
    "recipient_told": _l("Recipient told of the change (Art. 19)"),
    "lift_restriction": _l("Restriction lifted"),
}
#: The letters a request's answer produces (portal.requests.letters.LETTER_KINDS).
LETTER_KIND_LABELS = {
    "granted": _l("Granted"), "partly_granted": _l("Partly granted"), "refused": _l("Refused"),
    "extension": _l("Time to answer extended"), "info_request": _l("Information asked for"),
}
#: Why a request was refused, in short (the letters explain each at length: requests/letters.py).
REFUSAL_REASON_LABELS = {
    "manifestly_unfounded": _l("Manifestly unfounded"),
    "manifestly_excessive": _l("Manifestly excessive (e.g. repetitive)"),
    "identity_not_established": _l("Identity not established"),
    "rights_of_others": _l("Rights and freedoms of others"),
    "legal_obligation": _l("Legal retention obligation"),
    "legal_claims": _l("Needed for legal claims"),
    "compelling_grounds": _l("Compelling legitimate grounds"),
    "objection_not_applicable": _l("Art. 21 does not apply to this legal basis"),
    "restriction_not_applicable": _l("None of the cases of Art. 18(1) applies"),
    "data_accurate": _l("Data checked and accurate"),
    "not_portable": _l("Data not covered by portability"),
}
