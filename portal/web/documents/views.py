"""Document downloads: the tenant's PDF copy and CSV ZIP, their response letters, and
the staff preview of a letter. Thin: parse → access → one service → commit → respond."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _

from portal import access, jobs, pdf
from portal.db import db
from portal.web.documents import bp
from portal.web.guards import requires
from portal.models._base import utcnow
from portal.audit import access_log
from portal.file import csv_zip as csv_export, pdf_copy as documents
from portal.requests import letters
from portal.requests import service as requests_service
from portal.web.context import own_file, own_tenant
from portal.web.context import current_actor, current_lang
from portal.web.headers import download

log = logging.getLogger(__name__)


def _pdf_response(content: bytes, filename: str, inline: bool = False) -> Response:
    return download(Response(content, mimetype="application/pdf", headers={"Cache-Control": "private, no-store"}),
                    filename, inline)


def _failure_page(detail: str, retry_url: str | None = None) -> tuple[str, int]:
    return render_template("documents/failed.html", detail=detail, retry_url=retry_url), 503


@bp.route("/me/export.pdf")
@requires("export_own")
def export_pdf() -> Any:
    """The PDF copy: from the cache, rendered now, or rendered by a background job while a
    status page refreshes itself (no script: <meta http-equiv="refresh">)."""
    tenant, lang = own_tenant(), current_lang()
    try:
        state = documents.get_copy(db.session, tenant, lang, current_app.config, background=True,
                                   retry=request.args.get("retry") == "1")
        db.session.commit()
    except pdf.PdfError:
        db.session.rollback()
        return _failure_page(_("We could not produce the PDF copy of your file."),
                             url_for("documents.export_pdf", retry=1))
    if state.start_job and state.entry_id is not None:  # only once the pending row is committed
        if jobs.enqueue("pdf_copy", entry_id=state.entry_id) is None:  # ran inline: no queue
            state = documents.state_of(db.session, state.entry_id)
    if state.status == "ready" and state.content:
        name = "mon-dossier" if lang == "fr" else "my-file"  # file names in the reader's language
        return _pdf_response(state.content, f"{name}-{tenant.tenant_number}.pdf")
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
    name = "mes-donnees" if current_lang() == "fr" else "my-data"
    return download(Response(body, mimetype="application/zip", headers={"Cache-Control": "private, no-store"}),
                    f"{name}-{tenant.tenant_number}.zip")


@bp.route("/me/requests/<ref>/letter.pdf")
@requires("read_own_file")
def request_letter(ref: str) -> Any:
    """The latest letter issued on one of the tenant's own requests (another's → 404)."""
    own_tenant()  # 404 for an account without a tenant row
    req = requests_service.tenant_request(db.session, current_actor(), ref)
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
    req = requests_service.staff_request(db.session, actor, ref)
    if req is None:
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
                                 answer=answer[:5000] if answer else None,
                                 reason=request.args.get("reason") or None)
    except (pdf.PdfError, letters.LetterError):
        return _failure_page(_("We could not produce the preview of this letter."))
    # A granted access letter carries the whole file (copy_attached): the tenant's log
    # says the file was read, in the tenant's language, for answering their request.
    whole_file = kind == "granted" and req.kind == "access"
    access_log.record_read(
        db.session, actor, req.tenant,
        access.readable_categories(actor, req.tenant_id) if whole_file else ["requests"],
        access_log.make_purpose("privacy_request", None, req.tenant.preferred_language), request_ref=req.ref)
    db.session.commit()
    return _pdf_response(content, f"{req.ref}-{kind}-preview.pdf", inline=True)
