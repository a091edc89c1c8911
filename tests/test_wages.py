"""Every province's wage file, and the limits a filing gets from it, checked against the YAML itself.

The expected limits are worked out here from the files read as plain YAML (not through the loader), so
a mistake in the code's choice of notice or figure, or in its consent-limit rule, shows up as a
disagreement rather than being copied into the expectation.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage import InputError, RuleDataError, Triage
from propertytriage.ruledata import load_rulebook, rules_dir
from propertytriage.ruledata.schema import WageFile

WAGES = rules_dir() / "parameters" / "wages"
FILES = sorted(WAGES.glob("*.yaml"))
_SMALL = yaml.safe_load((rules_dir() / "parameters" / "small_claims.yaml").read_text(encoding="utf-8"))
HALF = Decimal(str(_SMALL["mandatory_fraction"]))
TWICE = Decimal(str(_SMALL["consent_fraction"]))
TODAY = date(2026, 11, 30)
CENT = Decimal("0.01")
ENGINE = Triage(evaluator="reference")


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _yuan(amount: Decimal) -> str:
    text = f"{amount:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _figure_for(data: dict[str, Any], year: int) -> Decimal | None:
    for value in data["values"]:
        if value["data_year"] == year and value.get("amount") is not None:
            return Decimal(str(value["amount"]))
    return None


def _consent(notice: dict[str, Any], data: dict[str, Any]) -> Decimal:
    """The consent limit as docs/rules.md states the rule: stated, else twice the wage, else scaled."""
    if notice.get("consent_limit") is not None:
        return Decimal(str(notice["consent_limit"]))
    basis = notice.get("based_on") or {}
    if basis.get("amount") is not None:
        return Decimal(str(basis["amount"])) * TWICE
    if basis.get("data_year") is not None and basis.get("series_title") in (None, data["series_title"]):
        figure = _figure_for(data, basis["data_year"])
        if figure is not None:
            return figure * TWICE
    return Decimal(str(notice["mandatory_limit"])) * TWICE / HALF


def _notice_on(data: dict[str, Any], on: date) -> dict[str, Any] | None:
    started = [n for n in data.get("announcements") or [] if _day(n["effective_from"]) <= on]
    if not started:
        return None
    notice = max(started, key=lambda n: _day(n["effective_from"]))
    until = notice.get("effective_until")
    return None if until is not None and on > _day(until) else notice


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _replacing(data: dict[str, Any], notice: dict[str, Any]) -> list[tuple[date, Decimal]]:
    """For a notice that newer statistics replace by themselves: (first day, figure), in order."""
    if notice.get("later_figures_apply") != "next_month":
        return []
    year = (notice.get("based_on") or {}).get("data_year")
    start = _day(notice["effective_from"])
    return sorted(
        (_next_month(_day(v["published_on"])), Decimal(str(v["amount"])))
        for v in data["values"] if v.get("amount") is not None
        and (v["data_year"] > year if year is not None else _day(v["published_on"]) > start)
    )


def expected(data: dict[str, Any], on: date) -> tuple[Decimal, Decimal, dict[str, Any] | None] | None:
    """(mandatory, consent, notice or None) for a filing on ``on``; None if nothing covers the day."""
    notice = _notice_on(data, on)
    if notice is not None:
        taken_over = [amount for day, amount in _replacing(data, notice) if day <= on]
        if taken_over:
            return taken_over[-1] * HALF, taken_over[-1] * TWICE, notice
        return Decimal(str(notice["mandatory_limit"])), _consent(notice, data), notice
    published = [v for v in data["values"]
                 if v.get("amount") is not None and _day(v["published_on"]) <= on]
    if not published:
        return None
    amount = Decimal(str(max(published, key=lambda v: _day(v["published_on"]))["amount"]))
    return amount * HALF, amount * TWICE, None


def _case(province: str, on: date, amount: Decimal, *, agree: bool = False) -> dict[str, Any]:
    return {
        "case_id": "W-1", "filed_on": on.isoformat(), "province": province,
        "dispute_type": "fee_arrears", "claimant": "property_company", "company_score": 80,
        "claim_amount": str(amount), "parties_agree_small_claims": agree,
        "attempts": [{"stage": s, "outcome": "failed"}
                     for s in ("owners_committee", "community", "mediation_center")],
    }


def _track(engine: Triage, province: str, on: date, amount: Decimal, *, agree: bool = False) -> tuple[str, str]:
    decision = engine.decide(_case(province, on, amount, agree=agree))
    assert decision.next_stage == "court"
    return str(decision.court_track), "\n".join(r.text for r in decision.reasons)


def _periods(data: dict[str, Any]) -> list[tuple[dict[str, Any], date, date]]:
    """Each notice with the first and last day it decides (today for one still in force)."""
    notices = sorted(data.get("announcements") or [], key=lambda n: _day(n["effective_from"]))
    result = []
    for i, notice in enumerate(notices):
        last = TODAY
        if i + 1 < len(notices):
            last = _day(notices[i + 1]["effective_from"]) - timedelta(days=1)
        if notice.get("effective_until") is not None:
            last = min(last, _day(notice["effective_until"]))
        for day, _ in _replacing(data, notice)[:1]:
            last = min(last, day - timedelta(days=1))
        result.append((notice, _day(notice["effective_from"]), last))
    return result


NOTICES = [(path.name, i, period) for path in FILES for i, period in enumerate(_periods(_read(path)))]
FILING_DAYS = [date(year, month, day) for year in range(2022, 2027) for month, day in ((1, 15), (7, 15), (11, 30))]


# --- every file loads ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_each_province_file_is_well_formed(path: Path) -> None:
    data = WageFile.model_validate(_read(path))
    assert path.name.startswith(f"{data.code}-"), "file names start with the GB/T 2260 code"
    years = [v.data_year for v in data.values]
    assert len(years) == len(set(years)), "one entry per data year"
    for value in data.values:
        if value.amount is None:
            assert value.note, f"{value.data_year}: a missing figure says what was searched"
        else:
            assert value.reference.get("title"), f"{value.data_year}: a figure names its source"
    for notice in data.announcements:
        assert notice.note, "an announcement says what was read where"


def test_all_province_files_load_together() -> None:
    book = load_rulebook()
    provinces = {_read(p)["province"] for p in FILES}
    with_figures = {_read(p)["province"] for p in FILES
                    if any(v.get("amount") is not None for v in _read(p)["values"])}
    assert set(book.wages.provinces) == with_figures
    assert len(provinces) == len(FILES), "one file per province"


# --- a court case in every province gets a track, or a clear missing-figure error -----------------

@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_court_case_in_every_province_gets_the_limit_its_data_gives(path: Path) -> None:
    data = _read(path)
    province = data["province"]
    for on in FILING_DAYS:
        limits = expected(data, on)
        if limits is None:
            with pytest.raises(InputError) as raised:
                ENGINE.decide(_case(province, on, Decimal(1)))
            assert [p.code for p in raised.value.problems] == ["missing_wage_figure"], on
            continue
        mandatory, consent, notice = limits
        track, told = _track(ENGINE, province, on, mandatory)
        assert track == "small_claims", (on, told)
        assert f"（{_yuan(mandatory)}元，含本数）" in told, (on, told)
        assert _track(ENGINE, province, on, mandatory + CENT)[0] == "fast_track", on
        assert _track(ENGINE, province, on, consent, agree=True)[0] == "small_claims", on
        assert _track(ENGINE, province, on, consent + CENT, agree=True)[0] == "fast_track", on
        if notice is not None:
            assert notice["court"] in told, (on, told)


def test_the_provinces_of_wages1_get_a_track_wherever_their_data_reaches() -> None:
    """The seven provinces added for issue 12 each decide at least one filing from 2022 to 2026."""
    for code in ("110000", "120000", "130000", "140000", "210000", "220000", "230000"):
        (path,) = [p for p in FILES if p.name.startswith(code)]
        assert any(expected(_read(path), on) is not None for on in FILING_DAYS), path.name


# --- announced limits at, just under and just over every boundary ---------------------------------

@pytest.mark.parametrize(("name", "index", "period"), NOTICES, ids=[f"{n}#{i}" for n, i, _ in NOTICES])
def test_each_announced_limit_holds_at_its_boundaries(
    name: str, index: int, period: tuple[dict[str, Any], date, date]
) -> None:
    del index  # in the id only
    data = _read(WAGES / name)
    notice, first, last = period
    province = data["province"]
    mandatory = Decimal(str(notice["mandatory_limit"]))
    consent = _consent(notice, data)
    start = f"自{first.year}年{first.month}月{first.day}日起适用"
    for on in (first, last):
        assert _track(ENGINE, province, on, mandatory - CENT)[0] == "small_claims"
        track, told = _track(ENGINE, province, on, mandatory)
        assert track == "small_claims"
        assert notice["court"] in told and start in told, told
        if notice.get("document"):
            assert notice["document"] in told
        if not notice["verified"] or notice.get("effective_from_estimated"):
            assert "待核实" in told
        assert _track(ENGINE, province, on, mandatory + CENT)[0] == "fast_track"
        assert _track(ENGINE, province, on, consent, agree=True)[0] == "small_claims"
        track, told = _track(ENGINE, province, on, consent + CENT, agree=True)
        assert track == "fast_track"
        assert f"（{_yuan(consent)}元）" in told
    # The day before it starts and the day after it ends, something else (or nothing) decides.
    outside = [first - timedelta(days=1)]
    if last < TODAY:
        outside.append(last + timedelta(days=1))
    for on in outside:
        try:
            _, told = _track(ENGINE, province, on, Decimal(1))
        except InputError as error:  # no figure then, or before the current law
            assert [p.code for p in error.problems] in (["missing_wage_figure"], ["before_rules_in_force"])
            continue
        if on > last and notice.get("later_figures_apply"):
            # The notice still governs, but with the later figure's amounts, not its own.
            assert f"（{_yuan(mandatory)}元，含本数）" not in told, (on, told)
        else:
            assert start not in told, (on, told)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_an_announced_limit_splits_every_amount_at_the_announced_figures(data: st.DataObject) -> None:
    if not NOTICES:
        pytest.skip("no announcement in the data")
    name, _, (notice, first, last) = data.draw(st.sampled_from(NOTICES))
    file = _read(WAGES / name)
    on = first + timedelta(days=data.draw(st.integers(0, (last - first).days)))
    mandatory = Decimal(str(notice["mandatory_limit"]))
    consent = _consent(notice, file)
    amount = Decimal(data.draw(st.integers(1, int(consent * 100) + 500))) / 100
    agree = data.draw(st.booleans())
    track, _ = _track(ENGINE, file["province"], on, amount, agree=agree)
    small = amount <= mandatory or (agree and amount <= consent)
    assert track == ("small_claims" if small else "fast_track")


# --- the rule itself, on files made for the purpose -----------------------------------------------

_BASE = """\
province: 测试省
code: "990000"
series: urban_non_private
series_title: 城镇非私营单位就业人员年平均工资
series_reason: test data
values:
  - {data_year: 2021, amount: "80001", published_on: 2022-06-01, reference: {title: t, href: null}, verified: true}
  - {data_year: 2022, amount: "90001", published_on: 2023-06-01, reference: {title: t, href: null}, verified: true}
  - {data_year: 2023, amount: "99999", published_on: 2024-06-01, reference: {title: t, href: null}, verified: true}
