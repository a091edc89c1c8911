"""The rectification notice says what the lifecycle says; unprintable input is refused up front."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from propertytriage import InputError, render_form
from propertytriage.cli.main import main
from propertytriage.ruledata import examples_dir

AT_MEDIATION: dict[str, Any] = {
    "case_id": "N-1", "filed_on": "2026-04-10", "province": "内蒙古自治区",
    "dispute_type": "fee_arrears", "claimant": "property_company", "claim_amount": "100",
    "attempts": [{"stage": "owners_committee", "outcome": "failed"},
                 {"stage": "community", "outcome": "failed"}],
}


def test_notice_from_a_history_prints_its_score_items_and_rolled_deadline() -> None:
    case = {**AT_MEDIATION, "rectification_history": {"events": [
        {"kind": "score", "on": "2026-03-02", "total": "54.6"},
        {"kind": "notice", "on": "2026-03-05", "deadline": "2026-04-04",
         "items": ["ft_accounts", "sv_complaints"]}]}}
    html = render_form("rectification_notice", case, format="html").decode()
    assert "54.6" in html
    assert "定期公布收支与公共收益" in html and "投诉受理" in html
    assert "2026年4月7日" in html and "2026年4月4日" not in html  # 4 April 2026 is 清明


def test_notice_from_a_scorecard_lists_every_item_below_the_line() -> None:
    card = json.loads((examples_dir() / "scorecard.json").read_text(encoding="utf-8"))
    from propertytriage.scoring import replay

    state = replay({"events": [{"kind": "score", "on": card["evaluated_on"], "scorecard": card}]})
    expected = state.items_to_fix or (state.proposed_notice.items if state.proposed_notice else [])
    assert len(expected) > 5
    html = render_form("rectification_notice", {**AT_MEDIATION, "scorecard": card}, format="html").decode()
    assert all(item.title in html for item in expected)


def test_a_character_outside_the_fonts_is_refused_naming_the_field() -> None:
    case = {**AT_MEDIATION, "owners": [{"name": "张\U0001f600三"}]}
    with pytest.raises(InputError) as raised:
        render_form("scorecard", case)
    problem = raised.value.problems[0]
    assert problem.location == "owners[0].name" and "U+1F600" in problem.en


def test_forms_for_a_batch_write_nothing_when_one_case_is_unprintable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [AT_MEDIATION, {**AT_MEDIATION, "case_id": "N-2", "owners": [{"name": "张\U0001f600三"}]}]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["forms", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "case[1] N-2" in err and "owners[0].name" in err
    assert not out.exists()


def test_an_output_folder_that_is_a_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(AT_MEDIATION), encoding="utf-8")
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    assert main(["forms", str(path), "--out", str(blocker)]) == 4  # a file that cannot be written (docs/errors.md)
    assert "Traceback" not in capsys.readouterr().err


def test_notice_from_a_scorecard_alone_leaves_the_deadline_blank() -> None:
    card = json.loads((examples_dir() / "scorecard.json").read_text(encoding="utf-8"))
    html = render_form("rectification_notice", {**AT_MEDIATION, "scorecard": card}, format="html").decode()
    deadline_line = html[html.index("请你单位于"):html.index("前完成整改")]
    assert "年" not in deadline_line and "blank" in deadline_line


def test_names_with_spaces_between_rare_characters_print() -> None:
    from tests.rendering.pdfglyphs import char_glyph_ids

    case = {**AT_MEDIATION, "owners": [{"name": "淼 堃"}, {"name": "焱 垚"}, {"name": "䶮\u3000龑"}],
            "property_company": {"name": "鑫 淼 物业"}}
    pdf = render_form("inquiry_form", case)
    drawn = char_glyph_ids(pdf)
    for char in "淼堃焱垚䶮龑鑫":
        assert char in drawn and 0 not in drawn[char], char


# --- The notice says what the administration may say -------------------------------------------

def _half_sheets(evaluators: list[str]) -> dict[str, Any]:
    """Sheets of the given bodies giving every rubric item half its points (a total of 50)."""
    from decimal import Decimal

    from propertytriage.scoring import rubric_items

    items = {str(i["id"]): str(Decimal(str(i["max_points"])) / 2) for i in rubric_items()}
    return {"company": {"name": "青城物业"}, "evaluated_on": "2026-03-02",
            "evaluations": [{"evaluator": e, "items": items} for e in evaluators]}


def _opening(html: str) -> str:
    """The notice's first paragraph: who scored, the score, the pass mark."""
    return html[html.index('<p class="para">'):html.index("现建议你单位")]


