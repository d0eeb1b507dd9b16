"""The demo landlord: two buildings' worth of tenants with years of history, the six
demo accounts of PRODUCT.md §8, and privacy requests in every state (one overdue).

Idempotent: every record carries a stable landlord identifier (tenant number, refs,
ext_id) and is created only when missing, so running `portal demo` twice duplicates
nothing. Dates are relative to today so that "overdue" and "due soon" stay true."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any, Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Building, BuildingAssignment, Correspondence, Dwelling, HouseholdMember, Incident, Lease, Note,
    Payment, PaymentPlan, Portfolio, PortfolioAssignment, PrivacyRequest, RentCall, RequestEvent,
    ResourceDeclaration, Tenant, User, WithheldPassage,
)
from portal.accounts import service as accounts
from portal.audit import chain as audit
from portal.devdata import demo_rights
from portal.formatting import landlord_today

DEMO_PASSWORD = "demo-portal-2026"


def _get_or_create(session: Session, model: type, lookup: dict, **values):
    obj = session.scalar(select(model).filter_by(**lookup))
    if obj is None:
        obj = model(**lookup, **values)
        session.add(obj)
        session.flush()
    return obj


def _months_back(today: date, n: int) -> list[date]:
    first = today.replace(day=1)
    out = []
    y, m = first.year, first.month
    for _ in range(n):
        out.append(date(y, m, 1))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return list(reversed(out))


# The notes of PRODUCT.md §1: what must never be in a file, and the guard must catch.
SENSITIVE_NOTES = {
    "camille": [
        "Locataire cardiaque, prévoir un logement en rez-de-chaussée.",
        "Madame est sous chimiothérapie depuis mars, relancer le dossier plus tard.",
        "Locataire désagréable, toujours à se plaindre.",
    ],
    "karim": [
        "N'est pas de nationalité française, vérifier le titre de séjour.",
        "Ancien SDF, addiction boisson.",
        "Signalement de violence conjugale par la voisine du 3e.",
    ],
}
PLAIN_NOTES = [
    "Échéancier accordé : 50 € par mois pendant 10 mois.",
    "Dossier d'enquête SLS complet, reçu le 3 novembre.",
    "Préfère recevoir les courriers par e-mail.",
    "Absent lors du passage, avis déposé dans la boîte aux lettres.",
    "Attestation d'assurance habitation reçue pour l'année en cours.",
    "Appel reçu au sujet de la régularisation des charges, explications données.",
    "Rendez-vous pris pour l'état des lieux intermédiaire.",
]
TECH_INCIDENTS = [
    ("Fuite d'eau sous l'évier", "Fuite sous l'évier de la cuisine, plombier passé le 12."),
    ("Chauffage en panne", "Radiateurs froids dans le séjour, entreprise de chauffage relancée."),
    ("Interphone hors service", "L'interphone ne sonne plus dans le logement."),
    ("Détecteur de fumée", "Détecteur de fumée remplacé, pile défectueuse."),
    ("Prise électrique brûlée", "Prise électrique brûlée dans la cuisine, électricien mandaté."),
    ("Volet roulant bloqué", "Volet de la chambre bloqué en position basse."),
    ("Infiltration salle de bain", "Infiltration au plafond de la salle de bain, expertise assurance demandée."),
]
NEIGHBOUR_INCIDENTS = [
    ("Bruit nocturne", "Plainte pour bruit de machine à laver la nuit ; médiation organisée avec le voisin."),
    ("Encombrants sur le palier", "Encombrants déposés sur le palier du 3e étage."),
]


def load(session: Session, config: Mapping[str, Any], progress: Callable[[str], None] | None = None,
         today: date | None = None) -> list[tuple[str, str, str]]:
    """Create everything missing; return the demo accounts as (email, role, description)."""
    say = progress or (lambda _msg: None)
    today = today or landlord_today()
    rng = random.Random(2026)
    ph = accounts.hasher_for(config)
    pw_hash = ph.hash(DEMO_PASSWORD)

    say("Buildings and dwellings…")
    east = _get_or_create(session, Portfolio, {"code": "P-EST"}, name="Paris Est")
    north = _get_or_create(session, Portfolio, {"code": "P-NORD"}, name="Paris Nord")
    lilas = _get_or_create(session, Building, {"ref": "BAT-LILAS"}, name="Résidence Les Lilas",
                           address="20 rue des Lilas", postcode="75020", city="Paris", portfolio_id=east.id)
    tilleuls = _get_or_create(session, Building, {"ref": "BAT-TILLEULS"}, name="Résidence Les Tilleuls",
                              address="7 avenue des Tilleuls", postcode="75019", city="Paris",
                              portfolio_id=east.id)
    acacias = _get_or_create(session, Building, {"ref": "BAT-ACACIAS"}, name="Résidence Les Acacias",
                             address="3 place des Acacias", postcode="75018", city="Paris",
                             portfolio_id=north.id)

    people = [
        # key, number, civility, first, last, birth, email, phone, mobile, lang, building, door, start
        ("camille", "LOC-000101", "Mme", "Camille", "Martin", date(1984, 3, 12), "camille.martin@example.org",
         "01 43 56 78 90", "06 12 34 56 78", "fr", lilas, "32", date(2015, 9, 1)),
        ("karim", "LOC-000202", "M.", "Karim", "Benali", date(1979, 11, 2), "karim.benali@example.org",
         "01 42 08 11 22", "06 98 76 54 32", "fr", tilleuls, "14", date(2011, 4, 1)),
        ("sophie", "LOC-000103", "Mme", "Sophie", "Durand", date(1991, 6, 30), "sophie.durand@example.org",
         "01 43 11 22 33", "07 11 22 33 44", "fr", lilas, "21", date(2019, 2, 1)),
        ("john", "LOC-000204", "M.", "John", "Smith", date(1975, 1, 20), "john.smith@example.org",
         "01 42 33 44 55", "07 55 44 33 22", "en", tilleuls, "41", date(2020, 10, 1)),
        ("amina", "LOC-000305", "Mme", "Amina", "Diallo", date(1988, 8, 8), "amina.diallo@example.org",
         "01 46 00 11 22", "06 00 11 22 33", "fr", acacias, "11", date(2017, 7, 1)),
    ]
    tenants: dict[str, Tenant] = {}
    say("Tenants, leases and households…")
    for i, (key, number, civ, first, last, born, email, phone, mobile, lang, bld, door, start) in enumerate(people):
        dwelling = _get_or_create(session, Dwelling, {"ref": f"LOG-{number[-3:]}"}, building_id=bld.id,
                                  staircase="B" if i % 2 == 0 else "A", floor=int(door[0]), door=door,
                                  kind=["T3", "T4", "T2", "T3", "T5"][i],
                                  surface_m2=[64.5, 78.0, 47.2, 66.1, 92.3][i])
        rent = [61240, 58410, 45220, 60180, 71950][i]
        lease = _get_or_create(session, Lease, {"ref": f"BAIL-{number[-3:]}"}, dwelling_id=dwelling.id,
                               start_date=start, end_date=None, rent_cents=rent,
                               charges_cents=[14500, 13200, 9800, 12950, 16700][i], deposit_cents=rent)
        tenant = _get_or_create(session, Tenant, {"tenant_number": number}, civility=civ, first_name=first,
                                last_name=last, birth_date=born, email=email, phone=phone,
                                mobile_phone=mobile,
                                # A postal address as La Poste wants it: the door labelled, then the street.
                                postal_address=f"Porte {door}, {bld.address}, {bld.postcode} {bld.city}",
                                preferred_language=lang, lease_id=lease.id)
        tenants[key] = tenant
        _household(session, key, tenant)
        _resources(session, key, tenant, today, rng)
        _money(session, key, lease, today, rng)
        _incidents(session, key, tenant, dwelling, bld, today, rng)
        _correspondence(session, key, tenant, today)
        _get_or_create(session, User, {"email": email}, password_hash=pw_hash, role="tenant",
                       tenant_id=tenant.id, display_name=f"{first} {last}", language=lang,
                       email_confirmed=True)

    say("Staff accounts…")
    staff = {}
    for email, role, name in (
        ("gardien.lilas@example.org", "caretaker", "Gardien Les Lilas"),
        ("gestion@example.org", "manager", "Service gestion locative"),
        ("dpo@example.org", "dpo", "Délégué à la protection des données"),
        ("admin@example.org", "admin", "Administrateur"),
    ):
        staff[role] = _get_or_create(session, User, {"email": email}, password_hash=pw_hash, role=role,
                                     display_name=name, language="fr", email_confirmed=True)
    _get_or_create(session, BuildingAssignment, {"user_id": staff["caretaker"].id, "building_id": lilas.id})
    _get_or_create(session, PortfolioAssignment, {"user_id": staff["manager"].id, "portfolio_id": east.id})

    say("Staff notes…")
    for key, tenant in tenants.items():
        _notes(session, key, tenant, staff["manager"], today)

    say("Privacy requests in every state…")
    _requests(session, tenants, staff, today)
    _third_party(session, tenants["karim"], staff["dpo"])

    if session.scalar(select(audit.AuditEntry.id).limit(1)) is None:
        say("Access log…")
        read_at = datetime.combine(today - timedelta(days=3), time(9, 42))
        audit.record(session, staff["caretaker"].id, "caretaker", "read", tenant_id=tenants["camille"].id,
                     categories=("identity", "contact", "lease", "incidents"),
                     purpose="Intervention technique dans le logement", at=read_at)
        audit.record(session, staff["manager"].id, "manager", "read", tenant_id=tenants["camille"].id,
                     categories=("identity", "contact", "household", "lease", "resources", "payments",
                                 "incidents", "notes", "correspondence", "requests"),
                     purpose="Gestion locative : régularisation des charges",
                     at=read_at + timedelta(days=1, hours=5))

    # After the access log above (written only into an empty log): these answers add to it.
    demo_rights.load(session, config, tenants, staff["dpo"], today, say)
    return [
        ("camille.martin@example.org", "tenant", "Camille Martin, Résidence Les Lilas"),
        ("karim.benali@example.org", "tenant", "Karim Benali, Résidence Les Tilleuls"),
        ("gardien.lilas@example.org", "caretaker", "caretaker of Résidence Les Lilas only"),
        ("gestion@example.org", "manager", "rental manager, portfolio Paris Est (Lilas, Tilleuls)"),
        ("dpo@example.org", "dpo", "data-protection officer: every tenant, every request"),
        ("admin@example.org", "admin", "IT administrator: staff accounts, no tenant data"),
    ]


def _household(session: Session, key: str, tenant: Tenant) -> None:
    members = {
        "camille": [("Julien", "Martin", "spouse", 1982), ("Lucas", "Martin", "son", 2012),
                    ("Emma", "Martin", "daughter", 2016)],
        "karim": [("Nadia", "Benali", "spouse", 1981), ("Yanis", "Benali", "son", 2008)],
        "sophie": [],
        "john": [("Mary", "Smith", "spouse", 1977)],
        "amina": [("Moussa", "Diallo", "son", 2010), ("Awa", "Diallo", "daughter", 2013),
                  ("Fatou", "Diallo", "daughter", 2018)],
    }[key]
    for n, (first, last, rel, year) in enumerate(members):
        _get_or_create(session, HouseholdMember, {"ext_id": f"{tenant.tenant_number}-H{n}"},
                       tenant_id=tenant.id, first_name=first, last_name=last, relation=rel, birth_year=year)


def _resources(session: Session, key: str, tenant: Tenant, today: date, rng: random.Random) -> None:
    base = {"camille": 2_610_000, "karim": 1_980_000, "sophie": 2_250_000, "john": 3_400_000,
            "amina": 1_420_000}[key]
    for year in range(today.year - 4, today.year + 1):
        _get_or_create(session, ResourceDeclaration, {"ext_id": f"{tenant.tenant_number}-R{year}"},
                       tenant_id=tenant.id, survey_year=year,
                       declared_income_cents=base + rng.randint(-90_000, 120_000),
                       tax_notice_year=year - 1, household_size=rng.randint(1, 5),
                       sls_answer="Enquête complète, ressources sous le plafond." if year % 2 == 0 else
                       "Enquête SLS renvoyée dans les délais.",
                       housing_benefit_number=f"CAF-75-{tenant.tenant_number[-3:]}{year % 100:02d}",
                       housing_benefit_cents=rng.choice([0, 18_540, 22_310, 25_000]))


def _money(session: Session, key: str, lease: Lease, today: date, rng: random.Random) -> None:
    months = {"camille": 72, "karim": 60, "sophie": 36, "john": 24, "amina": 48}[key]
    if session.scalar(select(RentCall.id).where(RentCall.ext_id == f"{lease.ref}-C0")):
        return  # already generated
    for n, period in enumerate(_months_back(today, months)):
        session.add(RentCall(ext_id=f"{lease.ref}-C{n}", lease_id=lease.id, period=period,
                             rent_cents=lease.rent_cents, charges_cents=lease.charges_cents,
                             issued_on=period - timedelta(days=5)))
        late = rng.random() < 0.08
        paid = period + timedelta(days=rng.randint(20, 40) if late else rng.randint(1, 6))
        if paid <= today:
            session.add(Payment(ext_id=f"{lease.ref}-P{n}", lease_id=lease.id, paid_on=paid,
                                amount_cents=lease.rent_cents + lease.charges_cents - (5000 if late else 0),
                                method=rng.choice(["direct_debit", "direct_debit", "transfer", "caf"]),
                                reference=f"VIR-{period:%Y%m}-{lease.ref[-3:]}"))
    if key in ("camille", "karim"):
        session.add(PaymentPlan(ext_id=f"{lease.ref}-PP1", lease_id=lease.id,
                                agreed_on=date(today.year - 2, 3, 15), monthly_cents=5000, months=10,
                                status="completed"))
    session.flush()


def _incidents(session: Session, key: str, tenant: Tenant, dwelling: Dwelling, bld: Building,
               today: date, rng: random.Random) -> None:
    count = {"camille": 7, "karim": 5, "sophie": 3, "john": 2, "amina": 4}[key]
    for n in range(count):
        kind = "neighbourhood" if n % 4 == 3 else "technical"
        title, desc = (NEIGHBOUR_INCIDENTS if kind == "neighbourhood" else TECH_INCIDENTS)[
            n % (len(NEIGHBOUR_INCIDENTS) if kind == "neighbourhood" else len(TECH_INCIDENTS))]
        reported = today - timedelta(days=40 + n * 130 + rng.randint(0, 20))
        closed = reported + timedelta(days=rng.randint(3, 30)) if n > 0 else None
        _get_or_create(session, Incident, {"ext_id": f"{tenant.tenant_number}-I{n}"}, building_id=bld.id,
                       dwelling_id=dwelling.id, tenant_id=tenant.id, kind=kind, reported_on=reported,
                       title=title, description=desc, status="closed" if closed else "open",
                       closed_on=closed)


def _correspondence(session: Session, key: str, tenant: Tenant, today: date) -> None:
    items = [
        (400, "out", "letter", "Avis de régularisation des charges", "Régularisation des charges de l'année écoulée : solde en votre faveur de 84,20 €."),
        (300, "in", "email", "Demande d'attestation de loyer", "Bonjour, pourriez-vous m'envoyer une attestation de loyer pour la CAF ? Merci."),
        (298, "out", "email", "Votre attestation de loyer", "Veuillez trouver ci-joint votre attestation de loyer."),
        (120, "out", "letter", "Enquête d'occupation du parc social", "Merci de nous retourner l'enquête avant le 30 du mois."),
        (30, "in", "letter", "Réponse à l'enquête", "Enquête complétée et signée, avec l'avis d'imposition."),
    ]
    for n, (days, direction, channel, subject, body) in enumerate(items):
        _get_or_create(session, Correspondence, {"ext_id": f"{tenant.tenant_number}-K{n}"}, tenant_id=tenant.id,
                       sent_on=today - timedelta(days=days), direction=direction, channel=channel,
                       subject=subject, body=body)


def _notes(session: Session, key: str, tenant: Tenant, author: User, today: date) -> None:
    texts = list(PLAIN_NOTES[: 4 if key in ("camille", "karim") else 2]) + SENSITIVE_NOTES.get(key, [])
    for n, body in enumerate(texts):
        sensitive = body in SENSITIVE_NOTES.get(key, [])
        _get_or_create(session, Note, {"ext_id": f"{tenant.tenant_number}-N{n}"}, tenant_id=tenant.id,
                       author_id=author.id, author_name=author.display_name,
                       created_at=datetime.combine(today - timedelta(days=900 - n * 110), time(10, 15)),
                       body=body, review_status="pending" if sensitive else "none")


def _third_party(session: Session, tenant: Tenant, dpo: User) -> None:
    """A passage about another person (the neighbour who reported), withheld from the
    tenant's copies (Art. 15(4)): staff still read it."""
    passage = "par la voisine du 3e"
    note = session.scalar(select(Note).where(Note.tenant_id == tenant.id, Note.body.contains(passage)).limit(1))
    if note is None or session.scalar(select(WithheldPassage.id).where(
            WithheldPassage.record_kind == "note", WithheldPassage.record_id == note.id).limit(1)):
        return
    start = note.body.index(passage)
    session.add(WithheldPassage(tenant_id=tenant.id, record_kind="note", record_id=note.id, field="body",
                                start=start, end=start + len(passage), marked_by_id=dpo.id,
                                reason="Identité de la personne à l'origine du signalement"))
    session.flush()


