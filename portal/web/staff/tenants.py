"""Staff search of tenant files (/staff/tenants?q=) and a tenant's file as the staff
member's role may read it (/staff/tenants/<id>). Thin: parse, decide access, call one
service, commit once (the audit entry goes with the page), render.

Outside the actor's scope a file does not exist: 404, and the attempt is logged. Every
view of a file is a "read" entry with the categories shown and the purpose: the
caretaker's and the manager's usual work goes without saying; the DPO, who reaches every
file, states a purpose first (kept in the session for that file)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length

from portal import access
from portal.db import db
from portal.web.forms import accepted, keeps_input
from portal.web.guards import requires
from portal.models import Tenant
from portal.audit import access_log
from portal.tenancy import search as tenant_search
from portal.file import dossier as dossier_service
from portal.requests import rights
from portal.web.staff import bp
from portal.web.context import current_actor, current_lang, page_arguments
from portal.web import params

PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 25
PURPOSES_KEY = "file_purposes"  # session: tenant id -> [purpose key or None, text]
PURPOSES_KEPT = 20


class PurposeForm(FlaskForm):
    purpose = RadioField(_l("Why are you opening this file?"), choices=[], validate_choice=True,
                         validators=[DataRequired(message=_l("Choose the purpose of this consultation."))])
    purpose_other = StringField(_l("Describe the purpose"), validators=[
        Length(max=access_log.OTHER_PURPOSE_MAX,
               message=_l("This text is too long: %(length)d characters, %(max)d at most."))])

    def validate_purpose_other(self, field: StringField) -> None:
        from wtforms.validators import ValidationError

        if self.purpose.data == "other" and not (field.data or "").strip():
            raise ValidationError(_("Describe the purpose of this consultation."))


def _purpose_form() -> PurposeForm:
    form = PurposeForm()
    form.purpose.choices = [(k, v) for k, v in access_log.PURPOSES.items()] + [("other", _l("Another purpose"))]
    return form


def _page_arg(name: str = "page") -> int:
    return params.page(name, limit=10_000)


@bp.route("/tenants")
@requires("search_tenants")
def tenants():
    actor = current_actor()
    query = tenant_search.normalise(request.args.get("q"))
    results = tenant_search.search(db.session, actor, query, _page_arg(), SEARCH_PAGE_SIZE)
    if query:
        access_log.record_search(db.session, actor, query, len(results.hits))
        if not results.hits and tenant_search.matches_outside_scope(db.session, actor, query):
            access_log.record_denied(db.session, actor, "search", asked=query)
        db.session.commit()
    return render_template("staff/tenants.html", results=results, query=query)


def _file_or_404(tenant_id: int) -> Tenant:
    """The tenant when in scope; otherwise log the attempt and answer "not found"."""
    actor = current_actor()
    tenant = db.session.get(Tenant, tenant_id)
    if tenant is None or not access.in_scope(db.session, actor, tenant_id):
        access_log.record_denied(db.session, actor, "tenant_file", tenant_id=tenant.id if tenant else None,
                                 asked=str(tenant_id))
        db.session.commit()
        abort(404)
    return tenant


def _stated_purpose(tenant: Tenant) -> access_log.Purpose | None:
    stored = session.get(PURPOSES_KEY, {}).get(str(tenant.id))
    if isinstance(stored, list) and len(stored) == 2 and isinstance(stored[1], str):
        return access_log.Purpose(stored[0] if stored[0] in access_log.PURPOSE_TEXTS else None, stored[1])
    key = access_log.default_purpose(current_actor())
    return access_log.Purpose(key, access_log.purpose_text(key, tenant.preferred_language)) if key else None


def _keep_purpose(tenant: Tenant, purpose: access_log.Purpose) -> None:
    kept = dict(session.get(PURPOSES_KEY, {}))
    kept.pop(str(tenant.id), None)
    kept[str(tenant.id)] = [purpose.key, purpose.text]
    session[PURPOSES_KEY] = dict(list(kept.items())[-PURPOSES_KEPT:])


@bp.route("/tenants/<int:tenant_id>", methods=["GET", "POST"])
@keeps_input
@requires("read_tenant_file")
def tenant_detail(tenant_id: int):
    tenant = _file_or_404(tenant_id)
    form = _purpose_form()
    if request.method == "POST":
        if accepted(form):
            choice = form.purpose.data
            purpose = access_log.make_purpose(None if choice == "other" else choice, form.purpose_other.data,
                                              tenant.preferred_language)
            _keep_purpose(tenant, purpose)
            return redirect(url_for("staff.tenant_detail", tenant_id=tenant.id))
        return render_template("staff/tenants_purpose.html", tenant=tenant, form=form), 422
    purpose = _stated_purpose(tenant)
    if purpose is None or request.args.get("purpose") == "change":
        return render_template("staff/tenants_purpose.html", tenant=tenant, form=form,
                               default=access_log.default_purpose(current_actor()))
    actor = current_actor()
    snapshot = dossier_service.collect(db.session, tenant, actor, current_lang(), pages=page_arguments(),
                                       page_size=PAGE_SIZE,
                                       override_path=current_app.config["CATALOGUE_OVERRIDES"])
    # Art. 18(2): restricted data stays stored but out of staff use; only the legal-claims
    # purpose (recorded with the read, so audited and shown to the tenant) shows it.
    restricted = [c for c in snapshot.categories if c.restricted]
    withheld = set() if purpose.key == "legal_claims" else {c.key for c in restricted}
    shown = [c.key for c in snapshot.categories if c.key not in withheld]
    access_log.record_read(db.session, actor, tenant, shown, purpose)
    db.session.commit()
    return render_template("staff/tenants_detail.html", dossier=snapshot, tenant=tenant, purpose=purpose,
                           purpose_label=_purpose_label(purpose), restricted=restricted, withheld=withheld,
                           objections=rights.objections_in_force(db.session, tenant.id))


def _purpose_label(purpose: access_log.Purpose) -> Any:
    return access_log.PURPOSES.get(purpose.key, purpose.text) if purpose.key else purpose.text
