"""The Art. 15 information of each category (texts.toml, overridable by the DPO in
instance/catalogue.toml), with retention periods filled from catalogue/retention.py."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

_TEXTS_FILE = Path(__file__).with_name("texts.toml")


@lru_cache(maxsize=8)
def _load_texts(override_path: str | None) -> dict[str, Any]:
    with _TEXTS_FILE.open("rb") as fh:
        texts = tomllib.load(fh)
    if override_path and Path(override_path).is_file():
        with open(override_path, "rb") as fh:
            extra = tomllib.load(fh)
        for cat_key, by_lang in extra.items():
            for lang, values in by_lang.items():
                texts.setdefault(cat_key, {}).setdefault(lang, {}).update(values)
    return texts


@dataclass(frozen=True)
class Art15:
    """What Art. 15(1) and Art. 19 oblige us to tell about one category."""

    purpose: str
    legal_basis: str
    recipients: tuple[str, ...]
    retention: str
    source: str
    #: Outside recipients told of a rectification, erasure or restriction (Art. 19).
    art19: tuple[str, ...] = ()


def art15(category_key: str, lang: str, override_path: str | None = None) -> Art15:
    """The Art. 15 information of a category in a language (French when unknown)."""
    texts = _load_texts(override_path)[category_key]
    t = texts.get(lang) or texts["fr"]
    return Art15(t["purpose"], t["legal_basis"], tuple(t["recipients"]),
                 retention_text(category_key, t["retention"], lang), t["source"], tuple(t.get("art19", ())))


def retention_text(category_key: str, template: str, lang: str) -> str:
    """The Art. 15 retention text with its `{period}` filled from catalogue.retention, the
    same value `portal purge` applies (a DPO override without the placeholder stays as is)."""
    from portal.catalogue import retention

    rule = retention.RULES.get(category_key)
    if rule is None:
        return template
    return template.replace("{period}", retention.period_text(rule.months, "fr" if lang not in ("fr", "en") else lang))
