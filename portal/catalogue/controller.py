"""What the controller tells every tenant besides the per-category texts: every right and
how to use it, the CNIL complaint (address, website), transfers outside the EU, automated
decisions or profiling, and the DPO's contact (GDPR Art. 13(2), 15(1)(e)-(h), 15(2), 37(7)).

One source for the PDF copy, the access letter, the JSON export, the e-mails and the
letters' remedies: the CNIL's address is written once (controller.toml), and the DPO may
override any text from instance/catalogue.toml ([controller.fr], [controller.en])."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

_FILE = Path(__file__).with_name("controller.toml")
LANGS = ("fr", "en")


@dataclass(frozen=True)
class Right:
    name: str
    how: str


@dataclass(frozen=True)
class ControllerInfo:
    """The Art. 15(1)(e)-(h) and 15(2) information, in one language."""

    controller: str
    dpo_email: str
    dpo_address: str
    cnil_name: str
    cnil_address: str
    cnil_website: str
    cnil_complaint: str
    transfers: str
    automated: str
    rights: tuple[Right, ...]

    @property
    def cnil_line(self) -> str:
        """The CNIL as every letter, e-mail and page names it (one address everywhere)."""
        return f"{self.cnil_name}, {self.cnil_address}, {self.cnil_website}"

    def as_json(self) -> dict[str, Any]:
        return {
            "controller": self.controller,
            "dpo": {"email": self.dpo_email, "address": self.dpo_address},
            "rights": [{"right": r.name, "how": r.how} for r in self.rights],
            "complaint": {"authority": self.cnil_name, "address": self.cnil_address,
                          "website": self.cnil_website, "complaint_form": self.cnil_complaint},
            "transfers_outside_eu": self.transfers,
            "automated_decisions": self.automated,
        }


@lru_cache(maxsize=8)
def _texts(override_path: str | None) -> dict[str, dict[str, Any]]:
    with _FILE.open("rb") as fh:
        texts = tomllib.load(fh)["controller"]
    if override_path and Path(override_path).is_file():
        with open(override_path, "rb") as fh:
            extra = tomllib.load(fh).get("controller", {})
        for lang, values in extra.items():
            texts.setdefault(lang, {}).update(values)
    return texts


def info(lang: str, landlord: Mapping[str, Any] | None = None, override_path: str | None = None) -> ControllerInfo:
    """The controller's information in ``lang`` (French when unknown); the DPO's contact
    and the controller's name come from the LANDLORD setting."""
    t = _texts(override_path)
    texts = t.get(lang) or t["fr"]
    landlord = landlord or {}
    return ControllerInfo(
        controller=str(landlord.get("name", "")), dpo_email=str(landlord.get("dpo_email", "")),
        dpo_address=str(landlord.get("dpo_address", "")),
        cnil_name=texts["cnil_name"], cnil_address=texts["cnil_address"], cnil_website=texts["cnil_website"],
        cnil_complaint=texts["cnil_complaint"], transfers=texts["transfers"], automated=texts["automated"],
        rights=tuple(Right(name, how) for name, how in texts["rights"]))


def for_config(lang: str, config: Mapping[str, Any]) -> ControllerInfo:
    """``info`` with the app's settings (LANDLORD, CATALOGUE_OVERRIDES)."""
    return info(lang, config.get("LANDLORD", {}), config.get("CATALOGUE_OVERRIDES"))
