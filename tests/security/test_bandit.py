"""bandit finds no issue of medium severity or above in portal/ (skips reviewed and
explained in pyproject.toml [tool.bandit])."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_has_no_medium_or_high_finding():
    if shutil.which("bandit") is None and subprocess.run([sys.executable, "-m", "bandit", "--version"],
                                                         capture_output=True).returncode != 0:
        pytest.fail("bandit is not installed (it is in the [test] extras)")
    result = subprocess.run([sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", "portal", "-ll",
                             "-f", "json", "-q"], cwd=ROOT, capture_output=True, text=True)
    report = json.loads(result.stdout)
    found = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]]
    assert not found, "\n".join(found)
