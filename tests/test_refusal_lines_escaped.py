"""A refused document's case id is the input's own text: the refusal line escapes and cuts it.

An id holding an escape sequence reached the clerk's terminal as a real one (recolouring or
rewriting the screen), and a right-to-left mark reversed the rest of the line (docs/errors.md
promises both are escaped).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propertytriage.cli.main import main


@pytest.mark.parametrize("case_id", ["E\x1b[31mRED", "A\u202eB", "X\x00Y", "长" * 10_000])
def test_a_refused_case_id_is_printed_escaped_and_cut(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      case_id: str) -> None:
    document = {"case_id": case_id, "filed_on": "2025-03-01", "province": "内蒙古自治区",
                "dispute_type": "no_such_type", "claimant": "owner"}
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code = main(["import", str(path), "--db", f"sqlite:///{tmp_path / 'ledger.db'}"])
    err = capsys.readouterr().err
    refusals = [line for line in err.splitlines() if line.startswith("拒收 refused:")]
    assert code == 2 and refusals
    for line in refusals:
        assert "\x1b" not in line and "\u202e" not in line and "\x00" not in line
        assert len(line) < 2_000
    if len(case_id) < 100:
        shown = case_id.replace("\x1b", "\\x1b").replace("\u202e", "\\u202e").replace("\x00", "\\x00")
        assert all(shown in line for line in refusals)
