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
    assert main(["forms", str(path), "--out", str(blocker)]) == 2
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
