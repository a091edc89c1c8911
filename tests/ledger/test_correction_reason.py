"""A correction is an event too, with its reason (SPEC §3): the reason a clerk gives is kept on the
events it explains, never in the case, and checked wherever it is given."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select

import propertytriage.ledger.replay as replay_module
from propertytriage import triage
from propertytriage.cli.main import main
from propertytriage.ledger import Ledger
from propertytriage.ledger.database import make_engine
from propertytriage.ledger.documents import Document
from propertytriage.ledger.migrate import _config, current_revision, head_revision
from propertytriage.ledger.replay import replay_case
from propertytriage.ledger.schema import CASES, EVENTS
from propertytriage.ruledata.corrections import ledger_parameters
from tests.ledger.test_import import COMPANY, fee_case, record

LIMIT = ledger_parameters().correction_reason_max_length


def _reasons(shown: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["kind"], e["reason"]) for e in shown["events"]]


def _company_reasons(ledger: Ledger) -> list[tuple[str, str | None]]:
    with ledger.engine.connect() as connection:
        rows = connection.execute(select(EVENTS.c.kind, EVENTS.c.reason).where(EVENTS.c.stream_type == "company")
                                  .order_by(EVENTS.c.version)).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_import_reason_goes_on_every_event_the_import_records(database_url, write_json, capsys) -> None:
    assert main(["import", write_json("a.json", [fee_case("A-1"), fee_case("A-2")]), "--db", database_url]) == 0
    corrected = write_json("b.json", [fee_case("A-1", claim_amount="2836.00", company_score="52")])
    assert main(["import", corrected, "--db", database_url, "--reason", " 业主提交缴费凭证，标的额更正 "]) == 0
    capsys.readouterr()
    assert main(["show", "A-1", "--db", database_url]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["show", "A-2", "--db", database_url]) == 0
    other = json.loads(capsys.readouterr().out)
    reason = "业主提交缴费凭证，标的额更正"  # trimmed
    assert _reasons(first) == [("filed", None), ("changed", reason)]
    assert first["events"][1]["changes"] == [{"field": "claim_amount", "from": "2736.00", "to": "2836.00"}]
    # the score moved to the company, and the company's other open case decided again: same reason
    assert _reasons(other) == [("filed", None), ("company_changed", reason)]
    with Ledger(database_url) as ledger:
        assert _company_reasons(ledger) == [("registered", None), ("score", reason)]
    # the reason is not part of the case
    assert "correction_reason" not in first["case"] and first["case"]["claim_amount"] == "2836.00"


def test_a_documents_own_reason_wins_over_the_imports(database_url, clock, write_json) -> None:
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("a.json", [fee_case("A-1"), fee_case("A-2"), fee_case("A-3")])])
        clock.advance(1)
        documents = [{**fee_case("A-1", claim_amount="100.00"), "correction_reason": "调解员录入错误"},
                     fee_case("A-2", claim_amount="200.00"),
                     {**fee_case("A-3", claim_amount="300.00"), "correction_reason": None}]
        summary = ledger.import_files([write_json("b.json", documents)], reason="三月台账核对")
        assert (summary.changed, summary.refused) == (3, [])
        assert _reasons(record(ledger, "A-1"))[-1] == ("changed", "调解员录入错误")
        assert _reasons(record(ledger, "A-2"))[-1] == ("changed", "三月台账核对")
        assert _reasons(record(ledger, "A-3"))[-1] == ("changed", "三月台账核对")  # null: no reason of its own
        # a document's reason without any for the import
        ledger.import_documents([Document("c", {**fee_case("A-2", claim_amount="250.00"),
                                                "correction_reason": "再次核对"})])
        ledger.import_documents([Document("d", fee_case("A-3", claim_amount="350.00"))])
        assert _reasons(record(ledger, "A-2"))[-1] == ("changed", "再次核对")
        assert _reasons(record(ledger, "A-3"))[-1] == ("changed", None)


def test_a_reason_leaves_the_case_its_digest_and_decision_as_without_it(database_url, clock, write_json) -> None:
    snapshots = [fee_case("A-1"), fee_case("A-1", claim_amount="3000.00"),
                 fee_case("A-1", attempts=[*fee_case()["attempts"],
                                           {"stage": "mediation_center", "outcome": "failed", "on": "2026-03-01"}])]

    def stored(url: str, with_reasons: bool) -> tuple[Any, ...]:
        with Ledger(url, clock=clock) as ledger:
            for index, snapshot in enumerate(snapshots):
                document = {**snapshot, "correction_reason": f"第{index}次更正"} if with_reasons else snapshot
                assert ledger.import_documents([Document(f"s{index}", document)]).refused == []
            shown = record(ledger, "A-1")
            with ledger.engine.connect() as connection:
                row = connection.execute(select(CASES.c.digest, CASES.c.snapshot, CASES.c.decision)).one()
                assert replay_case(connection, "A-1", ledger.triage) == (shown["case"], shown["decision"])
        assert triage(shown["case"]).model_dump(mode="json") == shown["decision"]
        return tuple(row), shown["case"], shown["decision"]

    plain = stored(database_url, False)
    with Ledger(database_url) as ledger, ledger.engine.begin() as connection:  # an empty ledger again
        for table in ("events", "cases", "companies", "deadlines", "case_attempts", "company_events"):
            connection.exec_driver_sql(f"DELETE FROM {table}")
    assert stored(database_url, True) == plain


def test_an_unchanged_document_records_nothing_and_its_reason_is_said_not_kept(database_url, write_json,
                                                                              capsys) -> None:
    path = write_json("a.json", [fee_case("A-1")])
    assert main(["import", path, "--db", database_url]) == 0
    with Ledger(database_url) as ledger:
        with ledger.engine.connect() as connection:
            events_before = connection.execute(select(EVENTS.c.id)).all()
        again = ledger.import_documents([Document("x", {**fee_case("A-1"), "correction_reason": "核对无误"})])
        assert (again.unchanged, again.unchanged_with_reason, again.as_json()["unchanged_with_reason"]) == (1, 1, 1)
        plain = ledger.import_documents([Document("y", fee_case("A-1"))])
        assert "unchanged_with_reason" not in plain.as_json()  # as before, when no reason was given
        with ledger.engine.connect() as connection:
            assert connection.execute(select(EVENTS.c.id)).all() == events_before
    capsys.readouterr()
    assert main(["import", path, "--db", database_url, "--reason", "再次导入"]) == 0
    captured = capsys.readouterr()
    assert "unchanged 1" in captured.out
    assert "更正原因未记录" in captured.err and "1 of the unchanged documents gave a reason" in captured.err


@pytest.mark.parametrize(("reason", "code"), [
    ("", "reason_blank"), ("   \u3000 ", "reason_blank"), ("长" * (LIMIT + 1), "reason_too_long"),
    ("a\x1b[2Jb", "invalid_value"),
])
def test_a_bad_import_reason_is_refused_before_anything_is_recorded(tmp_path, write_json, capsys, reason,
                                                                   code) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert main(["import", write_json("a.json", fee_case()), "--db", url, "--reason", reason]) == 2
    error = capsys.readouterr().err
    assert "--reason: 更正原因" in error and f"[{code}]" in error and "reason for a correction" in error
    assert not (tmp_path / "ledger.db").exists()  # refused before the ledger was even opened
    if code == "reason_too_long":
        assert f"{LIMIT + 1} 字，最多 {LIMIT} 字" in error


def test_a_reason_at_the_limit_is_kept_whole_with_its_line_breaks(database_url, clock) -> None:
    reason = "甲\n" + "乙" * (LIMIT - 2)
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_documents([Document("a", fee_case())])
        ledger.import_documents([Document("b", fee_case(claim_amount="1.00"))], reason=f"  {reason}\n")
        assert _reasons(record(ledger, "A-1"))[-1] == ("changed", reason)


@pytest.mark.parametrize(("value", "code"), [
    ("", "reason_blank"), ("  ", "reason_blank"), (42, "reason_not_text"), (["录入错误"], "reason_not_text"),
    ("长" * (LIMIT + 1), "reason_too_long"), ("\u202e反向", "invalid_value"),
])
def test_a_bad_document_reason_refuses_that_document_alone(database_url, clock, value, code) -> None:
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_documents([Document("a", fee_case("A-1")), Document("a", fee_case("A-2"))])
        summary = ledger.import_documents([
            Document("b [0]", {**fee_case("A-1", claim_amount="1.00"), "correction_reason": value}),
            Document("b [1]", {**fee_case("A-2", claim_amount="2.00"), "correction_reason": "正常的原因"})])
        assert summary.changed == 1 and len(summary.refused) == 1
        refusal = summary.refused[0]
        assert (refusal.source, refusal.subject) == ("b [0]", "A-1")
        assert [(p.location, p.code) for p in refusal.problems] == [("correction_reason", code)]
        assert record(ledger, "A-1")["case"]["claim_amount"] == "2736.00"  # nothing of it recorded
        assert _reasons(record(ledger, "A-2"))[-1] == ("changed", "正常的原因")


def test_scorecards_and_histories_take_a_reason_too(database_url, clock) -> None:
    history = {"company": COMPANY, "correction_reason": "整改验收记录补录",
               "events": [{"kind": "score", "on": "2026-02-01", "total": "45"}, {"kind": "notice", "on": "2026-02-02"}]}
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_documents([Document("a", fee_case("A-1"))])
        summary = ledger.import_documents([Document("h", history)], reason="不适用：文件自带原因")
        assert (summary.changed, summary.refused) == (1, [])
        assert _company_reasons(ledger) == [("registered", None), ("score", "整改验收记录补录"),
                                            ("notice", "整改验收记录补录")]
        assert _reasons(record(ledger, "A-1"))[-1] == ("company_changed", "整改验收记录补录")


def test_hostile_text_is_kept_as_typed_and_printed_as_json(database_url, write_json, capsys) -> None:
    hostile = '<script>alert("x")</script> & "引号" \\ 结尾'
    assert main(["import", write_json("a.json", fee_case()), "--db", database_url]) == 0
    assert main(["import", write_json("b.json", fee_case(claim_amount="1.00")), "--db", database_url,
                 "--reason", hostile]) == 0
    capsys.readouterr()
    assert main(["show", "A-1", "--db", database_url]) == 0
    assert json.loads(capsys.readouterr().out)["events"][-1]["reason"] == hostile


# --- migration 0008 -----------------------------------------------------------------------------------------

def test_a_ledger_at_0007_is_migrated_with_its_events_kept_and_nothing_rebuilt(database_url, clock, monkeypatch,
                                                                              capsys) -> None:
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_documents([Document("a", fee_case("A-1")), Document("a", fee_case("A-2"))])
        ledger.import_documents([Document("b", fee_case("A-1", claim_amount="1.00"))])
        before = {case_id: record(ledger, case_id) for case_id in ("A-1", "A-2")}
    engine = make_engine(database_url)
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        command.downgrade(_config(connection), "0007")
        assert current_revision(connection) == "0007"
        assert "reason" not in {c["name"] for c in inspect(connection).get_columns("events")}
    engine.dispose()

    def no_rebuild(_connection: Any) -> None:
        raise AssertionError("0007 → 0008 adds a nullable column: no projection is rebuilt from the events")

    monkeypatch.setattr(replay_module, "rebuild_derived", no_rebuild)
    capsys.readouterr()
    with Ledger(database_url, clock=clock) as ledger:
        with ledger.engine.connect() as connection:
            assert current_revision(connection) == head_revision()
        said = capsys.readouterr().err.splitlines()
        assert said[0] == f"迁移台账数据库：架构 0007 → {head_revision()}……" and "rebuilding" not in said[1]
        after = {case_id: record(ledger, case_id) for case_id in ("A-1", "A-2")}
        assert after == before  # every old event kept, with no reason (null)
        assert all(e["reason"] is None for shown in after.values() for e in shown["events"])
        ledger.import_documents([Document("c", fee_case("A-1", claim_amount="2.00"))], reason="迁移后更正")
        assert _reasons(record(ledger, "A-1"))[-1] == ("changed", "迁移后更正")


# --- any reason leaves the case as it would be without one ------------------------------------------------

# any text a clerk could type (hidden characters are refused, and tested above)
reasons = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp", "Co", "Cn"),
                                blacklist_characters="\u115f\u1160\u3164"), max_size=40).filter(
    lambda text: text.strip() != "")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(st.integers(0, 5000), min_size=1, max_size=4),
       given_reasons=st.lists(st.one_of(st.none(), reasons), min_size=4, max_size=4))
def test_any_reasons_leave_the_current_case_and_digest_as_without_them(tmp_path_factory, amounts,
                                                                       given_reasons) -> None:
    folder = tmp_path_factory.mktemp("reasons")
    results = []
    for with_reasons in (False, True):
        with Ledger(f"sqlite:///{folder / f'{with_reasons}.db'}") as ledger:
            for index, amount in enumerate(amounts):
                document = fee_case("A-1", claim_amount=f"{amount}.00")
                reason = given_reasons[index] if with_reasons else None
                if reason is not None:
                    document["correction_reason"] = reason
                assert ledger.import_documents([Document(f"d{index}", document)]).refused == []
            shown = record(ledger, "A-1")
            with ledger.engine.connect() as connection:
                digest = connection.execute(select(CASES.c.digest)).scalar_one()
            kept = [e["reason"] for e in shown["events"]]
            results.append((shown["case"], shown["decision"], digest, [e["kind"] for e in shown["events"]]))
    assert results[0] == results[1]
    # each recorded event holds its document's reason, trimmed; an unchanged document's is not kept
    recorded = [index for index, amount in enumerate(amounts) if index == 0 or amount != amounts[index - 1]]
    assert kept == [None if given_reasons[i] is None else given_reasons[i].strip() for i in recorded]
