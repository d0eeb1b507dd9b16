"""Document downloads: the tenant's PDF copy and CSV ZIP, their response letters, and
the staff preview of a letter. Thin: parse → access → one service → commit → respond."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal import access, pdf
from portal.db import db
from portal.web.documents import bp
from portal.web.guards import requires
from portal.models import PrivacyRequest
from portal.models._base import utcnow
from portal.audit import chain as audit
from portal.file import csv_zip as csv_export, pdf_copy as documents
from portal.requests import letters
from portal.web.context import own_file, own_tenant
from portal.web.context import current_actor, current_lang

log = logging.getLogger(__name__)


def _pdf_response(content: bytes, filename: str, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'{disposition}; filename="{filename}"',
        "Cache-Control": "private, no-store"})


def _failure_page(detail: str, retry_url: str | None = None) -> tuple[str, int]:
    return render_template("documents/failed.html", detail=detail, retry_url=retry_url), 503


@bp.route("/me/export.pdf")
@requires("export_own")
def export_pdf() -> Any:
    """The PDF copy: from the cache, rendered now, or rendered in the background while a
    status page refreshes itself (no script: <meta http-equiv="refresh">)."""
    tenant, lang = own_tenant(), current_lang()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    scheduled: list[tuple[int, Any]] = []
    try:
        state = documents.get_copy(db.session, tenant, lang, app.config,
                                   start_background=lambda eid, snap: scheduled.append((eid, snap)),
                                   retry=request.args.get("retry") == "1")
        db.session.commit()
    except pdf.PdfError:
        db.session.rollback()
        return _failure_page(_("We could not produce the PDF copy of your file."),
                             url_for("documents.export_pdf", retry=1))
    for entry_id, snapshot in scheduled:  # only after the pending row is committed
        documents.render_in_background(app, entry_id, snapshot, lang)
    if state.status == "ready" and state.content:
        return _pdf_response(state.content, f"my-file-{tenant.tenant_number}.pdf")
    if state.status == "pending":
        return render_template("documents/pending.html",
                               refresh_url=url_for("documents.export_pdf")), 202
    log.error("pdf copy failed for tenant %s: %s", tenant.id, state.error)
    return _failure_page(_("We could not produce the PDF copy of your file."),
                         url_for("documents.export_pdf", retry=1))


@bp.route("/me/export.zip")
@requires("export_own")
def export_zip() -> Response:
    """One CSV file per category, the same content as the JSON export."""
    tenant, snapshot = own_file()
    body = csv_export.to_zip(snapshot, utcnow())
    return Response(body, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="my-data-{tenant.tenant_number}.zip"',
        "Cache-Control": "private, no-store"})


@bp.route("/me/requests/<ref>/letter.pdf")
@requires("read_own_file")
def request_letter(ref: str) -> Any:
    """The latest letter issued on one of the tenant's own requests (another's → 404)."""
    tenant = own_tenant()
    req = db.session.scalar(select(PrivacyRequest).where(
        PrivacyRequest.ref == ref, PrivacyRequest.tenant_id == tenant.id))
    if req is None:
        abort(404)
    letter = letters.latest(db.session, req.id)
    if letter is None or letter.pdf is None:  # None: the copy went with an erasure (hash kept)
        return render_template("documents/no_letter.html", ref=req.ref, removed=letter), 404
    return _pdf_response(letter.pdf, f"{req.ref}-{letter.kind}.pdf")


@bp.route("/staff/requests/<ref>/letter-preview.pdf")
@requires("process_request")
def letter_preview(ref: str) -> Any:
    """A letter as it would be issued now, for staff to check before acting."""
    actor = current_actor()
    req = db.session.scalar(select(PrivacyRequest).where(PrivacyRequest.ref == ref))
    if req is None or not access.in_scope(db.session, actor, req.tenant_id):
        abort(404)
    if not access.may_process_request(actor, req.kind):
        abort(403)
    kind = request.args.get("kind", "")
    if not letters.is_letter_kind(kind):
        abort(400)
    lang = request.args.get("letter_lang") or req.tenant.preferred_language or "fr"
    lang = lang if lang in ("fr", "en") else "fr"
    answer = request.args.get("answer")
    try:
        content = letters.render(req, kind, lang, current_app.config,
                                 answer=answer[:5000] if answer else None)
    except (pdf.PdfError, letters.LetterError):
        return _failure_page(_("We could not produce the preview of this letter."))
    audit.record(db.session, actor.user_id, actor.role, "read", tenant_id=req.tenant_id,
                 categories=["requests"], purpose="Preview of a response letter", request_ref=req.ref)
    db.session.commit()
    return _pdf_response(content, f"{req.ref}-{kind}-preview.pdf", inline=True)
