"""Fixtures shared by the tests under tests/ (the YAML examples' collector is the root conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from propertytriage.ruledata import rules_dir


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A private copy of ``rules/`` that a test may break or change without touching the real one."""
    target = tmp_path / "rules"
    shutil.copytree(rules_dir(), target)
    return target
