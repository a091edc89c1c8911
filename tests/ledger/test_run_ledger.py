"""``propertytriage run`` keeps the samples in a ledger under its output folder."""

from __future__ import annotations

import json

from propertytriage import triage
from propertytriage.cli.main import main
from propertytriage.ledger import Ledger
from propertytriage.ledger.queries import show


def test_run_records_the_samples_in_a_ledger_and_prints_the_due_list(tmp_path, capsys) -> None:
    assert main(["run", "--out", str(tmp_path), "--no-forms"]) == 0
    printed = capsys.readouterr().out
    assert f"ledger → {tmp_path / 'ledger.db'}" in printed and "overdue first" in printed
    decisions = json.loads((tmp_path / "decisions.json").read_text(encoding="utf-8"))
    with Ledger(f"sqlite:///{tmp_path / 'ledger.db'}") as ledger, ledger.engine.connect() as connection:
        for decision in decisions:
            shown = show(connection, decision["case_id"])
            assert shown is not None and shown["decision"] == decision
            assert triage(shown["case"]).model_dump(mode="json") == decision
    # the company whose two cases scored below 60 waits for its rectification in both
    waiting = {d["case_id"]: d for d in decisions}
    assert "rectification_notice" in waiting["KBS-2025-007"]["forms"]
    assert "rectification_notice" in waiting["KBS-2025-008"]["forms"]
    assert main(["run", "--out", str(tmp_path), "--no-forms"]) == 0
    assert "unchanged 24" in capsys.readouterr().out   # running again records nothing twice
