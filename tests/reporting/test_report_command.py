"""``propertytriage report`` end to end: a ledger filled by ``import``, the three outputs, the JSON
against its published schema, and arguments refused before anything is opened or written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema_rs
import pytest

from propertytriage.cli.main import main
from propertytriage.reporting.model import report_schema
from tests.reporting.test_seed_figures import district

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "report.schema.json"


@pytest.fixture(scope="module")
def ledger_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("ledger")
    cases = folder / "cases.jsonl"
    histories = [{"company": {"name": f"第{i}物业服务有限公司", "credit_code": f"91150602MA{i:08d}"}, "events": [
        {"kind": "score", "on": "2025-03-01", "total": score}, {"kind": "notice", "on": "2025-03-05"},
        {"kind": "inspection", "on": "2025-04-10", "result": "passed"}]} for i, score in ((0, "52"), (1, "48.5"))]
    documents = [*histories, *district()[::10]]
    cases.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in documents), encoding="utf-8")
    url = f"sqlite:///{folder / 'ledger.db'}"
    assert main(["import", str(cases), "--db", url]) == 0
    return url


def test_the_published_schema_is_the_reports_schema() -> None:
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == report_schema()


@pytest.mark.parametrize("by", [None, "month", "street", "community", "company"])
def test_the_json_report_follows_its_schema(ledger_url: str, tmp_path: Path, by: str | None) -> None:
    out = tmp_path / "report.json"
    argv = ["report", "--from", "2025-01-01", "--to", "2025-12-31", "--out", str(out), "--db", ledger_url]
    assert main(argv + (["--by", by] if by else [])) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert validator.is_valid(document), list(validator.iter_errors(document))[:3]
    assert document["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert document["received"] == 342
    assert document["grouped_by"] == by
    companies = document["companies"]
    assert (companies["scored"], companies["below_pass_mark"], companies["notices_issued"], companies["passed"]) == (
        2, 2, 2, 2)
    assert companies["days_to_pass"] == {"rounds": 2, "median": "36.0", "mean": "36.0", "longest": 36}
    assert sum(row["received"] for row in document["by"]) == (342 if by else 0)
    if by == "company":  # labelled by the company's name, keyed by its record
        assert all(row["label"].endswith("物业服务有限公司") and row["key"].startswith("credit:")
                   for row in document["by"])
    if by == "month":
        assert [row["key"] for row in document["by"]] == [f"2025-{m:02d}" for m in range(1, 13)]
    broken = dict(document, received=-1)
    assert not validator.is_valid(broken)


def test_the_html_report_fetches_nothing(ledger_url: str, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "--by", "community", "--from", "2025-01-01", "--to", "2025-12-31",
                 "--title", "天骄街道物业纠纷化解统计", "--out", str(out), "--db", ledger_url]) == 0
    html = out.read_text(encoding="utf-8")
    assert "天骄街道物业纠纷化解统计" in html and html.count("<svg") == 4
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<script" not in html and "<link" not in html and "@import" not in html


def test_a_reversed_period_is_refused_naming_the_field_and_writes_nothing(
        ledger_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    code = main(["report", "--from", "2025-12-31", "--to", "2025-01-01", "--out", str(out), "--db", ledger_url])
    assert code == 2 and not out.exists()
    message = capsys.readouterr().err
    assert "from:" in message and "晚于" in message and "after it ends" in message and "[period_reversed]" in message


@pytest.mark.parametrize(("start", "end", "refused"), [
    ("0202-01-01", "2025-12-31", True),  # a mistyped year: eighteen centuries of months
    ("2006-01-01", "2025-12-31", False),  # 240 months, the longest period statistics.yaml allows
    ("2005-12-31", "2025-12-31", True),  # 241 months
])
def test_a_period_longer_than_the_rules_allow_is_refused_before_anything_is_counted(
        ledger_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], start: str, end: str,
        refused: bool) -> None:
    from propertytriage.reporting.parameters import statistics_parameters

    assert statistics_parameters().max_period_months == 240  # the boundaries above are drawn at it
    out = tmp_path / "report.json"
    code = main(["report", "--from", start, "--to", end, "--out", str(out), "--db", ledger_url])
    message = capsys.readouterr().err
    if refused:
        assert code == 2 and not out.exists()
        assert "from:" in message and "240 个月" in message and "240 months" in message and "[period_too_long]" in message
    else:
        assert code == 0 and len(json.loads(out.read_text(encoding="utf-8"))["months"]) == 240


def test_an_unknown_output_format_is_refused_before_the_ledger_is_opened(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / "never.db"
    code = main(["report", "--out", str(tmp_path / "report.xlsx"), "--db", f"sqlite:///{database}"])
    assert code == 2 and not database.exists()
    assert "--out" in capsys.readouterr().err


def test_without_a_period_the_command_names_the_one_it_counted_and_where_the_ledgers_cases_lie(
        ledger_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the ledger holds 2025's disputes; the default period is this year to date (a later year when run)
    assert main(["report", "--to", "2026-11-30", "--out", str(tmp_path / "r.json"), "--db", ledger_url]) == 0
    said = capsys.readouterr().out
    assert "2026-01-01 — 2026-11-30" in said and "--from 默认" in said and "1 January of --to's year" in said
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["received"] == 0
    first, last = re.search(r"filed (\S+) to (\S+):", said).groups()  # type: ignore[union-attr]
    filed = sorted(case["filed_on"] for case in district()[::10])  # the fixture's cases
    assert (first, last) == (filed[0], filed[-1])
    assert f"--from {first} --to {last}" in said
    assert main(["report", "--from", first, "--to", last, "--out", str(tmp_path / "all.json"), "--db", ledger_url]) == 0
    said = capsys.readouterr().out
    assert json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))["received"] == len(filed)
    assert "默认" not in said and "filed" not in said


def test_an_unknown_grouping_is_refused_in_both_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["report", "--by", "district", "--out", str(tmp_path / "r.json")])
    err = capsys.readouterr().err
    assert caught.value.code == 2 and not (tmp_path / "r.json").exists()
    assert "没有这种分组" in err and "no such grouping: district" in err and "company（按物业企业）" in err
