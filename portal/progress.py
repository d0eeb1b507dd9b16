"""Command-line helpers shared by every area's commands: the `--lang` option, a progress
bar fed by a service's `progress(n)` callback, numbers written the local way."""

from __future__ import annotations

import sys
from typing import Any

import click

from portal.i18n import current_language

LANG = click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
                    help="Language of the messages.")


class Bar:
    """A click progress bar fed by a service's `progress(n)` callback."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def __call__(self, n: int) -> None:
        self.bar.update(n)


def number(value: int) -> str:
    """1,234,567 in English, 1 234 567 (narrow no-break spaces) in French."""
    text = f"{value:,}"
    return text.replace(",", "\u202f") if current_language() == "fr" else text


def progress_bar(length: int, label: str) -> Any:
    return click.progressbar(length=max(1, length), label=label, file=sys.stderr,
                             show_eta=True, show_percent=True, width=30)
