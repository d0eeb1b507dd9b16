"""Forms of the back-office request pages: one action form (the page draws one <form>
per action, all posting `action`, `message`, `version`…), and the registration of a
request received by post or e-mail."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField

from portal.requests import workflow
from portal.requests.letters import REFUSAL_REASONS as REASON_TEXTS
from portal.web.forms import MultiCheckboxField, field_choices

ACTION_BUTTONS: dict[str, Any] = {
    "assign": _l("Assign"),
    "request_info": _l("Ask the tenant for information"),
    "extend": _l("Extend the deadline"),
    "grant": _l("Grant"),
    "partly_grant": _l("Grant in part"),
    "refuse": _l("Refuse"),
    "close": _l("Close the request"),
}
REASON_LABELS: dict[str, Any] = {
    "manifestly_unfounded": _l("Manifestly unfounded"),
    "manifestly_excessive": _l("Manifestly excessive (e.g. repetitive)"),
    "identity_not_established": _l("Identity not established"),
    "rights_of_others": _l("Rights and freedoms of others"),
    "legal_obligation": _l("Legal retention obligation"),
    "legal_claims": _l("Needed for legal claims"),
    "compelling_grounds": _l("Compelling legitimate grounds"),
    "data_accurate": _l("Data checked and accurate"),
    "not_portable": _l("Data not covered by portability"),
    "no_right_to_object": _l("No right to object (the processing rests on a contract or the law)"),
}


def reason_choices() -> list[tuple[str, Any]]:
    # Same keys as the letters' explanations: a reason the letter could not explain is impossible.
    return [("", _l("Choose…"))] + [(k, f"{REASON_LABELS[k]} ({REASON_TEXTS[k][0]})")
                                     for k in workflow.REFUSAL_REASONS]


class ActionForm(FlaskForm):
    action = HiddenField()
    version = HiddenField()
    message = TextAreaField(_l("Message to the tenant"))
    refusal_reason = SelectField(_l("Legal reason"), choices=[], validate_choice=False)
    assignee = SelectField(_l("Assign to"), choices=[], validate_choice=False)
    targets = MultiCheckboxField(_l("Data concerned"), choices=[], validate_choice=False)
    notice_id = HiddenField()
    restriction_id = HiddenField()


class RegisterForm(FlaskForm):
    tenant_number = StringField(_l("Tenant number"))
    kind = RadioField(_l("Kind of request"), choices=[], validate_choice=False)
    channel = RadioField(_l("Received by"), choices=[("post", _l("Post")), ("email", _l("E-mail"))],
                         default="post", validate_choice=False)
    received_on = StringField(_l("Date of receipt"))
    field = SelectField(_l("Data to correct"), choices=[], validate_choice=False)
    proposed_value = StringField(_l("Correct value"))
    record = StringField(_l("Record number (for data held in several rows)"))
    details = TextAreaField(_l("What the tenant asks"))
    identity_verified = BooleanField(_l("I checked the identity of the person making the request"))
    identity_note = TextAreaField(_l("How the identity was checked"))

    def setup(self, kinds: list[tuple[str, Any]]) -> "RegisterForm":
        self.kind.choices = kinds
        self.field.choices = field_choices()
        return self
