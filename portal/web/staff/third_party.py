"""Passages about other people (GDPR Art. 15(4)): the page where staff mark a passage of a
note, an incident or a letter as concerning someone else, so that the tenant's page,
PDF copy and exports show a marker instead (/staff/tenants/<id>/third-party).
Thin: parse, one service call, commit, render."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal.db import db
from portal.notes import third_party
from portal.web.context import current_actor
from portal.web.guards import requires
from portal.web.staff import bp

ERRORS = {
    "no_passage": lambda: _("This passage is not in the text: copy it exactly as it is written."),
    "reason": lambda: _("Say why the passage concerns another person (at most %(max)s characters).",
                        max=third_party.REASON_MAX_CHARS),
}


@bp.route("/tenants/<int:tenant_id>/third-party", methods=["GET", "POST"])
@requires("write_note")
def third_party_passages(tenant_id: int) -> Any:
    actor = current_actor()
    failed: dict[str, str] | None = None
    status = 200
    try:
        third_party.check_marker(db.session, actor, tenant_id)
    except third_party.PassageError as exc:
        abort(403 if exc.code == "forbidden" else 404)
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():  # the CSRF token
            abort(400)
        kind, raw_id, field = (request.form.get(k, "") for k in ("kind", "record_id", "field"))
        if kind not in third_party.TARGETS or not raw_id.isdigit() or len(raw_id) > 12:
            abort(400)
        passage, reason = request.form.get("passage", ""), request.form.get("reason", "")
        try:
            third_party.mark(db.session, actor, kind, int(raw_id), field, passage, reason, tenant_id=tenant_id)
        except third_party.PassageError as exc:
            db.session.rollback()
            if exc.code == "not_found":
                abort(404)
            if exc.code == "forbidden":
                abort(403)
            failed = {"key": f"{kind}-{raw_id}", "passage": passage, "reason": reason,
                      "error": ERRORS.get(exc.code, ERRORS["no_passage"])()}
            status = 422
        else:
            db.session.commit()
            flash(_("The passage is withheld from the tenant's copies; you still see it here."), "success")
            return redirect(url_for("staff.third_party_passages", tenant_id=tenant_id) + f"#{kind}-{raw_id}", 303)
    try:
        items = third_party.markable(db.session, actor, tenant_id)
    except third_party.PassageError:
        abort(404)
    return render_template("staff/third_party.html", items=items, tenant_id=tenant_id, failed=failed,
                           reason_max=third_party.REASON_MAX_CHARS), status