ALL_FOUR = ["mediation_center", "housing_center", "owners_committee", "community"]


@pytest.mark.parametrize(("has_committee", "evaluators", "named"), [
    (True, ALL_FOUR, "经物业纠纷调解中心会同住房保障综合服务中心、业主委员会、街道社区联合赋分"),
    (True, ["mediation_center", "housing_center", "community"],
     "经物业纠纷调解中心会同住房保障综合服务中心、街道社区联合赋分"),
    (False, ["mediation_center", "community"], "经物业纠纷调解中心会同街道社区联合赋分"),
    (True, ["mediation_center"], "经物业纠纷调解中心赋分"),
])
def test_notice_names_exactly_the_bodies_that_scored(
    has_committee: bool, evaluators: list[str], named: str
) -> None:
    case = {**AT_MEDIATION, "has_owners_committee": has_committee,
            "attempts": AT_MEDIATION["attempts"][0 if has_committee else 1:],
            "scorecard": _half_sheets(evaluators)}
    opening = _opening(render_form("rectification_notice", case, format="html").decode())
    assert named in opening
    assert ("业主委员会" in opening) == ("owners_committee" in evaluators)


def test_notice_from_a_history_names_the_bodies_of_its_latest_scorecard() -> None:
    case = {**AT_MEDIATION, "rectification_history": {"events": [
        {"kind": "score", "on": "2026-01-05", "scorecard": _half_sheets(ALL_FOUR)},
        {"kind": "score", "on": "2026-03-02",
         "scorecard": _half_sheets(["mediation_center", "housing_center"])}]}}
    opening = _opening(render_form("rectification_notice", case, format="html").decode())
    assert "经物业纠纷调解中心会同住房保障综合服务中心联合赋分" in opening
    assert "业主委员会" not in opening and "街道社区" not in opening


def test_an_estate_without_committee_is_never_said_to_have_scored() -> None:
    case = {**AT_MEDIATION, "has_owners_committee": False, "attempts": AT_MEDIATION["attempts"][1:],
            "scorecard": _half_sheets(ALL_FOUR)}  # a committee sheet the estate cannot have
    assert "业主委员会" not in _opening(render_form("rectification_notice", case, format="html").decode())


def test_a_bare_score_names_only_the_convener() -> None:
    for extra in ({"company_score": "48"},
                  {"rectification_history": {"events": [{"kind": "score", "on": "2026-03-02",
                                                         "total": "48"}]}}):
        opening = _opening(render_form("rectification_notice", {**AT_MEDIATION, **extra},
                                       format="html").decode())
        assert "经物业纠纷调解中心组织联合赋分" in opening
        assert all(body not in opening for body in ("业主委员会", "住房保障综合服务中心", "街道社区"))


def test_notice_states_the_rectification_and_its_deadline_not_a_court_outcome() -> None:
    from tests.rendering.pdfglyphs import pdf_text

    case = {**AT_MEDIATION, "rectification_history": {"events": [
        {"kind": "score", "on": "2026-03-02", "total": "54.6"},
        {"kind": "notice", "on": "2026-03-05", "deadline": "2026-04-04", "items": ["ft_accounts"]}]}}
    text = "".join(pdf_text(render_form("rectification_notice", case)).split())
    assert "请你单位于2026年4月7日前完成整改" in text
    assert "整改期限届满后，本部门将会同有关单位进行整改验收" in text
    for outcome in ("不予支持", "予以支持", "判决", "驳回", "主张"):
        assert outcome not in text, outcome
