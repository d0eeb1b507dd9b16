"""Sensitive-data guard: ``scan(text)`` flags GDPR Art. 9/10, precarity and subjective wording.

Pure Python, no Flask or database. Hybrid: the vocabulary in ``vocab/`` (plain text files
a DPO can read and extend) plus a learned model judging the whole note (``model.py``,
trained on ``data/train``). See README.md.
"""
from __future__ import annotations

from .active import active_model, model_version, set_model_path, use_model
from .explain import explain
from .report import NoteRow, ReportSummary, write_report
from .scanner import Finding, Scanner
from .active import scan, scan_many, warm_up
from .vocab import CATEGORIES

__all__ = ["CATEGORIES", "Finding", "NoteRow", "ReportSummary", "Scanner", "active_model", "explain",
           "model_version", "scan", "scan_many", "set_model_path", "use_model", "warm_up", "write_report"]
