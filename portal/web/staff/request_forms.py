"""Forms of the back-office request pages: one action form (the page draws one <form>
per action, all posting `action`, `message`, `version`…), and the registration of a
request received by post or e-mail."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField

from portal import catalogue
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
REASON_LABELS: dict[str, Any] = catalogue.REFUSAL_REASON_LABELS


def reason_choices(kind: str | None = None) -> list[tuple[str, Any]]:
    """The reasons a request of this kind may be refused for (all of them without a kind).
    Same keys as the letters' explanations: a reason the letter could not explain is impossible."""
    keys = workflow.reasons_for(kind) if kind else workflow.REFUSAL_REASONS
    return [("", _l("Choose…"))] + [(k, f"{REASON_LABELS[k]} ({REASON_TEXTS[k][0]})") for k in keys]


class ActionForm(FlaskForm):
    action = HiddenField()
    version = HiddenField()
    message = TextAreaField(_l("Message to the tenant"))
    refusal_reason = SelectField(_l("Legal reason"), choices=[], validate_choice=False)
    assignee = SelectField(_l("Assign to"), choices=[], validate_choice=False)
    targets = MultiCheckboxField(_l("Data concerned"), choices=[], validate_choice=False)
    notice_id = HiddenField()
    restriction_id = HiddenField()
    # request_info: identity (the clock stops) or clarification (it runs on); record_info:
    # the day the tenant's answer arrived by post or at the desk.
    info_kind = HiddenField()
    received_on = StringField(_l("Date of receipt"))


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
    # A request made on the tenant's behalf (guardian, curator, UDAF, mandated person).
    representative_kind = SelectField(_l("Made on the tenant's behalf by"), choices=[], validate_choice=False)
    representative_name = StringField(_l("Name of the representative"))
    representative_address = StringField(_l("Postal address of the representative"))
    representative_email = StringField(_l("E-mail of the representative (optional)"))
    representative_proof = TextAreaField(_l("Proof received"))
    representative_copy_tenant = BooleanField(_l("The measure allows sending a copy to the tenant"), default=True)

    def setup(self, kinds: list[tuple[str, Any]]) -> "RegisterForm":
        self.kind.choices = kinds
        self.field.choices = field_choices()
        self.representative_kind.choices = [("", _l("Nobody: the tenant themselves"))] + list(
            catalogue.REPRESENTATIVE_KINDS.items())
        return self
