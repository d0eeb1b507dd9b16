"""The tenant's privacy requests: /me/requests (list), /me/requests/new (file one),
/me/requests/<ref> (follow it, add information, withdraw). Thin views over
services/requests.py; another tenant's reference answers 404."""

from __future__ import annotations

from portal.numbers import parse_id
from datetime import timedelta
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from portal import catalogue, deadlines
from portal.catalogue import controller as controller_info
from portal.web.context import current_lang
from portal.requests import workflow
from portal.db import db
from portal.formatting import landlord_today
from portal.web.forms import accepted, keeps_input
from portal.web.guards import requires
from portal.models import PrivacyRequest
from portal.requests import records as request_records
from portal.requests import service as requests_service
from portal.requests import letters as request_letters
from portal.requests import mails as request_mails
from portal.requests import types as request_types
from portal.web import request_texts as texts
from portal.web.tenant import request_forms as forms
from portal.web.tenant import bp
from portal.web.context import own_tenant
from portal.web.context import current_actor


def _portal_url() -> str:
    return request.host_url


@bp.route("/requests")
@requires("file_request")
def requests() -> Any:
    tenant = own_tenant()
    rows = request_records.of_tenant(db.session, tenant.id)
    return render_template("tenant/requests.html", rows=rows, today=landlord_today(), workflow=workflow,
                           deadlines=deadlines)


@bp.route("/requests/new", methods=["GET", "POST"])
@keeps_input
@requires("file_request")
def new_request() -> Any:
    """One thing per page (GOV.UK "question pages"): the kind, then (for a correction) the
    data, then the one question for that kind, then "check your answers". A POST without
    `step` files the request at once (PRODUCT.md §8: the form fields stay the interface)."""
    tenant = own_tenant()
    form = forms.NewRequestForm().setup(requests_service.target_choices(db.session, tenant.id))
    status = 200
    step = request.form.get("step", "") if request.method == "POST" else ""
    if request.method == "GET":
        _prefill(form)
        if "kind" in request.args and form.kind.data is None:
            form.kind.errors = [texts.error_text(request_types.Invalid("kind", "kind"))]
            status = 400
    elif not accepted(form):
        status = 400
    elif step == "edit":
        pass
    else:
        values = _values(form)
        try:
            if step == "check":
                requests_service.check_new(db.session, tenant, current_actor(), today=landlord_today(), **values)
                return render_template("tenant/requests_check.html", form=form, help=texts.KIND_HELP,
                                       targets=_target_labels(form),
                                       current=_current_value(tenant, form.field.data, form.record.data))
            done = requests_service.create(db.session, tenant, current_actor(), today=landlord_today(),
                                           portal_url=_portal_url(), **values)
        except request_types.Invalid as exc:
            db.session.rollback()
            _field_errors(form, exc)
            status = 400
        else:
            return _filed(done)
    current = _current_value(tenant, form.field.data, form.record.data)
    return render_template("tenant/requests_new.html", form=form, help=texts.KIND_HELP, current=current,
                           step=_page_of(form), field_def=_field_def(form.field.data), workflow=workflow), status


def _prefill(form: Any) -> None:
    """A GET names what the links of /me already know: the kind, the field, the record."""
    kind = request.args.get("kind", "")
    form.kind.data = kind if kind in workflow.KINDS else None
    field = request.args.get("field", "")
    if catalogue.find_field(field):
        form.field.data = field
    record = request.args.get("record", "")
    form.record.data = record if parse_id(record) is not None else ""
    target = request.args.get("target", "")
    if workflow.parse_target(target):
        form.targets.data = [target]
    for name in ("proposed_value", "details"):  # carried over from the page before
        value = request.args.get(name, "")
        if value and len(value) <= workflow.DETAILS_MAX:
            getattr(form, name).data = value


def _values(form: Any) -> dict[str, Any]:
    return {"kind": form.kind.data or "", "details": form.details.data, "field_key": form.field.data,
            "proposed_value": form.proposed_value.data, "record_id": form.record.data or None,
            "targets": form.targets.data or []}


def _page_of(form: Any) -> str:
    """Which question page to show: the kind, the data to correct, or the kind's form."""
    if form.kind.data not in workflow.KINDS or form.kind.errors:
        return "kind"
    if form.kind.data == "rectification" and (not catalogue.find_field(form.field.data or "") or form.field.errors):
        return "field"
    return "form"


def _field_def(field_key: str | None) -> Any:
    found = catalogue.find_field(field_key or "")
    return found[2] if found else None


def _target_labels(form: Any) -> list[str]:
    labels = dict(form.targets.choices)
    return [str(labels.get(t, t)) for t in form.targets.data or []]


def _filed(done: Any) -> Any:
    """Commit, send the e-mail, and show the confirmation panel on the request's page."""
    db.session.commit()
    request_mails.send_mails(done.mails)  # after the commit, on the queue (or at once without one)
    if done.duplicate:
        flash(_("You had just sent this request: it is filed once, as %(ref)s.", ref=done.request.ref),
              "warning")
    else:
        session["just_filed"] = {"ref": done.request.ref, "mailed": bool(done.mails)}
    return redirect(url_for("tenant.request_detail", ref=done.request.ref))


def _fmt(day: Any) -> str:
    from portal.formatting import fmt_date
    from portal.web.context import current_lang

    return fmt_date(day, current_lang())


