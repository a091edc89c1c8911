"""A changed case whose deadlines cannot have changed keeps its deadline rows (deadlines.same_case_deadlines):
the rows left are always those the case's current state gives, as a ledger importing it alone writes them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import func, select

from propertytriage.ledger import Ledger
from propertytriage.ledger.deadlines import same_case_deadlines
from propertytriage.ledger.documents import Document
from propertytriage.ledger.replay import rebuild_derived
from propertytriage.ledger.schema import DEADLINES, EVENTS
from propertytriage.ledger.state import CaseState
from tests.ledger import casegen
from tests.ledger.test_import import fee_case

_STEPS = [{"stage": s, "outcome": "failed", "on": on}
          for s, on in (("owners_committee", "2026-01-20"), ("community", "2026-02-10"), ("mediation_center", "2026-03-02"))]


def _rows(ledger: Ledger) -> list[tuple[Any, ...]]:
    with ledger.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(select(DEADLINES).order_by(DEADLINES.c.subject_id, DEADLINES.c.kind))]


def _without_ids(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [row[1:] for row in rows]


def _alone(tmp_path, name: str, document: list[dict[str, Any]], clock, write_json) -> list[tuple[Any, ...]]:
    with Ledger(f"sqlite:///{tmp_path / name}", clock=clock) as ledger:
        assert not ledger.import_files([write_json(name + ".json", document)]).refused
        return _without_ids(_rows(ledger))


def test_deadline_rows_are_kept_only_while_what_they_are_counted_from_is_the_same(database_url, tmp_path, clock,
                                                                                  write_json) -> None:
    snapshots = [
        fee_case(attempts=_STEPS),                                         # at court: pre-litigation mediation
        fee_case(attempts=_STEPS, claim_amount="2800.00"),                  # the amount: rows kept as they are
        fee_case(attempts=_STEPS, claim_amount="2800.00",                   # a party's phone: the listing changes
                 owners=[{"name": "李喆", "phone": "13800001111"}]),
        fee_case(attempts=[*_STEPS, {"stage": "court", "outcome": "failed", "on": "2026-04-01"}],
                 claim_amount="2800.00", owners=[{"name": "李喆", "phone": "13800001111"}]),  # the trial's limit
    ]
    other = fee_case("A-2", attempts=_STEPS)  # after A-1 in every file: a row rewritten gets a higher id than its
    with Ledger(database_url, clock=clock) as ledger:
        seen = []
        for number, snapshot in enumerate(snapshots):
            documents = [snapshot, other]
            assert ledger.import_files([write_json(f"s{number}.json", documents)]).changed == (1 if number else 0)
            rows = _rows(ledger)
            assert _without_ids(rows) == _alone(tmp_path, f"alone{number}.db", documents, clock, write_json)
            seen.append({row[2]: row for row in rows})
    assert seen[1] == seen[0]  # not rewritten: the same row ids
    assert seen[2]["A-1"][0] > seen[1]["A-2"][0] and "1111" in str(seen[2]["A-1"]) and "5678" not in str(seen[2]["A-1"])
    assert seen[3]["A-1"][3] != seen[2]["A-1"][3]  # another kind of deadline


def _state(**changes: Any) -> CaseState:
    base = CaseState(case_id="A-1", version=1, digest="d", snapshot=fee_case(attempts=_STEPS),
                     decision={"next_stage": "court", "court_track": None, "rules_version": "1+abc"},
                     filed_on=date(2026, 1, 5), attempt_dates=[a["on"] for a in _STEPS])
    return replace(base, **changes)


def test_new_rules_a_new_stage_or_track_or_other_days_count_the_deadlines_again() -> None:
    before = _state()
    assert same_case_deadlines(before, _state(snapshot={**before.snapshot, "claim_amount": "1.00"}))
    for after in (_state(decision={**before.decision, "rules_version": "1+def"}),
                  _state(decision={**before.decision, "next_stage": "closed"}),
                  _state(decision={**before.decision, "court_track": "small_claims"}),
                  _state(attempt_dates=["2026-01-21", *before.attempt_dates[1:]]),
                  _state(snapshot={**before.snapshot, "filed_on": "2026-01-06"}),
                  _state(snapshot={**before.snapshot, "property_company": {"name": "另一家"}})):
        assert not same_case_deadlines(before, after)


def test_after_rounds_of_snapshots_and_company_changes_the_deadline_rows_are_what_a_rebuild_counts(
        database_url, clock) -> None:
    """Every way a case is written again (a new snapshot, its company's new score deciding its other
    cases again) leaves the rows that counting every case afresh gives (replay.rebuild_derived)."""
    documents = casegen.cases(60, companies=5)
    with Ledger(database_url, clock=clock, batch_size=7) as ledger:
        for step in range(6):
            if step:
                documents = [casegen.next_snapshot(d, step) for d in documents]
            if step == 3:  # one case per company brings a new score: the company's other cases are decided again
                documents[:5] = [{**d, "company_score": "20.0"} for d in documents[:5]]
            assert not ledger.import_documents(Document(f"r{step} {i}", d) for i, d in enumerate(documents)).refused
        with ledger.engine.connect() as connection, connection.begin() as transaction:
            kept = sorted(_without_ids(_rows_of(connection)))
            rebuild_derived(connection)
            assert sorted(_without_ids(_rows_of(connection))) == kept
            transaction.rollback()
        with ledger.engine.connect() as connection:
            changed = connection.scalar(select(func.count()).select_from(EVENTS).where(EVENTS.c.kind == "company_changed"))
    assert changed and kept


def _rows_of(connection: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in connection.execute(select(DEADLINES))]