last_reviewed_on: 2026-11-01
announcements:
"""


def _notice(**fields: Any) -> str:
    base = {"court": "测试省高级人民法院", "document": None, "announced_on": None,
            "reference": {"title": "t", "href": None}, "verified": True}
    return "  - " + yaml.safe_dump({**base, **fields}, allow_unicode=True, default_flow_style=True,
                                   sort_keys=False).strip() + "\n"


def _engine_with(rules: Path, notices: str) -> Triage:
    (rules / "parameters" / "wages" / "990000-ceshi.yaml").write_text(_BASE + notices, encoding="utf-8")
    return Triage(load_rulebook(rules), evaluator="reference")


def test_a_notice_decides_from_its_start_and_names_itself(rules_copy: Path) -> None:
    engine = _engine_with(rules_copy, _notice(
        document="测高法〔2023〕1号", announced_on="2023-01-05", effective_from="2023-01-06",
        based_on={"data_year": 2021, "amount": "80001"}, mandatory_limit="40001", consent_limit=None))
    # the day before: 50% of the 2021 figure, 40000.50
    assert _track(engine, "测试省", date(2023, 1, 5), Decimal("40000.50"))[0] == "small_claims"
    assert _track(engine, "测试省", date(2023, 1, 5), Decimal("40000.51"))[0] == "fast_track"
    # from its start: the announced (rounded) amount, whatever newer statistics say
    for on in (date(2023, 1, 6), date(2023, 6, 1), date(2025, 1, 1)):
        track, told = _track(engine, "测试省", on, Decimal("40001"))
        assert track == "small_claims"
        assert "测试省高级人民法院通知（测高法〔2023〕1号，2023年1月5日发布，自2023年1月6日起适用）" in told
    # no consent limit stated: twice the wage it names, not four times the rounded limit
    assert _track(engine, "测试省", date(2023, 2, 1), Decimal("160002"), agree=True)[0] == "small_claims"
    assert _track(engine, "测试省", date(2023, 2, 1), Decimal("160002.01"), agree=True)[0] == "fast_track"
    # a newer figure is named, and a year-old notice is flagged, so a clerk looks for a later notice
    _, told = _track(engine, "测试省", date(2023, 6, 1), Decimal("1"))
    assert "2022年度数据已于2023年6月1日公布" in told and "请核实" in told
    _, told = _track(engine, "测试省", date(2024, 1, 6), Decimal("1"))
    assert "该通知施行已满一年" in told


def test_the_consent_limit_comes_from_the_named_year_or_else_four_times(rules_copy: Path) -> None:
    engine = _engine_with(rules_copy, _notice(
        effective_from="2023-07-01", based_on={"data_year": 2022}, mandatory_limit="45001",
        consent_limit=None) + _notice(effective_from="2024-07-01", mandatory_limit="50000", consent_limit=None))
    # based on 2022 with no amount: twice this file's 2022 figure
    assert _track(engine, "测试省", date(2023, 8, 1), Decimal("180002"), agree=True)[0] == "small_claims"
    assert _track(engine, "测试省", date(2023, 8, 1), Decimal("180002.01"), agree=True)[0] == "fast_track"
    # nothing named: four times the announced limit, said to be inferred
    track, told = _track(engine, "测试省", date(2024, 8, 1), Decimal("200000.01"), agree=True)
    assert track == "fast_track" and "按公布上限推算" in told
    assert _track(engine, "测试省", date(2024, 8, 1), Decimal("200000"), agree=True)[0] == "small_claims"


def test_a_notice_that_ends_gives_way_to_the_computed_limit(rules_copy: Path) -> None:
    engine = _engine_with(rules_copy, _notice(
        effective_from="2022-01-01", effective_until="2022-08-31", mandatory_limit="30000",
        consent_limit="120000", verified=False))
    track, told = _track(engine, "测试省", date(2022, 8, 31), Decimal("30000"))
    assert track == "small_claims" and "至2022年8月31日" in told and "待核实" in told
    # from 2022-09-01 the 2021 figure (published 2022-06-01) applies: 40000.50
    track, told = _track(engine, "测试省", date(2022, 9, 1), Decimal("40000.50"))
    assert track == "small_claims" and "测试省2021年度" in told and "高级人民法院" not in told


def test_a_notice_that_follows_the_statistics_gives_way_to_each_new_figure_next_month(rules_copy: Path) -> None:
    engine = _engine_with(rules_copy, _notice(
        effective_from="2023-01-10", based_on={"data_year": 2021}, mandatory_limit="40001",
        consent_limit="160002", later_figures_apply="next_month"))
    # the notice's own amount until the month after the 2022 figure (published 2023-06-01)
    assert _track(engine, "测试省", date(2023, 6, 30), Decimal("40001"))[0] == "small_claims"
    track, told = _track(engine, "测试省", date(2023, 7, 1), Decimal("45000.50"))
    assert track == "small_claims" and "测试省2022年度" in told and "新数据自公布次月1日起适用" in told
    assert _track(engine, "测试省", date(2023, 7, 1), Decimal("45000.51"))[0] == "fast_track"
    # the 2023 figure (published 2024-06-01) from 2024-07-01, not from its publication day
    assert _track(engine, "测试省", date(2024, 6, 15), Decimal("45000.51"))[0] == "fast_track"
    assert _track(engine, "测试省", date(2024, 7, 1), Decimal("49999.50"))[0] == "small_claims"


def test_an_estimated_start_is_said_to_be_unverified(rules_copy: Path) -> None:
    engine = _engine_with(rules_copy, _notice(
        effective_from="2024-07-24", effective_from_estimated=True, mandatory_limit="47000",
        consent_limit=None))
    _, told = _track(engine, "测试省", date(2024, 7, 24), Decimal("47000"))
    assert "最迟自2024年7月24日起适用" in told and "施行日期未查到原文，待核实" in told


@pytest.mark.parametrize(("notices", "where"), [
    (_notice(effective_from="2023-01-01", mandatory_limit="1") * 2, "announcements[1].effective_from"),
    (_notice(effective_from="2023-01-01", effective_until="2022-12-31", mandatory_limit="1"),
     "announcements[0].effective_until"),
    (_notice(effective_from="2023-01-01", mandatory_limit="50000", consent_limit="40000"),
     "announcements[0].consent_limit"),
    (_notice(effective_from="2023-01-01", mandatory_limit="50000", limit="1"), "announcements"),
    (_notice(effective_from="2023-01-01", mandatory_limit="50000.001"), "announcements"),
], ids=["same start", "ends before it starts", "consent below limit", "unknown key", "below a fen"])
def test_a_malformed_announcement_is_refused_with_its_place(rules_copy: Path, notices: str, where: str) -> None:
    (rules_copy / "parameters" / "wages" / "990000-ceshi.yaml").write_text(_BASE + notices, encoding="utf-8")
    with pytest.raises(RuleDataError) as raised:
        load_rulebook(rules_copy)
    assert raised.value.file == "parameters/wages/990000-ceshi.yaml"
    assert raised.value.path.startswith(where)


# --- the coverage table in docs/rules.md -----------------------------------------------------------

def _coverage_tool() -> Any:
    path = Path(__file__).resolve().parent.parent / "tools" / "wage_coverage.py"
    spec = importlib.util.spec_from_file_location("wage_coverage", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_the_coverage_table_in_rules_md_matches_the_data() -> None:
    tool = _coverage_tool()
    doc = tool.DOC.read_text(encoding="utf-8")
    assert tool.render(doc, tool.read_rows()) == doc, "run: .venv/bin/python tools/wage_coverage.py --write"


def test_the_coverage_table_counts_what_the_files_hold(tmp_path: Path) -> None:
    tool = _coverage_tool()
    (tmp_path / "990000-ceshi.yaml").write_text(_BASE + _notice(
        effective_from="2023-01-01", mandatory_limit="1", verified=False), encoding="utf-8")
    (row,) = tool.read_rows(tmp_path)
    assert (row.years, row.missing, row.notices, row.verified_notices) == (
        [2021, 2022, 2023], [2020, 2024, 2025], 1, 0)
    text = tool.table([row])
    assert "| 990000 | 测试省 | 2021–2023 | 2020, 2024–2025 |" in text
    assert "1 provinces with announced limits (1 notices, 0 verified)" in text
