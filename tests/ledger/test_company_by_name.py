"""A company named without its credit code joins the coded record that carries its exact name; two
coded records of one name make the name alone ambiguous, and the document is refused naming the field
(ledger/companies.py ``resolved_by_name``; docs/ledger.md, "How a company is found")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select, text

from propertytriage import triage
from propertytriage.cli.main import main
from propertytriage.engine import Triage
from propertytriage.ledger import Ledger
from propertytriage.ledger.replay import replay_case
from propertytriage.ledger.schema import COMPANIES
from tests.ledger.conftest import Clock
from tests.ledger.test_import import COMPANY, fee_case, record

NAME = COMPANY["name"]
OTHER_CODE = "91150602MA0N0ZZZZ3"


def _at_center(case_id: str, **changes: Any) -> dict[str, Any]:
    """A fee claim of the company named by its name alone, waiting at the mediation center."""
    case = fee_case(case_id, property_company={"name": NAME}, **changes)
    return case


def _scorecard(company: dict[str, str], on: str = "2026-03-02") -> dict[str, Any]:
    card = json.loads((Path(__file__).parents[2] / "examples" / "scorecard.json").read_text(encoding="utf-8"))
    return {**card, "company": dict(company), "evaluated_on": on}


def _keys(ledger: Ledger) -> list[str]:
    with ledger.engine.connect() as connection:
        return list(connection.scalars(select(COMPANIES.c.company_key).order_by(COMPANIES.c.company_key)))


def _replayed(ledger: Ledger, case_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    with ledger.engine.connect() as connection:
        return replay_case(connection, case_id, Triage())


def test_a_case_naming_a_scored_company_by_name_alone_is_decided_from_its_record(database_url, clock,
                                                                                write_json) -> None:
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("card.json", _scorecard(COMPANY))])
        summary = ledger.import_files([write_json("case.json", _at_center("A-1"))])
        shown = record(ledger, "A-1")
        keys = _keys(ledger)
        replayed = _replayed(ledger, "A-1")
    assert (summary.new, len(summary.refused)) == (1, 0)
    assert keys == [f"credit:{COMPANY['credit_code']}"]  # no record of the name alone was started
    assert shown["events"][0]["company"]["key"] == f"credit:{COMPANY['credit_code']}"
    # show puts the company's part back from the coded record: its scorecard, not "awaiting a score"
    assert shown["case"]["scorecard"]["evaluated_on"] == "2026-03-02"
    assert shown["case"]["property_company"] == {"name": NAME}  # the case's own part as the clerk gave it
    assert "company_score" not in shown["decision"]["awaiting"]
    assert shown["decision"]["rectification_required"] is not None
    assert shown["decision"] == triage(shown["case"]).model_dump(mode="json")
    assert replayed == (shown["case"], shown["decision"])


def test_a_later_score_of_the_coded_record_decides_the_case_named_by_name_again(database_url, clock,
                                                                              write_json) -> None:
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("a.json", fee_case("A-1", company_score="75"))])
        ledger.import_files([write_json("b.json", _at_center("A-2"))])
        assert record(ledger, "A-2")["decision"]["rectification_required"] is False
        clock.advance(3)
        ledger.import_files([write_json("c.json", fee_case("A-1", company_score="52"))])
        shown = record(ledger, "A-2")
        replayed = _replayed(ledger, "A-2")
    assert shown["events"][-1]["kind"] == "company_changed"
    assert shown["case"]["company_score"] == "52"
    assert shown["decision"]["awaiting"] == ["rectification_acceptance"]
    assert replayed == (shown["case"], shown["decision"])


def test_a_name_only_scorecard_goes_to_the_coded_record_of_that_name(database_url, clock, write_json) -> None:
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("a.json", fee_case("A-1"))])  # the company, coded, without a score
        assert record(ledger, "A-1")["decision"]["awaiting"] == ["company_score"]
        summary = ledger.import_files([write_json("card.json", _scorecard({"name": NAME}))])
        shown = record(ledger, "A-1")
        keys = _keys(ledger)
    assert (summary.changed, summary.new) == (1, 0)
    assert keys == [f"credit:{COMPANY['credit_code']}"]
    assert shown["case"]["scorecard"]["company"] == {"name": NAME}
    assert "company_score" not in shown["decision"]["awaiting"]


def test_a_scorecard_and_a_case_naming_it_by_name_in_one_batch(database_url, clock, write_json) -> None:
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("both.json", [_scorecard(COMPANY), _at_center("A-1")])])
        shown = record(ledger, "A-1")
        keys = _keys(ledger)
    assert keys == [f"credit:{COMPANY['credit_code']}"]
    assert "company_score" not in shown["decision"]["awaiting"]


def test_two_coded_records_of_one_name_refuse_the_name_alone_and_the_rest_is_recorded(database_url, clock,
                                                                                    write_json) -> None:
    other = {"name": NAME, "credit_code": OTHER_CODE}
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("cards.json", [_scorecard(COMPANY), _scorecard(other)])])
        path = write_json("cases.json", [fee_case("A-1"), _at_center("A-2"), fee_case("A-3", property_company=other)])
        summary = ledger.import_files([path])
        card = ledger.import_files([write_json("card.json", _scorecard({"name": NAME}, on="2026-03-05"))])
        with ledger.engine.connect() as connection:
            from propertytriage.ledger.queries import show

            refused = show(connection, "A-2")
        shown = [record(ledger, case_id) for case_id in ("A-1", "A-3")]
    assert (summary.new, len(summary.refused)) == (2, 1)
    problem = summary.refused[0].problems[0]
    assert (summary.refused[0].subject, problem.location, problem.code) == (
        "A-2", "property_company.name", "company_name_ambiguous")
    assert "统一社会信用代码" in problem.zh and "property_company.credit_code" in problem.zh
    assert "property_company.credit_code" in problem.en and "credit code" in problem.en
    assert COMPANY["credit_code"] in problem.en and OTHER_CODE in problem.en
    assert refused is None
    assert [s["events"][0]["company"]["key"] for s in shown] == [f"credit:{COMPANY['credit_code']}",
                                                                  f"credit:{OTHER_CODE}"]
    # a scorecard by name alone is refused too, at its own field; neither record gained it
    assert (card.changed, [p.location for r in card.refused for p in r.problems]) == (0, ["company.name"])


def test_import_exits_2_naming_the_ambiguous_name_field(database_url, write_json, capsys) -> None:
    other = {"name": NAME, "credit_code": OTHER_CODE}
    first = write_json("a.json", [fee_case("A-1"), fee_case("A-2", property_company=other)])
    assert main(["import", first, "--db", database_url]) == 0
    path = write_json("b.jsonl", [_at_center("A-3"), fee_case("A-4")])
    assert main(["import", path, "--db", database_url]) == 2
    captured = capsys.readouterr()
    assert f"{path} line 1 A-3: property_company.name" in captured.err
    assert "company_name_ambiguous" in captured.err
    assert main(["show", "A-4", "--db", database_url]) == 0


def test_a_record_of_the_name_alone_keeps_its_cases_when_a_coded_record_of_that_name_arrives(
        database_url, clock, write_json) -> None:
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("a.json", _at_center("A-1", company_score="52"))])
        ledger.import_files([write_json("card.json", _scorecard(COMPANY))])
        ledger.import_files([write_json("b.json", _at_center("A-2"))])
        again = ledger.import_files([write_json("a.json", _at_center("A-1", company_score="52"))])
        first, second = record(ledger, "A-1"), record(ledger, "A-2")
        keys = _keys(ledger)
        clock.advance(2)
        ledger.import_files([write_json("c.json", _at_center("A-1", company_score="52", claim_amount="3000.00"))])
        moved = record(ledger, "A-1")
        replayed = _replayed(ledger, "A-1")
    assert keys == [f"credit:{COMPANY['credit_code']}", f"name:{NAME}"]  # two records, nothing merged
    assert again.unchanged == 1
    # the case filed under the name keeps that record's score until its snapshot changes
    assert first["events"][-1]["company"]["key"] == f"name:{NAME}" and first["case"]["company_score"] == "52"
    assert second["events"][0]["company"]["key"] == f"credit:{COMPANY['credit_code']}"
    assert "scorecard" in second["case"]
    # a changed snapshot is recorded under the coded record, its score recorded to it as any case's score is
    assert moved["events"][-1]["company"]["key"] == f"credit:{COMPANY['credit_code']}"
    assert moved["case"]["company_score"] == "52"
    assert replayed == (moved["case"], moved["decision"])


def test_the_batch_looks_names_up_once_not_once_per_case(tmp_path: Path, clock, write_json) -> None:
    names = [f"第{i}物业服务有限公司" for i in range(5)]
    cards = [_scorecard({"name": n, "credit_code": f"91150602MA{i:08d}"}) for i, n in enumerate(names)]
    cases = [fee_case(f"B-{i}", property_company={"name": names[i % 5]}) for i in range(40)]
    with Ledger(f"sqlite:///{tmp_path / 'ledger.db'}", clock=clock, batch_size=20) as ledger:
        ledger.import_files([write_json("cards.json", cards)])
        seen: list[str] = []

        @event.listens_for(ledger.engine, "before_cursor_execute")
        def _listen(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if "FROM companies" in statement and "companies.name IN" in statement:
                seen.append(statement)

        summary = ledger.import_files([write_json("cases.jsonl", cases)])
        shown = record(ledger, "B-7")
    assert summary.new == 40
    assert len(seen) == 2  # one look-up by name per batch of 20
    assert shown["events"][0]["company"]["key"] == "credit:91150602MA00000002"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(6)), batch_size=st.integers(1, 6))
def test_batches_of_any_size_join_the_same_records(tmp_path: Path, write_json, order: list[int],
                                                   batch_size: int) -> None:
    """Looked up for a whole batch or document by document, a name finds the record it would find
    recorded alone: the coded record carrying it once it is registered, whichever batch did it."""
    other = {"name": "第二物业服务有限公司", "credit_code": OTHER_CODE}
    documents = [_scorecard(COMPANY), _at_center("A-1"), _at_center("A-2"),
                 fee_case("A-3", property_company={"name": other["name"]}), _scorecard(other),
                 fee_case("A-4", property_company={"name": other["name"]})]
    ordered = [documents[i] for i in order]
    results = []
    for size in (batch_size, len(ordered)):
        with Ledger(f"sqlite:///{tmp_path / f'ledger-{size}-{len(results)}.db'}", clock=Clock(),
                    batch_size=size) as ledger:
            ledger.import_files([write_json("all.json", ordered)])
            shown = {c: record(ledger, c) for c in ("A-1", "A-2", "A-3", "A-4")}
        results.append({c: (s["events"][0]["company"]["key"], s["decision"]) for c, s in shown.items()})
        for path in tmp_path.glob("ledger-*.db*"):
            path.unlink()
    assert results[0] == results[1]
    place = {i: order.index(i) for i in range(6)}
    for case_id, index, card in (("A-1", 1, 0), ("A-2", 2, 0), ("A-3", 3, 4), ("A-4", 5, 4)):
        name = (COMPANY if card == 0 else other)["name"]
        code = (COMPANY if card == 0 else other)["credit_code"]
        expected = f"credit:{code}" if place[card] < place[index] else f"name:{name}"
        assert results[0][case_id][0] == expected, case_id


def test_a_company_recorded_before_the_name_index_is_found_by_name_after_the_migration(database_url,
                                                                                      write_json) -> None:
    from datetime import UTC, datetime

    from propertytriage.ledger.database import make_engine
    from propertytriage.ledger.migrate import current_revision, head_revision, upgrade

    key = f"credit:{COMPANY['credit_code']}"
    engine = make_engine(database_url)
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        upgrade(connection, "0008")
        now = datetime(2026, 3, 2, tzinfo=UTC)
        score = {"kind": "score", "on": "2026-03-01", "total": "75"}
        for version, kind, data in ((1, "registered", {"company": COMPANY}), (2, "score", {"event": score})):
            connection.execute(
                text("INSERT INTO events (stream_type, stream_id, version, kind, recorded_at, source, rules_version, "
                     "data) VALUES ('company', :key, :version, :kind, :at, 'old.json', 'old', :data)"),
                {"key": key, "version": version, "kind": kind, "at": now, "data": json.dumps(data)})
        connection.execute(
            text("INSERT INTO companies (company_key, version, name, credit_code, history, status, updated_at) "
                 "VALUES (:key, 2, :name, :code, :history, 'passing', :at)"),
            {"key": key, "name": NAME, "code": COMPANY["credit_code"], "history": json.dumps([score]), "at": now})
    engine.dispose()
    with Ledger(database_url, clock=Clock()) as ledger:
        with ledger.engine.connect() as connection:
            assert current_revision(connection) == head_revision() == "0009"
        ledger.import_files([write_json("case.json", _at_center("A-1"))])
        shown = record(ledger, "A-1")
        keys = _keys(ledger)
    assert keys == [key]
    assert shown["case"]["company_score"] == "75" and shown["decision"]["rectification_required"] is False


def test_a_file_recorded_before_the_coded_record_arrived_changes_nothing_imported_again(database_url, clock,
                                                                                         write_json) -> None:
    """A scorecard naming the company by name alone, recorded on the record of the name while no coded record
    carried it, is the same document when its file is imported again after a coded record of the name arrived
    (here later in the same file): the record of the name holds it, so it is unchanged, not recorded a second
    time on the coded record (importing the same file twice changes nothing)."""
    path = write_json("all.json", [_scorecard({"name": NAME}, on="2026-02-01"), _scorecard(COMPANY),
                                   _at_center("A-1")])
    with Ledger(database_url, clock=clock) as ledger:
        first = ledger.import_files([path])
        with ledger.engine.connect() as connection:
            before = connection.execute(select(COMPANIES.c.company_key, COMPANIES.c.version)
                                        .order_by(COMPANIES.c.company_key)).all()
            events = connection.scalar(text("SELECT count(*) FROM events"))
        clock.advance(1)
        again = ledger.import_files([path])
        with ledger.engine.connect() as connection:
            after = connection.execute(select(COMPANIES.c.company_key, COMPANIES.c.version)
                                       .order_by(COMPANIES.c.company_key)).all()
            events_after = connection.scalar(text("SELECT count(*) FROM events"))
    assert (first.new, len(first.refused)) == (3, 0)
    assert (again.new, again.changed, again.unchanged, len(again.refused)) == (0, 0, 3, 0)
    assert after == before and events_after == events
