"""Fixtures shared by the tests under tests/ (the YAML examples' collector is the root conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from propertytriage.ruledata import rules_dir

# No timed assertions (speed is the benchmarks' business): hypothesis' 200 ms per example fails
# tests on a machine shared with other work, whatever the code does.
settings.register_profile("no_deadline", deadline=None)
settings.load_profile("no_deadline")


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A private copy of ``rules/`` that a test may break or change without touching the real one."""
    target = tmp_path / "rules"
    shutil.copytree(rules_dir(), target)
    return target
