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
    # the ledger's counts agree with the cases listed: the company's history and scorecard apart
    assert f"共 {len(decisions)} 件" in printed and f"案件：新立 {len(decisions)}，变更 0" in printed
    assert f"cases: new {len(decisions)}, changed 0, unchanged 0; company records: new 1, changed 1" in printed
    assert main(["run", "--out", str(tmp_path), "--no-forms"]) == 0
    again = capsys.readouterr().out   # running again records nothing twice
    assert f"cases: new 0, changed 0, unchanged {len(decisions)}; company records: new 0, changed 0, unchanged 2" in again
