"""Back office for privacy requests: the queue (/staff/requests), one request with the
tenant's file as this staff member may see it and the actions of §8
(/staff/requests/<ref>), and the registration of a request received by post or e-mail
(/staff/requests/register). Thin: parse → access → one service call → commit → render."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from portal import access, catalogue, deadlines, pdf
from portal.requests import workflow
from portal.db import db
from portal.formatting import fmt_date, landlord_today
from portal.web.forms import accepted, keeps_input, refused
from portal.web.guards import requires
from portal.models import PrivacyRequest
from portal.audit import access_log
from portal.requests import letters, queue as request_queue
from portal.file import dossier as dossier_service
from portal.requests import service as requests_service
from portal.requests import answering
from portal.requests import records as request_records
from portal.requests import mails as request_mails
from portal.requests import types as request_types
from portal.web.staff import request_forms as forms
from portal.web.staff import bp
from portal.web import request_texts as texts
from portal.web.context import current_actor, current_lang, page_arguments

ANSWER_ACTIONS = ("grant", "partly_grant", "refuse")
# The catalogue's titles speak to the tenant ("My requests"); staff read about the tenant.
STAFF_TITLES = {"requests": _l("The tenant's privacy requests"), "access_log": _l("Who consulted the file"),
                "account": _l("The tenant's portal account")}
FILE_PAGE_SIZE = 10


@bp.route("/requests")
@requires("process_request")
def requests() -> Any:
    actor = current_actor()
    filters = request_queue.Filters.parse(request.args)
    queue = request_queue.build(db.session, actor, landlord_today(), filters)
    labels = texts.queue_labels(current_lang())
    return render_template("staff/requests.html", queue=queue, filters=filters, today=landlord_today(), labels=labels,
                           lines=texts.queue_lines(queue.rows, labels, url_for("staff.request_detail", ref="")),
                           workflow=workflow, staff_mark=request_queue.staff_mark(db.session),
                           staff=partial(request_queue.staff_choices, db.session, actor),
                           kinds=sorted(access.PROCESSABLE_KINDS.get(actor.role, ())),
                           may_register=access.can(actor, "register_request"))


def _form_of(action: str) -> str:
    return "answer" if action in ANSWER_ACTIONS else action


@bp.route("/requests/<ref>", methods=["GET", "POST"])
@keeps_input
@requires("process_request")
def request_detail(ref: str) -> Any:
    actor = current_actor()
    req = requests_service.staff_request(db.session, actor, ref)
    if req is None:
        abort(404)
    form = forms.ActionForm()
    error: dict[str, str] | None = None
    status = 200
    if request.method == "POST":
        if not accepted(form):
            status = 400
        elif _wants_review(form):
            error = _review_problem(form)
            if error is None:
                return render_template("staff/requests_review.html", **_review_context(req, form))
            status = 400
        else:
            outcome = _act(req, form)
            if isinstance(outcome, tuple):
                error, status = outcome
                req = requests_service.staff_request(db.session, actor, ref) or abort(404)
            else:
                return outcome
    return render_template("staff/requests_detail.html", **_context(req, form, error)), status


def _wants_review(form: forms.ActionForm) -> bool:
    """The browser's answer form asks for "check and send" first; a POST with confirm=1
    (or without step=review) is final at once (PRODUCT.md §8)."""
    return (request.form.get("step") == "review" and request.form.get("confirm") != "1"
            and (form.action.data or "") in ANSWER_ACTIONS)


def _review_problem(form: forms.ActionForm) -> dict[str, str] | None:
    """What the final step would refuse at once (message or legal reason missing)."""
    action = form.action.data or ""
    if action in workflow.REASON_REQUIRED and form.refusal_reason.data not in workflow.REFUSAL_REASONS:
        return {"form": "answer", "field": "refusal_reason",
                "text": texts.error_text(request_types.Invalid("refusal_reason", "required"))}
    if action in workflow.MESSAGE_REQUIRED and not (form.message.data or "").strip():
        return {"form": "answer", "field": "message",
                "text": texts.error_text(request_types.Invalid("message", "required"))}
    return None


def _review_context(req: PrivacyRequest, form: forms.ActionForm) -> dict[str, Any]:
    action = form.action.data or ""
    reason = form.refusal_reason.data if form.refusal_reason.data in workflow.REFUSAL_REASONS else ""
    labels = dict(forms.reason_choices())
    chosen = request.form.getlist("targets") if "targets" in request.form else None
    return {"req": req, "form": form, "action": action, "reason": reason,
            "reason_label": labels.get(reason, ""), "targets": chosen,
            "target_labels": dict(requests_service.target_choices(db.session, req.tenant_id)),
            "letter_kind": workflow.LETTER_OF[action], "tenant": req.tenant,
            "field_label": requests_service.field_label(req.field_key), "current_value": _current_value(req),
            "final_label": _final_label(req.kind, action), "workflow": workflow}


def _final_label(kind: str, action: str) -> str:
    """The final button says what it does."""
    if action == "grant" and kind == "rectification":
        return _("Apply the correction and send the letter")
    if action == "grant" and kind == "erasure":
        return _("Erase the data and send the letter")
    if action == "grant" and kind == "restriction":
        return _("Restrict the data and send the letter")
    return {"grant": _("Grant and send the letter"), "partly_grant": _("Grant in part and send the letter"),
            "refuse": _("Refuse and send the letter")}[action]


def _act(req: PrivacyRequest, form: forms.ActionForm) -> Any:
    """Run one posted action; a redirect when done, else (error, status) with nothing saved."""
    actor = current_actor()
    action = (form.action.data or "").strip()
    where = _form_of(action)
    try:
        if action == "notify_recipient":
            answering.tick_recipient(db.session, req, actor, form.notice_id.data)
            mails: list = []
            done_text = _("Recipient marked as told.")
        elif action == "record_info":
            received = (workflow.parse_value("date", form.received_on.data, today=landlord_today())
                        if (form.received_on.data or "").strip() else None)
            done = answering.record_info(db.session, req, actor, form.message.data, today=landlord_today(),
                                         received_on=received, version=form.version.data,
                                         portal_url=request.host_url)
            mails = done.mails
            done_text = _("Done: %(step)s.", step=texts.ACTION_LABELS["record_info"])
        elif action == "lift_restriction":
            mails = answering.lift_restriction(db.session, req, actor, form.restriction_id.data, today=landlord_today(),
                                               portal_url=request.host_url).mails
            done_text = _("Lifting announced to the tenant: it takes effect after the notice period.")
        else:
            targets = form.targets.data if "targets" in request.form else None
            done = answering.act(
                db.session, req, actor, action, message=form.message.data, today=landlord_today(),
                config=current_app.config, version=form.version.data, refusal_reason=form.refusal_reason.data,
                assignee_id=form.assignee.data, targets=targets, portal_url=request.host_url,
                info_kind=form.info_kind.data)
            mails = done.mails
            done_text = _("Done: %(step)s.", step=texts.ACTION_LABELS.get(action, action))
        db.session.commit()
    except request_types.Invalid as exc:
        db.session.rollback()
        return {"form": where if exc.field != "action" else "top", "field": exc.field,
                "text": texts.error_text(exc)}, 400
    except (request_types.Stale, StaleDataError):
        db.session.rollback()
        flash(_("This request was changed meanwhile by someone else. Nothing was saved: check the "
                "request as it is now and try again."), "error")
        return {"form": where, "field": "", "text": _("Changed meanwhile: nothing was saved.")}, 409
    except workflow.BadValue as exc:
        db.session.rollback()
        return {"form": "record_info", "field": "received_on",
                "text": texts.error_text(request_types.Invalid("received_on", exc.code))}, 400
    except workflow.NotAllowed as exc:
        db.session.rollback()
        return {"form": "top", "field": "action", "text": _(
            "This action is not possible while the request is “%(status)s”. Nothing was saved.",
            status=catalogue.REQUEST_STATUS_LABELS.get(exc.status, exc.status))}, 409
    except request_types.ExtensionRefused as exc:
        db.session.rollback()
        text = (_("The deadline has already been extended once: it cannot be extended again.")
                if exc.reason == "already" else
                _("The first month has run out: the deadline can no longer be extended (Art. 12(3))."))
        return {"form": "extend", "field": "message", "text": text}, 409
    except request_types.Restricted as exc:
        db.session.rollback()
        return {"form": where, "field": "", "text": _(
            "This data is restricted (Art. 18): it cannot be changed until the restriction is lifted. "
            "Category: %(category)s.", category=catalogue.get(exc.category_key).title)}, 409
    except request_types.Forbidden:
        db.session.rollback()
        abort(403)
    except (pdf.PdfError, letters.LetterError):
        db.session.rollback()
        return {"form": where, "field": "", "text": _(
            "The response letter could not be produced, so nothing was saved. Try again in a moment.")}, 503
    request_mails.send_mails(mails)
    flash(done_text, "success")
    return redirect(url_for("staff.request_detail", ref=req.ref), 303)


def _context(req: PrivacyRequest, form: forms.ActionForm, error: dict[str, str] | None) -> dict[str, Any]:
    actor = current_actor()
    tenant = req.tenant
    day = landlord_today()
    snapshot = dossier_service.collect(db.session, tenant, actor, current_lang(), pages=page_arguments(),
                                       page_size=FILE_PAGE_SIZE,
                                       override_path=current_app.config["CATALOGUE_OVERRIDES"])
    # Opening a request shows the tenant's file: that read is logged and shown to the tenant
    # (not when a refused submission is shown again: a forged or expired form writes nothing).
    if not refused():
        access_log.record_read(db.session, actor, tenant, [c.key for c in snapshot.categories],
                               access_log.request_purpose(req.ref, tenant.preferred_language), request_ref=req.ref)
        db.session.commit()
    events = list(req.events)
    ids = {e.actor_id for e in events if e.actor_id} | {req.assigned_to_id or 0, req.registered_by_id or 0}
    names = request_records.staff_names(db.session, ids)
    actions = workflow.allowed_actions(req.status, req.extended)
    if not access.can(actor, "extend_deadline") and "extend" in actions:
        actions.remove("extend")
    earlier = [e for e in requests_service.earlier_requests(db.session, tenant.id, req.id) if e.kind == req.kind]
    held = request_records.records_of(db.session, req)
    return {
        "req": req, "tenant": tenant, "form": form, "error": error, "today": day, "dossier": snapshot,
        "events": events, "names": names, "actions": actions, "workflow": workflow, "deadlines": deadlines,
        "labels": texts.ACTION_LABELS, "roles": texts.ROLE_LABELS,
        "buttons": forms.ACTION_BUTTONS, "reasons": forms.reason_choices(req.kind),
        "assignees": answering.assignees(db.session, req),
        "extension_open": deadlines.extension_allowed(req.clock_start, day),
        "extension_until": deadlines.due_date(req.clock_start),
        "earlier": earlier, "field_label": requests_service.field_label(req.field_key),
        "current_value": _current_value(req), "targets": requests_service.target_choices(db.session, tenant.id),
        "letters": held.letters, "notices": held.notices,
        "restrictions": request_records.restrictions_in_force(db.session, tenant.id),
        "may_lift": access.can(actor, "extend_deadline"), "letter_labels": letters.LETTER_KIND_LABELS,
        "staff_titles": STAFF_TITLES,
    }


def _current_value(req: PrivacyRequest) -> str | None:
    found = catalogue.find_field(req.field_key or "")
    if found is None:
        return None
    _cat, section, f = found
    obj = requests_service.find_record(db.session, req.tenant, section, requests_service.record_of(req))
    if obj is None:
        return None
    from portal.formatting import format_value

    return format_value(getattr(obj, f.path), f.type, current_lang(), f.choices)


def _representative(form: forms.RegisterForm) -> requests_service.Representative | None:
    """The representative named on the form, or None when the tenant asked themselves."""
    if not (form.representative_kind.data or "").strip():
        return None
    return requests_service.Representative(
        form.representative_kind.data or "", form.representative_name.data or "",
        form.representative_address.data or "", form.representative_email.data or "",
        form.representative_proof.data or "", bool(form.representative_copy_tenant.data))


@bp.route("/requests/register", methods=["GET", "POST"])
@keeps_input
@requires("register_request")
def register_request() -> Any:
    actor = current_actor()
    form = forms.RegisterForm().setup([(k, catalogue.REQUEST_KIND_LABELS[k]) for k in workflow.KINDS])
    status = 200
    if request.method == "GET":
        form.tenant_number.data = (request.args.get("tenant") or "")[:40]
        form.received_on.data = landlord_today().isoformat()
    elif accepted(form):
        number = (form.tenant_number.data or "").strip()
        tenant = request_records.tenant_by_number(db.session, actor, number)
        received = None
        if tenant is None:
            form.tenant_number.errors = [_("No tenant with this number among the tenants you handle.")]
        try:
            received = workflow.parse_value("date", form.received_on.data, today=landlord_today())
        except workflow.BadValue as exc:
            form.received_on.errors = [texts.error_text(request_types.Invalid("received_on", exc.code))]
        if tenant is not None and received is not None:
            try:
                done = requests_service.create(
                    db.session, tenant, actor, kind=form.kind.data or "", details=form.details.data,
                    today=landlord_today(), field_key=form.field.data, proposed_value=form.proposed_value.data,
                    record_id=(form.record.data or "").strip() or None,
                    targets=request.form.getlist("targets"),
                    channel=form.channel.data if form.channel.data in ("post", "email") else "post",
                    received_on=received, identity_verified=bool(form.identity_verified.data),
                    identity_note=form.identity_note.data, portal_url=request.host_url,
                    representative=_representative(form))
            except request_types.Invalid as exc:
                db.session.rollback()
                target = getattr(form, {"targets": "details"}.get(exc.field, exc.field), form.details)
                target.errors = list(target.errors or []) + [texts.error_text(exc)]
            except request_types.Forbidden:
                db.session.rollback()
                abort(403)
            else:
                db.session.commit()
                request_mails.send_mails(done.mails)
                flash(_("Request %(ref)s registered; answer due by %(day)s.", ref=done.request.ref,
                        day=fmt_date(done.request.due_on, current_lang())), "success")
                return redirect(url_for("staff.request_detail", ref=done.request.ref), 303)
        status = 400
    else:
        status = 400
    return render_template("staff/requests_register.html", form=form), status
