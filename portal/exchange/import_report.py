"""What `portal import` answers: the problems found (file:line:column) and, per file,
how many rows were created, updated, left alone or flagged for the DPO."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One problem in the input, located so that the landlord can fix the cell."""

    file: str
    line: int
    column: int
    message: Any  # lazy string: rendered in the language of whoever prints it

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


@dataclass
class FileReport:
    """What the import did with one file."""

    name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    changes: list[str] = field(default_factory=list)  # "key: column, column"


@dataclass
class Report:
    """The whole import: every file's counts, or the problems that stopped it."""

    files: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def flagged(self) -> int:
        return sum(f.flagged for f in self.files)

    @property
    def changed(self) -> int:
        return sum(f.created + f.updated for f in self.files)
