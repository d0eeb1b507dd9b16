"""Response letters to privacy requests, as tagged PDFs (PDF/UA-1, portal.pdf) archived with their hash.

`render` lays a letter out (staff preview); `issue` renders it, stores the bytes and
their SHA-256 in `letters` (archived unchanged) and flushes. A granted access request's
letter is followed by the PDF copy of the whole file in the same document."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from jinja2 import TemplateNotFound
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from portal import catalogue, formatting, pdf, rendering
from portal.i18n import in_locale
from portal.i18n import lazy_gettext as _l
from portal.catalogue import controller as controller_info
from portal.models import PrivacyRequest
from portal.models._base import utcnow
from portal.models.requests import FieldChange, Letter, RecipientNotice, RequestEvent

LETTER_KINDS = ("granted", "partly_granted", "refused", "extension", "info_request")

LETTER_KIND_LABELS = {
    "granted": _l("Your request is granted"),
    "partly_granted": _l("Your request is partly granted"),
    "refused": _l("Your request is refused"),
    "extension": _l("Extension of the time to answer"),
    "info_request": _l("Request for information"),
}

# Legal reasons a refusal (whole or partial) may rest on: key → (reference, explanation).
REFUSAL_REASONS: dict[str, tuple[str, Any]] = {
    "manifestly_unfounded": ("RGPD art. 12(5)", _l(
        "The request is manifestly unfounded.")),
    "manifestly_excessive": ("RGPD art. 12(5)", _l(
        "The request is manifestly excessive, in particular because of its repetitive character.")),
    "identity_not_established": ("RGPD art. 12(2) et 12(6)", _l(
        "We could not establish that the request comes from the person the data is about.")),
    "rights_of_others": ("RGPD art. 15(4)", _l(
        "Answering in full would adversely affect the rights and freedoms of other people.")),
    "legal_obligation": ("RGPD art. 17(3)(b)", _l(
        "We must keep this data to comply with a legal obligation (for example accounting and tax rules).")),
    "legal_claims": ("RGPD art. 17(3)(e)", _l(
        "We need this data to establish, exercise or defend legal claims.")),
    "compelling_grounds": ("RGPD art. 21(1)", _l(
        "We have compelling legitimate grounds for the processing which override your interests, rights and freedoms.")),
    "data_accurate": ("RGPD art. 16", _l(
        "After checking, the data we hold is accurate and complete.")),
    "not_portable": ("RGPD art. 20(1)", _l(
        "The right to portability covers only data you provided to us and that we process on the basis of your consent or of a contract.")),
    "objection_not_applicable": ("RGPD art. 21(1)", _l(
        "The right to object applies only to processing based on our legitimate interests or on a task in the "
        "public interest (Art. 6(1)(e) or (f)); this processing rests on another legal basis (the tenancy "
        "contract or a legal obligation).")),
    "restriction_not_applicable": ("RGPD art. 18(1)", _l(
        "None of the cases in which the GDPR provides for restriction applies: the accuracy of the data is not "
        "disputed, the processing is lawful, we do not need the data beyond its retention period, and no "
        "objection is pending.")),
}

#: Salutation and closing formula of a letter, by language and civility: the letter
#: greets "Madame," or "Monsieur," (never "Mme Camille Martin,") and closes with the
#: matching formula; "Madame, Monsieur," when the civility is unknown or a representative
#: is written to. Archived letters keep the wording of their language, as written then.
FORMULAS: dict[tuple[str, str], tuple[str, str]] = {
    ("fr", "Mme"): ("Madame,", "Nous vous prions d'agréer, Madame, l'expression de nos salutations distinguées."),
    ("fr", "M."): ("Monsieur,", "Nous vous prions d'agréer, Monsieur, l'expression de nos salutations distinguées."),
    ("fr", ""): ("Madame, Monsieur,",
                 "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées."),
    ("en", "Mme"): ("Dear Madam,", "Yours faithfully,"),
    ("en", "M."): ("Dear Sir,", "Yours faithfully,"),
    ("en", ""): ("Dear Sir or Madam,", "Yours faithfully,"),
}


def formulas(lang: str, civility: str | None) -> tuple[str, str]:
    """(salutation, closing) of a letter in ``lang`` to a person of this civility."""
    lang = lang if lang in ("fr", "en") else "fr"
    return FORMULAS.get((lang, civility or ""), FORMULAS[(lang, "")])

class LetterError(ValueError):
    """A letter of this kind cannot be produced for this request."""


@dataclass(frozen=True)
class LetterContext:
    """Plain data the letter templates read (never ORM objects)."""

    ref: str
    kind: str  # letter kind
    request_kind: str
    request_kind_label: str
    lang: str
    today: str
    received_on: str
    due_on: str
    tenant_name: str
    tenant_civility: str
    tenant_number: str
    address_lines: tuple[str, ...]
    answer: str
    reason_ref: str
    reason_text: str
    extension_reason: str
    field_label: str
    proposed_value: str
    changes: tuple[tuple[str, str, str], ...]  # (field, old, new)
    recipients: tuple[str, ...]
    copy_attached: bool
    landlord: Mapping[str, Any]
    salutation: str = ""
    closing: str = ""
    controller: controller_info.ControllerInfo | None = None  # rights, CNIL, transfers, DPO (Art. 15)
    # A request made by a representative: the letter goes to them, with a copy to the
    # tenant where the measure allows it.
    representative: str = ""  # "Name, Guardian (tutelle)"
    representative_lines: tuple[str, ...] = ()
    copy_to_tenant: bool = False
    withheld: int = 0  # passages about other people withheld from the copy (Art. 15(4))
    recipients_all: tuple[str, ...] = ()  # every named recipient of the catalogue (access letters)
    clock_stopped: bool = True  # info_request: about identity (the clock stops) or a clarification
    # What an erasure or objection did (requests/rights.py): (effect, what, detail) where
    # effect is removed | kept | stopped | not_stopped and detail the count, the Art.
    # 17(3) exception with the retention, what no longer happens, or the legal basis.
    effects: tuple[tuple[str, str, str], ...] = ()


def _address(req: PrivacyRequest) -> tuple[str, ...]:
    tenant = req.tenant
    if tenant.postal_address:
        return tuple(p.strip() for p in tenant.postal_address.split(",") if p.strip())
    lease = tenant.lease
    if lease is None:
        return ()
    d = lease.dwelling
    b = d.building
    door = ", ".join(x for x in (d.staircase and f"Esc. {d.staircase}",
                                 d.floor is not None and f"Ét. {d.floor}" or None,
                                 d.door and f"Porte {d.door}") if x)
    return tuple(x for x in (door, b.address, f"{b.postcode} {b.city}") if x)


def _field_label(field_key: str | None, lang: str) -> str:
    if not field_key:
        return ""
    found = catalogue.find_field(field_key)
    if found is None:
        return field_key
    cat, _, f = found
    with in_locale(lang):
        return f"{cat.title} — {f.label}"


def _latest_message(session: Session | None, req: PrivacyRequest, action: str) -> str:
    if session is None:
        return ""
    msg = session.scalar(select(RequestEvent.message).where(
        RequestEvent.request_id == req.id, RequestEvent.action == action,
        RequestEvent.message.is_not(None)).order_by(RequestEvent.id.desc()).limit(1))
    return msg or ""


def context(req: PrivacyRequest, kind: str, lang: str, config: Mapping[str, Any],
            answer: str | None = None, today: date | None = None, reason: str | None = None) -> LetterContext:
    """Gather everything a letter says, as plain strings in the letter's language
    (`reason`: a legal reason typed but not saved yet, for the staff's preview)."""
    if kind not in LETTER_KINDS:
        raise LetterError(f"unknown letter kind {kind!r}")
    session = object_session(req)
    # The letter is dated in Paris (a letter written at 00:30 on 1 March is not of 28 February).
    today = today or formatting.local_dt(utcnow()).date()
    changes: tuple[tuple[str, str, str], ...] = ()
    recipients: tuple[str, ...] = ()
    if session is not None and req.id is not None:
        changes = tuple(
            (_field_label(c.field_key, lang), c.old_value or "", c.new_value or "")
            for c in session.scalars(select(FieldChange).where(
                FieldChange.request_id == req.id).order_by(FieldChange.id)))
        recipients = tuple(session.scalars(select(RecipientNotice.recipient).where(
            RecipientNotice.request_id == req.id).order_by(RecipientNotice.id)))
    if answer is None:
        if kind == "info_request":
            answer = _latest_message(session, req, "request_info")
        elif kind == "extension":
            answer = req.extension_reason or _latest_message(session, req, "extend")
        else:
            answer = req.answer or ""
    reason_ref, reason_text = "", ""
    code = reason if reason in REFUSAL_REASONS else req.refusal_reason
    if code:
        ref_text = REFUSAL_REASONS.get(code)
        with in_locale(lang):
            if ref_text:
                reason_ref, reason_text = ref_text[0], str(ref_text[1])
            else:
                reason_ref, reason_text = "RGPD art. 12(4)", code
    with in_locale(lang):
        kind_label = str(catalogue.REQUEST_KIND_LABELS.get(req.kind, req.kind))
        civility = str(catalogue.CIVILITIES.get(req.tenant.civility or "", "")) if req.tenant.civility else ""
        representative = (f"{req.representative_name}, "
                          f"{catalogue.REPRESENTATIVE_KINDS.get(req.representative_kind or '', '')}"
                          if req.representative_name else "")
    salutation, closing = formulas(lang, None if representative else req.tenant.civility)
    return LetterContext(
        ref=req.ref, kind=kind, request_kind=req.kind, request_kind_label=kind_label, lang=lang,
        today=formatting.fmt_date(today, lang),
        received_on=formatting.fmt_date(req.received_on, lang),
        due_on=formatting.fmt_date(req.due_on, lang),
        tenant_name=req.tenant.full_name, tenant_civility=civility,
        tenant_number=req.tenant.tenant_number, address_lines=_address(req),
        answer=answer or "", reason_ref=reason_ref, reason_text=reason_text,
        extension_reason=req.extension_reason or (answer if kind == "extension" else "") or "",
        field_label=_field_label(req.field_key, lang), proposed_value=req.proposed_value or "",
        changes=changes, recipients=recipients,
        copy_attached=(kind in ("granted", "partly_granted") and req.kind == "access"),
        landlord=config.get("LANDLORD", {}),
        salutation=salutation, closing=closing, controller=controller_info.for_config(lang, config),
        representative=representative,
        representative_lines=tuple(p.strip() for p in (req.representative_address or "").split(",") if p.strip()),
        copy_to_tenant=bool(representative) and bool(req.representative_copy_tenant),
        recipients_all=_all_recipients(lang, config) if req.kind == "access" else (),
        clock_stopped=req.info_kind != "clarification",
        withheld=_withheld_count(session, req) if req.kind == "access" else 0,
        effects=_effects(session, req, lang, config) if session is not None and req.id is not None else (),
    )


def _all_recipients(lang: str, config: Mapping[str, Any]) -> tuple[str, ...]:
    """Every recipient the catalogue names, once each, in the catalogue's order (Art. 15(1)(c))."""
    seen: dict[str, None] = {}
    for cat in catalogue.CATEGORIES:
        for r in catalogue.art15(cat.key, lang, config.get("CATALOGUE_OVERRIDES")).recipients:
            seen.setdefault(r, None)
    return tuple(seen)


def _withheld_count(session: Session | None, req: PrivacyRequest) -> int:
    """How many passages about other people the tenant's copy withholds (Art. 15(4))."""
    if session is None:
        return 0
    from portal.notes import third_party

    return third_party.count_for_tenant(session, req.tenant_id)


def _effects(session: Session, req: PrivacyRequest, lang: str, config: Mapping[str, Any]) -> tuple[tuple[str, str, str], ...]:
    """The lines of what the answer did, in the letter's language (see LetterContext.effects)."""
    from portal.catalogue import processings
    from portal.models import RightEffect

    override = config.get("CATALOGUE_OVERRIDES")
    out = []
    with in_locale(lang):
        for e in session.scalars(select(RightEffect).where(RightEffect.request_id == req.id).order_by(RightEffect.id)):
            if e.effect in ("removed", "kept") and e.key in catalogue.BY_KEY:
                title = str(catalogue.get(e.key).title)
                if e.effect == "removed":
                    detail = str(e.count)
                else:
                    ref, why = REFUSAL_REASONS.get(e.exception or "", ("", ""))
                    detail = f"{ref}. {why} {catalogue.art15(e.key, lang, override).retention}"
            elif e.key in processings.BY_KEY:
                proc = processings.get(e.key)
                title = str(proc.title)
                detail = str(proc.stops or "") if e.effect == "stopped" else str(processings.BASIS_LABELS[proc.basis])
            else:
                continue
            out.append((e.effect, title, detail))
    return tuple(out)


def _template_for(kind: str, request_kind: str) -> list[str]:
    """Per-kind wording first (letters/granted_rectification.html), then per outcome."""
    return [f"letters/{kind}_{request_kind}.html", f"letters/{kind}.html"]


def letter_html(ctx: LetterContext) -> str:
    """The letter's HTML, in the letter's language whatever the language of the caller."""
    try:
        return rendering.render_document(_template_for(ctx.kind, ctx.request_kind), ctx.lang, c=ctx,
                                         kind_title=LETTER_KIND_LABELS[ctx.kind])
    except TemplateNotFound as exc:  # pragma: no cover - a packaging mistake
        raise LetterError(str(exc)) from exc


def _copy_document(req: PrivacyRequest, lang: str, config: Mapping[str, Any]) -> Any:
    """The PDF copy of the tenant's whole file, laid out (appended to an access letter)."""
    from portal.file import pdf_copy as documents

    session = object_session(req)
    if session is None:
        return None
    return documents.layout_copy(session, req.tenant, lang, config)


def render(req: PrivacyRequest, kind: str, lang: str, config: Mapping[str, Any],
           answer: str | None = None, today: date | None = None, reason: str | None = None) -> bytes:
    """The letter as PDF bytes (PDF/UA-1), not stored: used for the staff preview."""
    ctx = context(req, kind, lang, config, answer, today, reason)
    with in_locale(lang):
        title = f"{ctx.ref} — {LETTER_KIND_LABELS[kind]}"
    letter = pdf.document(letter_html(ctx), css=("letter.css",))
    if ctx.copy_attached:
        copy = _copy_document(req, lang, config)
        if copy is not None:
            letter = pdf.join([letter, copy])
    return pdf.write(letter, title=title)


def issue(session: Session, req: PrivacyRequest, kind: str, actor_id: int | None, lang: str,
          config: Mapping[str, Any], answer: str | None = None) -> Letter:
    """Render the letter, archive it unchanged with its SHA-256, flush; the caller commits."""
    content = render(req, kind, lang, config, answer)
    letter = Letter(request_id=req.id, kind=kind, language=lang, issued_by_id=actor_id,
                    issued_at=utcnow(), sha256=hashlib.sha256(content).hexdigest(), pdf=content)
    session.add(letter)
    session.flush()
    return letter


def latest(session: Session, request_id: int) -> Letter | None:
    """The most recently issued letter of a request."""
    return session.scalar(select(Letter).where(Letter.request_id == request_id)
                          .order_by(Letter.issued_at.desc(), Letter.id.desc()).limit(1))


def issued_on(letter: Letter, lang: str) -> str:
    return formatting.fmt_datetime(letter.issued_at, lang)


def is_letter_kind(value: Any) -> bool:
    return isinstance(value, str) and value in LETTER_KINDS
