"""Writing notes and incidents under the sensitive-data guard, and the DPO's review
queue (/staff/notes/review). Thin views: parse, check access, call services.notes,
commit once, render."""

from __future__ import annotations

from portal.numbers import parse_id
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal import access, catalogue
from portal.db import db
from portal.web.forms import accepted, keeps_input
from portal.web.guards import requires
from portal.models import Tenant
from portal.notes import service as notes_service
from portal.notes import review as review_service, third_party
from portal.notes.service import JUSTIFICATION_MAX_CHARS, NOTE_MAX_CHARS, REASON_MAX_CHARS, TITLE_MAX_CHARS, Flagged
from portal.web.staff import bp
from portal.web.context import current_actor

# What the scanner's categories mean, for the writer and the DPO.
CATEGORY_LABELS = {
    "health": _l("Health"),
    "offence": _l("Offences and convictions"),
    "origin": _l("Origin or nationality"),
    "religion": _l("Religion"),
    "politics_union": _l("Political opinions or union membership"),
    "sex_life": _l("Sex life or sexual orientation"),
    "social_precarity": _l("Precarity or private life"),
    "subjective": _l("Subjective or derogatory judgement"),
}
LONG_TEXT_ENDPOINTS = ("staff.new_note", "staff.new_incident")


def _too_long(limit: int) -> Length:
    # WTForms fills in %(max)d (and %(length)d) itself.
    return Length(max=limit, message=_l("This text is too long: %(length)d characters, %(max)d at most."))


def _filters() -> list:
    return [notes_service.clean_text]


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Note"), filters=_filters(), validators=[
        DataRequired(message=_l("Write the note.")), _too_long(NOTE_MAX_CHARS)])
    justification = TextAreaField(_l("Why this wording is needed"), filters=_filters(),
                                  validators=[_too_long(JUSTIFICATION_MAX_CHARS)])
    # Art. 9(2) ground or Art. 10 condition (the choices follow what the guard found).
    legal_ground = SelectField(_l("Ground that allows keeping it (GDPR Art. 9(2) or Art. 10)"), choices=[],
                               validate_choice=False)


class IncidentForm(FlaskForm):
    kind = RadioField(_l("Kind of incident"), choices=[], validate_choice=True,
                      validators=[DataRequired(message=_l("Choose the kind of incident."))])
    title = StringField(_l("Subject"), filters=_filters(), validators=[
        DataRequired(message=_l("Give the incident a subject.")), _too_long(TITLE_MAX_CHARS)])
    description = TextAreaField(_l("Description"), filters=_filters(), validators=[
        DataRequired(message=_l("Describe the incident.")), _too_long(NOTE_MAX_CHARS)])
    justification = TextAreaField(_l("Why this wording is needed"), filters=_filters(),
                                  validators=[_too_long(JUSTIFICATION_MAX_CHARS)])
    # Art. 9(2) ground or Art. 10 condition (the choices follow what the guard found).
    legal_ground = SelectField(_l("Ground that allows keeping it (GDPR Art. 9(2) or Art. 10)"), choices=[],
                               validate_choice=False)


@bp.record_once
def _accept_long_text(state: Any) -> None:
    """Werkzeug refuses form fields over 500 kB with a bare 413 before any view runs
    (CSRF protection reads the form first). For the note forms the request size limit
    (MAX_CONTENT_LENGTH) is enough: raising the field limit there, ahead of every other
    hook, lets an oversized note reach the form and get a clear message instead."""
    def raise_form_limit() -> None:
        if request.endpoint in LONG_TEXT_ENDPOINTS:
            request.max_form_memory_size = current_app.config.get("MAX_CONTENT_LENGTH")

    state.app.before_request_funcs.setdefault(None, []).insert(0, raise_form_limit)


def _tenant_or_404(tenant_id: int) -> Tenant:
    tenant = db.session.get(Tenant, tenant_id)
    if tenant is None or not access.in_scope(db.session, current_actor(), tenant_id):
        abort(404)
    return tenant


def _after_save_url(tenant: Tenant) -> str:
    if "staff.tenant_detail" in current_app.view_functions:
        return url_for("staff.tenant_detail", tenant_id=tenant.id)
    return request.path


def _saved_message(result: notes_service.Saved, what: str) -> str:
    if result.flagged:
        return (_("Note saved. The data-protection officer will review its wording.") if what == "note"
                else _("Incident saved. The data-protection officer will review its wording."))
    return _("Note saved.") if what == "note" else _("Incident saved.")


