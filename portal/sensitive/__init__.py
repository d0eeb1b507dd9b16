"""Sensitive-data guard: ``scan(text)`` flags GDPR Art. 9/10, precarity and subjective wording.

Pure Python, no Flask or database: the vocabulary lives in ``vocab/`` as plain text
files a DPO can read and extend (see README.md).
"""
from __future__ import annotations

from .report import NoteRow, ReportSummary, write_report
from .scanner import Finding, Scanner, scan
from .vocab import CATEGORIES

__all__ = ["CATEGORIES", "Finding", "NoteRow", "ReportSummary", "Scanner", "scan", "write_report"]