def _field_errors(form: Any, exc: request_types.Invalid) -> None:
    name = {"received_on": "details"}.get(exc.field, exc.field)
    target = getattr(form, name, None)
    if target is None or not hasattr(target, "errors"):
        target = form.details
    target.errors = list(target.errors or []) + [texts.error_text(exc)]


def _current_value(tenant: Any, field_key: str | None, record: str | None) -> str | None:
    """The value we hold now for the field being corrected (shown beside the form)."""
    found = catalogue.find_field(field_key or "")
    if found is None:
        return None
    _cat, section, f = found
    obj = requests_service.find_record(db.session, tenant, section, record or None)
    if obj is None:
        return None
    from portal.formatting import format_value
    from portal.web.context import current_lang

    return format_value(getattr(obj, f.path), f.type, current_lang(), f.choices)


@bp.route("/requests/<ref>", methods=["GET", "POST"])
@keeps_input
@requires("file_request")
def request_detail(ref: str) -> Any:
    own_tenant()
    actor = current_actor()
    req = requests_service.tenant_request(db.session, actor, ref)
    if req is None:
        abort(404)
    form = forms.StepForm()
    status = 200
    if request.method == "POST" and accepted(form):
        action = form.action.data
        try:
            if action == "provide_info":
                done = requests_service.provide_info(db.session, req, actor, form.message.data, landlord_today(),
                                                     form.version.data, _portal_url())
                message = _("Thank you: the information is sent. We will answer by %(day)s at the latest.",
                            day=_fmt(done.request.due_on))
            elif action == "withdraw":
                done = requests_service.withdraw(db.session, req, actor, form.message.data,
                                                 form.version.data, _portal_url())
                message = _("Your request is withdrawn. You can undo this until %(day)s.",
                            day=_fmt(landlord_today() + timedelta(days=workflow.UNDO_WITHDRAW_DAYS)))
            elif action == "undo_withdraw":
                done = requests_service.undo_withdraw(db.session, req, actor, landlord_today(), form.version.data)
                message = _("Your request is open again. We will answer by %(day)s at the latest.",
                            day=_fmt(done.request.due_on))
            else:
                raise request_types.Invalid("action", "action")
            db.session.commit()
        except request_types.Invalid as exc:
            db.session.rollback()
            form.message.errors = [texts.error_text(exc if exc.field != "message" or action != "provide_info"
                                                    else request_types.Invalid("provide_message", exc.code,
                                                                                  **exc.params))]
            status = 400
        except (request_types.Stale, StaleDataError):
            db.session.rollback()
            flash(_("This request was changed meanwhile. Nothing was saved: check it as it is now "
                    "and try again."), "error")
            return redirect(url_for("tenant.request_detail", ref=ref)), 303
        except workflow.NotAllowed:
            db.session.rollback()
            flash(_("This is not possible any more in the request's current state. Nothing was saved."),
                  "error")
            return redirect(url_for("tenant.request_detail", ref=ref)), 303
        else:
            request_mails.send_mails(done.mails)
            flash(message, "success")
            return redirect(url_for("tenant.request_detail", ref=ref))
        req = requests_service.tenant_request(db.session, actor, ref) or abort(404)
    elif request.method == "POST":
        status = 400
    filed = session.pop("just_filed", None) if request.method == "GET" else None
    return render_template("tenant/requests_detail.html", req=req, form=form, today=landlord_today(),
                           just_filed=filed if filed and filed.get("ref") == req.ref else None,
                           **_detail_context(req)), status


@bp.route("/requests/<ref>/withdraw")
@requires("file_request")
def withdraw_request(ref: str) -> Any:
    """Ask before withdrawing: the form posts action=withdraw to the request's page."""
    own_tenant()
    req = requests_service.tenant_request(db.session, current_actor(), ref)
    if req is None:
        abort(404)
    if not workflow.is_open(req.status):
        return redirect(url_for("tenant.request_detail", ref=ref))
    return render_template("tenant/requests_withdraw.html", req=req, form=forms.StepForm(),
                           undo_days=workflow.UNDO_WITHDRAW_DAYS)


def _detail_context(req: PrivacyRequest) -> dict[str, Any]:
    held = request_records.records_of(db.session, req)
    return {"events": req.events, "letters": held.letters, "notices": held.notices, "changes": held.changes,
            "field_label": requests_service.field_label(req.field_key), "workflow": workflow,
            "cnil_line": controller_info.for_config(current_lang(), current_app.config).cnil_line,
            "deadlines": deadlines, "labels": texts.ACTION_LABELS, "roles": texts.ROLE_LABELS,
            "undo_until": _undo_until(req), "reason_text": _reason_text(req.refusal_reason)}


def _reason_text(code: str | None) -> str | None:
    """A refusal's legal reason in plain words (the letters' own sentence, Art. 12(4))."""
    found = request_letters.REFUSAL_REASONS.get(code or "")
    return str(found[1]) if found else None


def _undo_until(req: PrivacyRequest) -> Any:
    """The last day the tenant may take back the withdrawal, or None."""
    day = requests_service.withdrawn_on(req)
    if day is None or not workflow.may_undo_withdraw(req.status, day, landlord_today()):
        return None
    return day + timedelta(days=workflow.UNDO_WITHDRAW_DAYS)