def _requests(session: Session, tenants: dict[str, Tenant], staff: dict[str, User], today: date) -> None:
    from portal.deadlines import due_date

    dpo, manager = staff["dpo"], staff["manager"]
    # ref, tenant, kind, status, received days ago, assigned, outcome, extra
    specs = [
        ("DPR-DEMO-0001", "camille", "access", "closed", 200, dpo, "granted", {}),
        ("DPR-DEMO-0002", "camille", "rectification", "in_progress", 6, manager, None,
         {"field_key": "contact.mobile_phone", "proposed_value": "06 12 34 56 79"}),
        ("DPR-DEMO-0003", "karim", "erasure", "waiting_info", 12, dpo, None,
         {"target_records": ["notes"], "details": "Je demande l'effacement des notes me concernant.",
          "info_kind": "clarification"}),
        ("DPR-DEMO-0004", "sophie", "objection", "received", 45, None, None,
         {"details": "Je m'oppose à l'envoi de mes coordonnées aux entreprises."}),
        ("DPR-DEMO-0005", "john", "portability", "answered", 20, dpo, "granted", {}),
        ("DPR-DEMO-0006", "amina", "restriction", "in_progress", 25, dpo, None, {"extended": True}),
        ("DPR-DEMO-0007", "karim", "access", "answered", 60, dpo, "refused",
         {"refusal_reason": "manifestly_excessive"}),
        ("DPR-DEMO-0008", "sophie", "access", "withdrawn", 90, None, None, {}),
        ("DPR-DEMO-0009", "john", "rectification", "received", 2, None, None,
         {"field_key": "contact.email", "proposed_value": "j.smith@example.org"}),
        # Made on the tenant's behalf by the UDAF, her curator, received by post.
        ("DPR-DEMO-0010", "sophie", "access", "received", 4, None, None,
         {"details": "Copie de l'ensemble du dossier de Mme Durand.", "channel": "post",
          "registered_by_id": dpo.id, "identity_note": "Jugement de curatelle et pièce d'identité de la curatrice.",
          "representative_kind": "udaf", "representative_name": "UDAF de Paris — Mme Lefèvre, mandataire",
          "representative_address": "UDAF de Paris, 10 rue de l'Exemple, 75010 Paris",
          "representative_email": "curatelles@udaf-exemple.org",
          "representative_proof": "Jugement de curatelle renforcée du tribunal judiciaire de Paris du 12 mars 2024",
          "representative_copy_tenant": True}),
    ]
    for ref, who, kind, status, ago, assignee, outcome, extra in specs:
        if session.scalar(select(PrivacyRequest.id).where(PrivacyRequest.ref == ref)):
            continue
        received = today - timedelta(days=ago)
        extended = extra.pop("extended", False)
        req = PrivacyRequest(
            ref=ref, tenant_id=tenants[who].id, kind=kind, status=status,
            details=extra.pop("details", ""), received_on=received, clock_start=received,
            due_on=due_date(received, extended), extended=extended,
            extension_reason="Demande complexe : plusieurs services concernés." if extended else None,
            assigned_to_id=assignee.id if assignee else None, outcome=outcome,
            answer="Votre demande a été traitée." if outcome else None,
            created_at=datetime.combine(received, time(9, 0)), **extra)
        session.add(req)
        session.flush()
        steps = [("submit", None, "received", None, None) if not req.registered_by_id
                 else ("register", None, "received", dpo, req.identity_note)]
        if assignee:
            steps.append(("assign", "received", "in_progress", assignee, None))
        if extended:
            steps.append(("extend", "in_progress", "in_progress", assignee, req.extension_reason))
        if status == "waiting_info":
            steps.append(("request_info", "in_progress", "waiting_info", assignee,
                          "Merci de préciser quelles notes sont concernées."))
        if outcome:
            steps.append((outcome if outcome != "granted" else "grant", "in_progress", "answered", assignee,
                          "Votre demande a été traitée."))
        if status == "closed":
            steps.append(("close", "answered", "closed", assignee, None))
        if status == "withdrawn":
            steps.append(("withdraw", "received", "withdrawn", None, "Demande retirée par le locataire."))
        for n, (action, frm, to, actor, message) in enumerate(steps):
            session.add(RequestEvent(
                request_id=req.id, at=datetime.combine(received + timedelta(days=min(n * 2, ago)), time(10, n)),
                actor_id=actor.id if actor else None, actor_role=actor.role if actor else "tenant",
                action=action, from_status=frm, to_status=to, message=message))
    session.flush()
