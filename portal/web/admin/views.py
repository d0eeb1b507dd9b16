"""Administration pages: staff accounts, roles and assignments. The administrator sees
accounts, buildings and portfolios, never tenant data. Thin: parse, one service call
(admin/staff.py), commit once, render."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.accounts import staff as staff_service
from portal.web.admin.forms import ROLE_LABELS, ApproveForm, EditStaffForm, NewStaffForm, StaffForm
from portal.numbers import parse_id
from portal.db import db
from portal.web.admin import bp
from portal.web.forms import accepted, keeps_input
from portal.web.guards import requires
from portal.web.context import current_actor
from portal.web.links import external_url


SET_PASSWORD_DAYS = 7
ERRORS = {
    "bad_email": lambda: _("Enter an e-mail address like name@example.org."),
    "email_taken": lambda: _("An account already uses this e-mail address."),
    "bad_role": lambda: _("Choose a role."),
    "no_name": lambda: _("Enter the person's name."),
    "name_too_long": lambda: _("This name is too long: %(max)d characters at most.", max=staff_service.NAME_MAX),
    "unknown_building": lambda: _("This building does not exist."),
    "caretaker_without_building": lambda: _("Tick at least one building, or confirm below that this caretaker "
                                            "will see no tenant for now."),
    "unknown_portfolio": lambda: _("This portfolio does not exist."),
    "self_lockout": lambda: _("You cannot change your own role or disable your own account: ask another administrator."),
    "not_pending": lambda: _("This account does not wait for an approval (any more)."),
    "not_approver": lambda: _("A second person approves a role: not the account itself."),
}


def _with_choices(form: StaffForm) -> StaffForm:
    form.buildings.choices = [(b.id, f"{b.name} ({b.ref})") for b in staff_service.all_buildings(db.session)]
    form.portfolios.choices = [(p.id, f"{p.name} ({p.code})") for p in staff_service.all_portfolios(db.session)]
    return form


def _sees_no_tenant(form: StaffForm) -> bool:
    """Whether the form, as filled (or as the account stands), makes an enabled caretaker
    with no building: the page then warns and asks for a confirmation."""
    enabled = bool(form.enabled.data) if isinstance(form, EditStaffForm) else True
    return staff_service.sees_no_tenant(form.role.data or "", form.buildings.data or [], enabled)


def _show_error(form: StaffForm, err: staff_service.StaffError) -> None:
    field = getattr(form, err.field, form.role)
    field.errors = list(field.errors) + [ERRORS[err.code]()]


def _reset_link(token: str) -> str:
    return external_url("auth.reset_password", token=token)


@bp.route("/staff")
@requires("manage_staff")
def staff_list():
    return render_template("admin/staff_list.html", rows=staff_service.list_staff(db.session),
                           role_labels=ROLE_LABELS)


@bp.route("/staff/new", methods=["GET", "POST"])
@keeps_input
@requires("manage_staff")
def staff_new():
    # The new member's language: the landlord's (BABEL_DEFAULT_LOCALE) unless the form says otherwise.
    form = _with_choices(NewStaffForm(language=current_app.config.get("BABEL_DEFAULT_LOCALE", "fr")))
    status = 200
    if accepted(form):
        try:
            user = staff_service.invite_staff(db.session, current_actor(), form.email.data, form.role.data,
                                              form.display_name.data, link_for=_reset_link, days=SET_PASSWORD_DAYS,
                                              building_ids=form.buildings.data or [],
                                              portfolio_ids=form.portfolios.data or [],
                                              language=form.language.data,
                                              no_building_ok=bool(form.no_building_ok.data))
        except staff_service.StaffError as err:
            db.session.rollback()
            _show_error(form, err)
        else:
            db.session.commit()
            flash(_("Account created for %(name)s. We sent %(email)s a link to choose a password.",
                    name=user.display_name, email=user.email), "success")
            return redirect(url_for("admin.staff_list"))
    if form.errors:
        status = 422
    return render_template("admin/staff_form.html", form=form, user=None,
                           no_building=_sees_no_tenant(form)), status


@bp.route("/staff/<int:user_id>", methods=["GET", "POST"])
@keeps_input
@requires("manage_staff")
def staff_edit(user_id: int):
    user = staff_service.get_staff(db.session, user_id)
    if user is None:
        abort(404)
    form = _with_choices(EditStaffForm(obj=None))
    status = 200
    if accepted(form):
        try:
            changed = staff_service.update_staff(
                db.session, current_actor(), user, role=form.role.data, name=form.display_name.data,
                enabled=bool(form.enabled.data), building_ids=form.buildings.data or [],
                portfolio_ids=form.portfolios.data or [], no_building_ok=bool(form.no_building_ok.data))
        except staff_service.StaffError as err:
            db.session.rollback()
            _show_error(form, err)
        else:
            db.session.commit()
            flash(_("Changes saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("admin.staff_list"))
    elif not form.is_submitted():
        form.display_name.data, form.role.data, form.enabled.data = user.display_name, user.role, user.is_enabled
        form.buildings.data, form.portfolios.data = staff_service.assignments(db.session, user.id)
    if form.errors:
        status = 422
    return render_template("admin/staff_form.html", form=form, user=user,
                           no_building=_sees_no_tenant(form)), status



@bp.route("/approvals", methods=["GET", "POST"])
@requires("approve_staff")
def approvals():
    """The DPO's second pair of eyes: accounts given a role that reads tenant data, which
    they cannot use until approved here (accounts/staff.py)."""
    form = ApproveForm()
    status = 200
    if accepted(form):
        try:
            user = staff_service.approve(db.session, current_actor(), parse_id(form.user_id.data) or 0)
        except staff_service.StaffError as err:
            db.session.rollback()
            flash(ERRORS[err.code](), "error")
            status = 409
        else:
            db.session.commit()
            flash(_("Role approved for %(name)s.", name=user.display_name), "success")
            return redirect(url_for("admin.approvals"))
    elif form.is_submitted():
        status = 400
    return render_template("admin/approvals.html", rows=staff_service.pending_approvals(db.session),
                           role_labels=ROLE_LABELS, form=form), status