def _flag_view(flagged: Flagged | None, form: Any = None) -> dict[str, Any]:
    limits = {"text": NOTE_MAX_CHARS, "title": TITLE_MAX_CHARS, "justification": JUSTIFICATION_MAX_CHARS}
    if flagged is None:
        return {"flagged": None, "limits": limits, "grounds": ()}
    found = (*flagged.title_findings, *flagged.findings)
    grounds = notes_service.grounds_for(flagged.categories)
    if form is not None:
        form.legal_ground.choices = [("", _("Choose the ground…"))] + [
            (g, str(catalogue.LEGAL_GROUNDS[g])) for g in grounds]
    return {"flagged": flagged, "limits": limits, "grounds": grounds,
            "category_text": ", ".join(str(CATEGORY_LABELS[c]) for c in flagged.categories),
            "segments": notes_service.highlight(flagged.text, flagged.findings),
            "title_segments": notes_service.highlight(flagged.title, flagged.title_findings),
            "found_terms": list(dict.fromkeys((" ".join(f.term.split()), f.category) for f in found))}


def _settle(result: Any, justifying: bool, form: Any, tenant: Any, what: str) -> tuple[Any, Any]:
    """After the guard: a flagged text goes back to the form (with an error when its
    justification was empty); a saved one is committed. Returns (flagged, response)."""
    if isinstance(result, Flagged):
        if justifying:
            form.justification.errors = [_("Explain why this wording is needed, or rewrite the text.")]
        return result, None
    db.session.commit()
    flash(_saved_message(result, what), "success")
    # The guard's suggestion: a text that names a neighbour, a caretaker or a reporter may
    # hold passages to withhold from the tenant's copy (Art. 15(4)).
    text = form.body.data if what == "note" else form.description.data
    hints = third_party.suggest_passages(text or "")
    if hints:
        flash(_("This text seems to concern another person (“%(word)s”). If a passage does, mark it below: the "
                "tenant's copies will withhold it.", word=hints[0][2]), "info")
        kind = "note" if what == "note" else "incident"
        return None, redirect(url_for("staff.third_party_passages", tenant_id=tenant.id)
                              + f"#{kind}-{result.record_id}")
    return None, redirect(_after_save_url(tenant))


@bp.route("/tenants/<int:tenant_id>/notes/new", methods=["GET", "POST"])
@keeps_input
@requires("write_note")
def new_note(tenant_id: int):
    tenant = _tenant_or_404(tenant_id)
    form = NoteForm()
    flagged: Flagged | None = None
    restricted = notes_service.is_restricted(db.session, tenant.id, "notes")
    status = 200
    if accepted(form) and not restricted:
        justifying = request.form.get("action") == "justify"
        try:
            result = notes_service.write_note(db.session, current_actor(), tenant.id, form.body.data,
                                              form.justification.data if justifying else None,
                                              form.legal_ground.data if justifying else None)
        except notes_service.NotFound:
            abort(404)
        except notes_service.CategoryRestricted:
            restricted, status = True, 409
        except notes_service.GroundNeeded:
            db.session.rollback()
            flagged, status = notes_service.flag(form.body.data or ""), 422
            form.legal_ground.errors = [_("Choose the ground that allows keeping this wording, or rewrite the text.")]
        else:
            flagged, done = _settle(result, justifying, form, tenant, "note")
            if done is not None:
                return done
    elif request.method == "POST" and restricted:
        status = 409
    return render_template("staff/note_form.html", what="note", form=form, tenant=tenant, restricted=restricted,
                           labels=CATEGORY_LABELS, **_flag_view(flagged, form)), status


