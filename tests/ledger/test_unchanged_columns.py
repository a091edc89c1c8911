"""An update of ``cases`` leaves out the columns that are as stored (``recorder._changed_columns``):
the rows it leaves are those an update setting every column leaves, through every kind of change
(a new claim amount, a new attempt, a corrected phone, a company's new score deciding its other open
cases again, a case moved to another company), on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from propertytriage.ledger import Ledger, recorder
from propertytriage.ledger.schema import CASES
from tests.ledger.test_import import fee_case

_OTHER = {"name": "另一家物业服务有限公司", "credit_code": "91150602MA0N0XXXX2"}
_COURT = {"stage": "mediation_center", "outcome": "failed", "on": "2026-03-02"}


def _rounds() -> list[list[dict[str, Any]]]:
    cases = [fee_case(f"U-{i}", company_score="75") for i in range(5)]
    return [
        cases,
        [{**cases[0], "claim_amount": "99.00"}, *cases[1:]],                       # the decision stays
        [{**cases[0], "claim_amount": "99.00", "attempts": [*cases[0]["attempts"], _COURT]},  # a new stage
         {**cases[1], "owners": [{"name": "李喆", "phone": "13800001111"}]}, *cases[2:]],
        [fee_case("U-9", company_score="52")],           # the company's new score: its open cases decided again
        [{**cases[2], "company_score": "52", "property_company": _OTHER}],     # another company
        [{**cases[3], "attempts": [{**a, "on": "2026-01-21"} if i == 0 else a  # a corrected attempt day
                                   for i, a in enumerate(cases[3]["attempts"])], "company_score": "52"}],
    ]


def _cases(ledger: Ledger) -> list[tuple[Any, ...]]:
    with ledger.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(CASES).order_by(CASES.c.case_id))]


def _every_column(before: Any, after: Any) -> tuple[str, ...]:
    return recorder._ALWAYS_SET + recorder._OF_SNAPSHOT + ("decision", "attempt_dates", "company_version")


@pytest.fixture(params=["sqlite", "postgresql"])
def two_urls(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'some.db'}", f"sqlite:///{tmp_path / 'every.db'}"
    cluster = request.getfixturevalue("postgres_cluster")
    return cluster.new_database(), cluster.new_database()


def test_an_update_setting_only_the_changed_columns_leaves_the_rows_one_setting_every_column_leaves(
        two_urls: tuple[str, str], clock, write_json, monkeypatch: pytest.MonkeyPatch) -> None:
    some, every = two_urls
    left: dict[str, list[list[tuple[Any, ...]]]] = {some: [], every: []}
    set_columns: list[tuple[str, ...]] = []
    changed = recorder._changed_columns

    def watched(before: Any, after: Any) -> tuple[str, ...]:
        set_columns.append(changed(before, after))
        return set_columns[-1]

    for url, columns in ((some, watched), (every, _every_column)):
        monkeypatch.setattr(recorder, "_changed_columns", columns)
        with Ledger(url, clock=clock) as ledger:
            for number, documents in enumerate(_rounds()):
                assert not ledger.import_files([write_json(f"r{number}.jsonl", documents)]).refused
                left[url].append(_cases(ledger))
    assert left[some] == left[every]
    assert len(left[some][-1]) == 6
    # the rounds did leave columns out, each kind at least once, and set each at least once
    for column in ("snapshot", "decision", "attempt_dates", "company_version"):
        assert any(column not in c for c in set_columns) and any(column in c for c in set_columns), column
