"""An installed copy finds its rules, forms and sample data, not only the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, propertytriage
from propertytriage.ruledata import rules_dir, forms_dir, examples_dir
from propertytriage import triage
d = triage({"case_id": "P", "filed_on": "2025-03-01", "province": "内蒙古自治区",
            "dispute_type": "fee_arrears", "claimant": "owner", "claim_amount": "100",
            "has_owners_committee": False,
            "attempts": [{"stage": s, "outcome": "failed"} for s in ("community", "mediation_center")]})
print(json.dumps({"package": propertytriage.__file__, "rules": str(rules_dir()),
                  "forms": str(forms_dir()), "examples": str(examples_dir()),
                  "track": d.court_track}))
"""


def _probe(env: dict[str, str], cwd: Path) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          cwd=cwd, env=env, check=True)
    result: dict[str, str] = json.loads(done.stdout)
    return result


def test_the_editable_install_reads_the_top_level_folders(tmp_path: Path) -> None:
    result = _probe({**os.environ, "PYTHONPATH": ""}, tmp_path)
    assert Path(result["rules"]) == ROOT / "rules"
    assert Path(result["forms"]) == ROOT / "forms"
    assert result["track"] == "small_claims"


@pytest.mark.slow
def test_a_wheel_carries_rules_forms_and_examples(tmp_path: Path) -> None:
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True)
    wheel = next(wheels.glob("propertytriage-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    result = _probe({**os.environ, "PYTHONPATH": str(target)}, tmp_path)
    data = target / "propertytriage" / "_data"
    assert Path(result["package"]).is_relative_to(target)
    assert Path(result["rules"]) == data / "rules"
    assert Path(result["forms"]) == data / "forms"
    assert Path(result["examples"]) == data / "examples"
    assert (data / "rules" / "triage" / "court.yaml").is_file()
    assert result["track"] == "small_claims"
