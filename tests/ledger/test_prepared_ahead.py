"""A batch's cases are validated, dumped and decided ahead of their recording (``Recorder.prepare``);
what the ledger then holds is what recording each document the long way holds, whatever the batch
mixes: repeated cases, company records that change within the batch, histories, scorecards, refusals
and reasons."""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from propertytriage.engine import Triage
from propertytriage.ledger import Ledger
from propertytriage.ledger.documents import Document
from propertytriage.ledger.ledger import ImportSummary
from propertytriage.ledger.recording import Recorder
from propertytriage.ledger.schema import CASE_ATTEMPTS, CASES, COMPANIES, COMPANY_EVENTS, DEADLINES, EVENTS
from tests.ledger.test_import import fee_case
from tests.strategies import cases, histories, scorecards

_FOLDER = Path(tempfile.mkdtemp(prefix="prepared-ahead-"))
atexit.register(shutil.rmtree, _FOLDER, True)
_NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
_COMPANIES = ({"name": "甲物业服务有限公司"}, {"name": "乙物业服务有限公司", "credit_code": "91150602MA0000001X"})
_runs = itertools.count()


@st.composite
def documents(draw: st.DrawFn, prefix: str) -> dict[str, Any]:
    """A document of a few cases and two companies, so that a batch repeats them."""
    company = draw(st.sampled_from(_COMPANIES))
    kind = draw(st.sampled_from(["case"] * 6 + ["history", "scorecard", "refused"]))
    if kind == "history":
        return {**draw(histories(date(2026, 3, 1))), "company": company}
    if kind == "scorecard":
        return {**draw(scorecards(date(2026, 2, draw(st.integers(1, 28))))), "company": company}
    case = draw(cases(dispute_types=["fee_arrears", "service_quality"]))
    case["case_id"] = f"{prefix}-{draw(st.integers(1, 4))}"
    if draw(st.booleans()):
        case["property_company"] = company
    if draw(st.booleans()):  # the same few scores, as clerks copy the company's into each case
        for field in ("company_score", "scorecard", "rectification_history"):
            case.pop(field, None)
        score = draw(st.sampled_from([None, "45", "72.5", "90"]))
        if score is not None:
            case["company_score"] = score
    if kind == "refused":
        case["claim_amount"] = "一百"
    if draw(st.integers(0, 4)) == 0:
        case["correction_reason"] = draw(st.sampled_from(["核对原件后更正", "  ", None]))
    return case


def _long_way(self: Recorder, items: list[Any], companies: Any) -> list[None]:
    return [None] * len(items)  # every document recorded as if nothing were prepared


def _tables(ledger: Ledger) -> dict[str, list[str]]:
    """Every row of every table the import writes, without the surrogate ids, in a stable order."""
    with ledger.engine.connect() as connection:
        return {table.name: sorted(repr(tuple(row)) for row in connection.execute(
                    select(*(c for c in table.columns if c.name != "id"))))
                for table in (EVENTS, CASES, COMPANIES, DEADLINES, CASE_ATTEMPTS, COMPANY_EVENTS)}


def _summed(summary: ImportSummary) -> tuple[Any, ...]:
    return (summary.as_json(), dict(summary.companies),
            [(o.source, o.subject, [(p.location, p.code) for p in o.problems]) for o in summary.refused])


def _import_both(prepared: Ledger, long_way: Ledger, batches: list[list[dict[str, Any]]]) -> None:
    for number, batch in enumerate(batches):
        given = [Document(f"b{number} [{i}]", document) for i, document in enumerate(batch)]
        ahead = prepared.import_documents(given, reason="批量导入")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Recorder, "prepare", _long_way)
            alone = long_way.import_documents(given, reason="批量导入")
        assert _summed(ahead) == _summed(alone)
    assert _tables(prepared) == _tables(long_way)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_prepared_batch_records_what_the_long_way_records(data: st.DataObject) -> None:
    run = next(_runs)
    prefix = f"R{run}"
    batches = data.draw(st.lists(st.lists(documents(prefix), min_size=1, max_size=7), min_size=1, max_size=3))
    with Ledger(f"sqlite:///{_FOLDER / f'a{run}.db'}", clock=lambda: _NOW) as prepared, \
            Ledger(f"sqlite:///{_FOLDER / f'b{run}.db'}", clock=lambda: _NOW) as long_way:
        _import_both(prepared, long_way, batches)


def test_a_prepared_batch_records_what_the_long_way_records_on_both_databases(
        database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """A fixed batch through both ways, on SQLite and PostgreSQL: new and changed cases, a company whose
    new score re-decides its cases within the batch, one under rectification, refusals and a repeat."""
    second_url = (f"sqlite:///{tmp_path / 'long.db'}" if database_url.startswith("sqlite")
                  else request.getfixturevalue("postgres_cluster").new_database())
    with Ledger(database_url, clock=lambda: _NOW) as prepared, Ledger(second_url, clock=lambda: _NOW) as long_way:
        first = [fee_case(f"W-{i}", company_score="75") for i in range(4)]
        notice = {"company": first[0]["property_company"],
                  "events": [{"kind": "score", "on": "2026-02-01", "total": "50"},
                             {"kind": "notice", "on": "2026-02-02"}]}
        second = [{**first[0], "claim_amount": "100.00"}, fee_case("W-1", company_score="40"), first[2], notice,
                  {**first[3], "claim_amount": "x"}, fee_case("W-5"), {**first[0], "claim_amount": "200.00"},
                  fee_case("W-6", company_score="40", correction_reason="更正评分")]
        _import_both(prepared, long_way, [first, second])


def test_each_case_is_validated_and_decided_once_and_an_identical_one_not_decided(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    decided: list[str] = []
    original = Triage.decide_json

    def counting(self: Triage, case: Any, **kwargs: Any) -> dict[str, Any]:
        decided.append(case.case_id)
        return original(self, case, **kwargs)

    monkeypatch.setattr(Triage, "decide_json", counting)
    batch = [fee_case(f"V-{i}", company_score="75") for i in range(5)]
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}", clock=lambda: _NOW) as ledger:
        assert ledger.import_documents([Document("a", d) for d in batch]).new == 5
        assert sorted(decided) == [f"V-{i}" for i in range(5)]  # decided ahead, taken by the recording
        decided.clear()
        assert ledger.import_documents([Document("a", d) for d in batch]).unchanged == 5
        assert decided == []  # identical: told by the digest, not decided ahead