@bp.route("/tenants/<int:tenant_id>/incidents/new", methods=["GET", "POST"])
@keeps_input
@requires("log_incident")
def new_incident(tenant_id: int):
    tenant = _tenant_or_404(tenant_id)
    actor = current_actor()
    form = IncidentForm()
    kinds = notes_service.incident_kinds(actor)
    form.kind.choices = [(k, catalogue.INCIDENT_KINDS[k]) for k in kinds]
    if form.kind.data is None:
        form.kind.data = kinds[0]
    flagged: Flagged | None = None
    restricted = notes_service.is_restricted(db.session, tenant.id, "incidents")
    status = 200
    if accepted(form) and not restricted:
        justifying = request.form.get("action") == "justify"
        try:
            result = notes_service.log_incident(db.session, actor, tenant.id, form.kind.data, form.title.data,
                                                form.description.data,
                                                form.justification.data if justifying else None,
                                                legal_ground=form.legal_ground.data if justifying else None)
        except notes_service.NotFound:
            abort(404)
        except notes_service.NotAllowed:
            abort(403)
        except notes_service.CategoryRestricted:
            restricted, status = True, 409
        except notes_service.NoDwelling:
            form.description.errors = [_("This tenant has no dwelling on record: an incident cannot be logged.")]
        except notes_service.GroundNeeded:
            db.session.rollback()
            flagged, status = notes_service.flag(form.description.data or "", form.title.data or ""), 422
            form.legal_ground.errors = [_("Choose the ground that allows keeping this wording, or rewrite the text.")]
        else:
            flagged, done = _settle(result, justifying, form, tenant, "incident")
            if done is not None:
                return done
    elif request.method == "POST" and restricted:
        status = 409
    return render_template("staff/note_form.html", what="incident", form=form, tenant=tenant,
                           restricted=restricted, labels=CATEGORY_LABELS, **_flag_view(flagged, form)), status


@bp.route("/notes/review", methods=["GET", "POST"])
@requires("review_notes")
def notes_review():
    actor = current_actor()
    failed: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():  # the CSRF token
            abort(400)
        decision = request.form.get("action", "")
        kind, raw_id = ("note", request.form.get("note_id", "")) if request.form.get("note_id") \
            else ("incident", request.form.get("incident_id", ""))
        item_id = parse_id(raw_id)
        if decision not in ("keep", "redact", "dismiss") or item_id is None:
            abort(400)
        reason = request.form.get("reason", "")
        try:
            if decision == "keep":
                review_service.keep(db.session, actor, kind, item_id, reason, request.form.get("legal_ground"))
            elif decision == "dismiss":
                review_service.dismiss(db.session, actor, kind, item_id, reason)
            else:
                review_service.redact(db.session, actor, kind, item_id, reason)
        except notes_service.NotFound:
            abort(404)
        except notes_service.AlreadyReviewed:
            db.session.rollback()
            flash(_("Someone already decided on this text: the queue below is up to date."), "warning")
            return redirect(url_for("staff.notes_review"))
        except notes_service.GroundNeeded:
            db.session.rollback()
            failed = {"key": f"{kind}-{raw_id}", "reason": reason,
                      "error": _("Choose the ground that allows keeping this text; without one, remove it.")}
            status = 422
        except (notes_service.EmptyText, notes_service.TextTooLong) as err:
            db.session.rollback()
            message = (_("Give the reason for your decision.") if isinstance(err, notes_service.EmptyText)
                       else _("The reason is too long: %(max)d characters at most.", max=REASON_MAX_CHARS))
            failed = {"key": f"{kind}-{raw_id}", "reason": reason, "error": message}
            status = 422
        else:
            db.session.commit()
            flash(_("The text was kept and the reason recorded.") if decision == "keep"
                  else _("The text was removed and replaced by a dated notice."), "success")
            return redirect(url_for("staff.notes_review"))
    items = review_service.review_queue(db.session, actor)
    total = review_service.pending_count(db.session)
    db.session.commit()  # the audit entries of this read
    return render_template("staff/notes_review.html", items=items, total=total, failed=failed,
                           labels=CATEGORY_LABELS, reason_max=REASON_MAX_CHARS,
                           ground_labels=catalogue.LEGAL_GROUNDS), status


def tenant_note_links(tenant_id: int) -> list[dict[str, str]]:
    """'Write a note' / 'Log an incident' links for a staff tenant page: only the ones
    this user may use (the page itself already checked the tenant is in scope)."""
    actor = current_actor()
    links = []
    for endpoint, action, label in (("staff.new_note", "write_note", _("Write a note")),
                                    ("staff.new_incident", "log_incident", _("Log an incident")),
                                    ("staff.third_party_passages", "write_note", _("Passages about other people"))):
        if endpoint in current_app.view_functions and access.can(actor, action):
            links.append({"url": url_for(endpoint, tenant_id=tenant_id), "label": label})
    return links


@bp.app_context_processor
def _inject_links() -> dict[str, Any]:
    return {"tenant_note_links": tenant_note_links}
