"""Migration 0007: each attempt carries its case's street, community and company, so the breakdown of
the mediation center by group reads ``case_attempts`` alone.

What must stay true (docs/statistics.md): an attempt counts in the group of its case as the case is
recorded now, like the case's own received and sent-to-court counts; a case that moves to another
community or company takes its attempts with it. The property compares the breakdown with a count
made in plain Python from the documents imported.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select

from propertytriage.ledger import Ledger
from propertytriage.ledger import replay as replay_module
from propertytriage.ledger.database import make_engine
from propertytriage.ledger.migrate import _config, current_revision, head_revision
from propertytriage.ledger.schema import CASE_ATTEMPTS, CASES
from propertytriage.ledger.statistics import counts
from tests.ledger.conftest import Clock

DAY0 = date(2026, 1, 1)
COMMUNITIES = ("喆园社区", "堃安社区", "丽水社区")
STREETS = {"喆园社区": "天骄街道", "堃安社区": "天骄街道", "丽水社区": "昭君街道"}
COMPANIES = ({"name": "恒安物业服务有限公司", "credit_code": "91150602MA0N0XXXX1"},
             # named without a code, and no coded record carries the name: a key by name (name:…); the same
             # name as the first would join the first's record (ledger/companies.py resolved_by_name)
             {"name": "恒泰物业服务有限公司"},
             {"name": "锦泰物业有限公司", "credit_code": "91150602MA0N0YYYY2"})


def _key(company: dict[str, str]) -> str:
    return f"credit:{company['credit_code']}" if "credit_code" in company else f"name:{company['name']}"


def _case(case_id: str, community: str, company: dict[str, str],
          attempts: list[tuple[str, str, int | None]]) -> dict[str, Any]:
    return {"case_id": case_id, "filed_on": DAY0.isoformat(), "province": "内蒙古自治区",
            "dispute_type": "fee_arrears", "claimant": "property_company", "claim_amount": "1200.00",
            "property_company": dict(company),
            "estate": {"name": "锦绣小区", "street": STREETS[community], "community": community},
            "attempts": [{"stage": stage, "outcome": outcome,
                          **({} if day is None else {"on": (DAY0 + timedelta(days=day)).isoformat()})}
                         for stage, outcome, day in attempts]}


def _write(path: Path, documents: list[dict[str, Any]]) -> str:
    path.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _breakdown(connection: Any, by: str, start: date, end: date) -> dict[str, tuple[int, int]]:
    """Per group: (cases mediated, resolved) at the mediation center, groups with none left out."""
    groups = counts(connection, start, end, by).groups  # type: ignore[arg-type]
    return {g.key: (g.mediation.resolved + g.mediation.failed, g.mediation.resolved)
            for g in groups if g.mediation.resolved + g.mediation.failed}


def _attempt_groups(url: str) -> list[tuple[Any, ...]]:
    """Each attempt's groups beside its case's (they must agree)."""
    engine = make_engine(url)
    with engine.connect() as connection:
        a, c = CASE_ATTEMPTS, CASES
        rows = connection.execute(select(a.c.case_id, a.c.position, a.c.street, a.c.community, a.c.company_key,
                                         c.c.street, c.c.community, c.c.company_key)
                                  .join_from(a, c, a.c.case_id == c.c.case_id)
                                  .order_by(a.c.case_id, a.c.position)).all()
    engine.dispose()
    return [tuple(r) for r in rows]


MEDIATION = [("owners_committee", "failed", 3), ("community", "failed", 8), ("mediation_center", "resolved", 20)]


def test_a_case_that_moves_to_another_community_and_company_takes_its_attempts_along(
        database_url, clock, tmp_path) -> None:
    first = [_case("M-1", "喆园社区", COMPANIES[1], MEDIATION),
             _case("M-2", "喆园社区", COMPANIES[1], [*MEDIATION[:2], ("mediation_center", "failed", 21)])]
    # M-1 is re-entered under another community and another company (a coded one: another key),
    # nothing else changed; M-2 gets a further attempt and stays where it was
    moved = [_case("M-1", "丽水社区", COMPANIES[0], MEDIATION),
             _case("M-2", "喆园社区", COMPANIES[1], [*MEDIATION[:2], ("mediation_center", "failed", 21),
                                                   ("mediation_center", "resolved", 40)])]
    period = (DAY0, DAY0 + timedelta(days=60))
    with Ledger(database_url, clock=clock) as ledger:
        assert ledger.import_files([_write(tmp_path / "a.json", first)]).refused == []
        with ledger.engine.connect() as connection:
            assert _breakdown(connection, "community", *period) == {"喆园社区": (2, 1)}
        clock.advance(5)
        summary = ledger.import_files([_write(tmp_path / "b.json", moved)])
        assert (summary.changed, summary.refused) == (2, [])
        with ledger.engine.connect() as connection:
            by_community = _breakdown(connection, "community", *period)
            by_street = _breakdown(connection, "street", *period)
            by_company = _breakdown(connection, "company", *period)
            received = {g.key: g.received for g in counts(connection, *period, "community").groups}
    # counted where the case is recorded now, as its receipt is
    assert by_community == {"丽水社区": (1, 1), "喆园社区": (1, 1)}
    assert received == {"丽水社区": 1, "喆园社区": 1}
    assert by_street == {"昭君街道": (1, 1), "天骄街道": (1, 1)}
    assert by_company == {_key(COMPANIES[0]): (1, 1), _key(COMPANIES[1]): (1, 1)}
    rows = _attempt_groups(database_url)
    assert len(rows) == 7 and all(r[2:5] == r[5:8] for r in rows)


def test_a_ledger_at_0006_is_migrated_with_the_groups_copied_and_nothing_rebuilt(
        database_url, clock, tmp_path, monkeypatch, capsys) -> None:
    documents = [_case("G-1", "喆园社区", COMPANIES[0], MEDIATION),
                 _case("G-2", "丽水社区", COMPANIES[2], [*MEDIATION[:2], ("mediation_center", "failed", None)]),
                 {**_case("G-3", "堃安社区", COMPANIES[0], MEDIATION[:1]), "estate": {}}]
    period = (DAY0, date(2026, 12, 31))
    with Ledger(database_url, clock=clock) as ledger:
        assert ledger.import_files([_write(tmp_path / "a.json", documents)]).refused == []
        with ledger.engine.connect() as connection:
            before = {by: _breakdown(connection, by, *period) for by in ("street", "community", "company")}
    groups = _attempt_groups(database_url)
    assert {r[0]: r[2:5] for r in groups} == {"G-1": ("天骄街道", "喆园社区", _key(COMPANIES[0])),
                                              "G-2": ("昭君街道", "丽水社区", _key(COMPANIES[2])),
                                              "G-3": (None, None, _key(COMPANIES[0]))}
    engine = make_engine(database_url)
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        command.downgrade(_config(connection), "0006")
        assert current_revision(connection) == "0006"
        assert "community" not in {c["name"] for c in inspect(connection).get_columns("case_attempts")}
    engine.dispose()

    def no_rebuild(_connection: Any) -> None:
        raise AssertionError("0006 → 0007 fills its columns itself: no projection is rebuilt from the events")

    monkeypatch.setattr(replay_module, "rebuild_derived", no_rebuild)
    capsys.readouterr()
    with Ledger(database_url, clock=clock) as ledger, ledger.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        after = {by: _breakdown(connection, by, *period) for by in ("street", "community", "company")}
    said = capsys.readouterr().err.splitlines()
    assert said[0] == f"迁移台账数据库：架构 0006 → {head_revision()}……" and "rebuilding" not in said[1]
    assert _attempt_groups(database_url) == groups
    assert after == before
    assert before["community"] == {"喆园社区": (1, 1), "丽水社区": (1, 0)}


# --- the breakdown against a count in plain Python -------------------------------------------------------

LADDER = ("owners_committee", "community", "mediation_center")
steps = st.lists(st.tuples(st.sampled_from(LADDER), st.sampled_from(("resolved", "failed")),
                           st.one_of(st.none(), st.integers(0, 60))), max_size=5)
a_case = st.tuples(st.sampled_from(COMMUNITIES), st.integers(0, len(COMPANIES) - 1), steps,
                   st.one_of(st.none(), st.tuples(st.sampled_from(COMMUNITIES), st.integers(0, len(COMPANIES) - 1),
                                                  steps)))


@pytest.fixture(scope="module")
def empty_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    Ledger(f"sqlite:///{path}").close()
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(a_case, min_size=1, max_size=6), first=st.integers(0, 60), length=st.integers(0, 60),
       by=st.sampled_from(("street", "community", "company")))
def test_the_breakdown_is_the_count_of_the_documents_as_last_imported(
        cases: list[Any], first: int, length: int, by: str, empty_ledger: Path, tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    shutil.copy(empty_ledger, folder / "ledger.db")
    clock = Clock(datetime(2026, 1, 10, 2, 0, tzinfo=UTC))  # undated attempts: the day first recorded
    first_docs = [_case(f"P-{i}", community, COMPANIES[company], attempts)
                  for i, (community, company, attempts, _) in enumerate(cases)]
    # a later version moves the case and may add attempts after the ones it had
    later = {f"P-{i}": (community, company, [*attempts, *more])
             for i, (_, _, attempts, change) in enumerate(cases) if change for community, company, more in [change]}
    recorded: dict[str, list[date]] = {}
    final: dict[str, tuple[str, int, list[tuple[str, str, int | None]]]] = {}
    with Ledger(f"sqlite:///{folder / 'ledger.db'}", clock=clock) as ledger:
        summary = ledger.import_files([_write(folder / "a.json", first_docs)])
        refused = {o.subject for o in summary.refused}
        for i, (community, company, attempts, _) in enumerate(cases):
            if f"P-{i}" not in refused:
                final[f"P-{i}"] = (community, company, attempts)
                recorded[f"P-{i}"] = [clock.now.date()] * len(attempts)
        clock.advance(7)
        documents = [_case(k, community, COMPANIES[company], attempts)
                     for k, (community, company, attempts) in later.items() if k in final]
        summary = ledger.import_files([_write(folder / "b.json", documents)])
        refused = {o.subject for o in summary.refused}
        for key, version in later.items():
            if key in final and key not in refused:
                grown = len(version[2]) - len(recorded[key])
                final[key], recorded[key] = version, recorded[key] + [clock.now.date()] * grown
        start, end = DAY0 + timedelta(days=first), DAY0 + timedelta(days=first + length)
        with ledger.engine.connect() as connection:
            counted = _breakdown(connection, by, start, end)
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, (community, company, attempts) in final.items():
        group = {"street": STREETS[community], "community": community, "company": _key(COMPANIES[company])}[by]
        days = [DAY0 + timedelta(days=d) if d is not None else on
                for (_, _, d), on in zip(attempts, recorded[key], strict=True)]
        at_center = [o for (stage, o, _), day in zip(attempts, days, strict=True)
                     if stage == "mediation_center" and start <= day <= end]
        if at_center:
            expected[group][0] += 1
            expected[group][1] += "resolved" in at_center
    assert counted == {k: (v[0], v[1]) for k, v in expected.items()}
    shutil.rmtree(folder)
