"""The DPO teaches the guard (PRODUCT.md §7): every review decision on a flagged note or
incident becomes a labelled example, and `portal sensitive retrain` builds a new model
from the shipped set plus those examples, replacing the active one only when its
held-out figures are not worse.

The examples are copies of tenants' notes: they are deleted with their note or incident
(foreign keys ON DELETE CASCADE), and `purge_older_than` applies the notes' retention
period to them (GDPR Art. 5(1)(e); the same storage limitation as the table they came
from)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal import sensitive
from portal.models import GuardExample, Incident, Note, Tenant
from portal.sensitive import modelfile as guard_model_file, training as guard_training

DECISIONS = {"kept": True, "redacted": True, "dismissed": False}  # decision -> is it sensitive?


@dataclass(frozen=True)
class Retrained:
    """The outcome of a retrain: the figures of both models on the held-out notes."""

    examples: int
    new_version: str
    active_version: str
    replaced: bool
    figures: dict


def record_decision(session: Session, item: Note | Incident, decision: str, text: str,
                    categories: list[str], decided_by_id: int | None) -> GuardExample:
    """Keep one review decision as a labelled example. `text` is the text as the DPO saw
    it (before any redaction); a "not sensitive" dismissal has no categories."""
    tenant = session.get(Tenant, item.tenant_id)
    example = GuardExample(
        tenant_id=item.tenant_id, note_id=item.id if isinstance(item, Note) else None,
        incident_id=item.id if isinstance(item, Incident) else None,
        lang=(tenant.preferred_language if tenant is not None and tenant.preferred_language in ("fr", "en") else "fr"),
        text=text, sensitive=DECISIONS[decision], categories=sorted(categories) if DECISIONS[decision] else [],
        decision=decision, decided_by_id=decided_by_id, model_version=sensitive.model_version())
    session.add(example)
    session.flush()
    return example


def examples(session: Session) -> list[dict]:
    """The landlord's examples, in the format of the shipped training set."""
    rows = session.scalars(select(GuardExample).order_by(GuardExample.id))
    return [{"id": f"dpo-{row.id}", "lang": row.lang, "text": row.text, "sensitive": row.sensitive,
             "categories": list(row.categories or []), "register": "dpo_review"} for row in rows]


def purge_older_than(session: Session, cutoff: datetime, dry_run: bool = False) -> int:
    """Delete (or count) the examples decided before `cutoff`: the notes' retention."""
    stale = select(GuardExample.id).where(GuardExample.decided_at < cutoff)
    count = len(session.scalars(stale).all())
    if count and not dry_run:
        session.execute(delete(GuardExample).where(GuardExample.decided_at < cutoff))
    return count


def retrain(session: Session, model_path: Path, seed: int = 0) -> Retrained:
    """Train on the shipped set plus the landlord's examples; judge both models on the
    shipped held-out (dev) notes, which are never trained on; write the new model to
    `model_path` and make it active only when it is not worse."""
    extra = examples(session)
    current = sensitive.active_model()
    if current is None:  # the shipped model could not load: start from a fresh one
        current = guard_training.train(guard_training.shipped_examples(), seed=seed)
    new, figures, replaced = guard_training.retrain(guard_training.shipped_examples(), extra,
                                                 guard_training.dev_examples(), current, seed=seed)
    if replaced:
        model_path.parent.mkdir(parents=True, exist_ok=True)
        guard_model_file.save(new, model_path)
        sensitive.use_model(model_path)
    return Retrained(len(extra), new.version, sensitive.model_version(), replaced, figures)
