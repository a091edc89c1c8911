"""A refusal that quotes the clerk's own text — a case id, a file or parameter name, an evaluator, a rubric item
id — quotes it escaped and bounded: one line, no control or invisible character acting on a terminal or a log,
at most ``ECHO_LIMIT`` (80) characters of it with an ellipsis and the full length after, in the JSON problem
as on a page. An ordinary id is quoted exactly as before."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from propertytriage.errors import printable
from tests.web.conftest import bearer, sample_cases, sample_scorecard

ECHO_LIMIT = 80  # errors.ECHO_LIMIT

HOSTILE = ["E\x1b[31mRED", "A\u202eB", "two\nlines", "tab\there", "长" * 5_000, "Z" * 81, "\u2028x"]
_TAIL = "…（共 99999 字符 / 99999 chars）"  # what a cut value ends with, at its longest here


def _one_line(text: str, sent: str) -> None:
    """``text`` (a message quoting ``sent``) is one line of seen characters, and quotes at most the limit of it."""
    assert printable(text) == text and "\n" not in text and "\r" not in text, repr(text)
    assert "\x1b" not in text and "\u202e" not in text and "\u2028" not in text
    assert len(text) <= ECHO_LIMIT + len(_TAIL) + 300 or text == sent, len(text)  # a field as sent (a JSON loc)


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _bounded(answer: Any, sent: str) -> None:
    for text in _strings(answer.json()):
        _one_line(text, sent)


@pytest.mark.parametrize("case_id", HOSTILE)
def test_a_refused_documents_case_id_is_named_escaped_and_cut(client: TestClient, tokens: dict[str, str],
                                                              case_id: str) -> None:
    good, bad = sample_cases()[0], {**sample_cases()[1], "case_id": case_id, "dispute_type": "no_such_type"}
    answer = client.post("/v1/import", content=json.dumps([good, bad]).encode(),
                         headers={**bearer(tokens["court"]), "Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text[:300]
    [refusal] = answer.json()["refusals"]
    _bounded(answer, case_id)
    assert len(refusal["subject"]) <= ECHO_LIMIT + len(_TAIL)
    if len(case_id) > ECHO_LIMIT:
        assert refusal["subject"].startswith(case_id[:ECHO_LIMIT] + "…") and f"共 {len(case_id)} 字符" in refusal["subject"]
    else:
        assert refusal["subject"] == printable(case_id).replace("\n", "\\x0a")


def test_an_ordinary_case_id_is_named_as_it_was_sent(client: TestClient, tokens: dict[str, str]) -> None:
    bad = {**sample_cases()[1], "case_id": "（2026）内0602民初1234号", "dispute_type": "no_such_type"}
    answer = client.post("/v1/import", content=json.dumps([sample_cases()[0], bad]).encode(),
                         headers={**bearer(tokens["court"]), "Content-Type": "application/json"})
    assert answer.json()["refusals"][0]["subject"] == "（2026）内0602民初1234号"


def test_a_case_id_that_is_not_text_is_named_by_its_value_cut(client: TestClient, tokens: dict[str, str]) -> None:
    bad = {**sample_cases()[1], "case_id": list(range(5_000))}
    answer = client.post("/v1/import", content=json.dumps([sample_cases()[0], bad]).encode(),
                         headers={**bearer(tokens["court"]), "Content-Type": "application/json"})
    subject = answer.json()["refusals"][0]["subject"]
    assert subject.startswith("[0, 1, 2") and len(subject) <= ECHO_LIMIT + len(_TAIL)


@given(case_id=st.text(min_size=1, max_size=400))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_case_id_is_named_on_one_bounded_line(client: TestClient, tokens: dict[str, str], case_id: str) -> None:
    bad = {**sample_cases()[1], "case_id": case_id, "dispute_type": "no_such_type"}
    answer = client.post("/v1/import", content=json.dumps([sample_cases()[0], bad]).encode(),
                         headers={**bearer(tokens["court"]), "Content-Type": "application/json"})
    assert answer.status_code == 200
    _bounded(answer, case_id)
    [refusal] = answer.json()["refusals"]
    assert refusal["subject"] == case_id or len(case_id) > ECHO_LIMIT or printable(case_id) != case_id or (
        "\n" in case_id)


@pytest.mark.parametrize("case_id", ["E%1B%5B31mRED", "A%E2%80%AEB", "Y" * 200, "tab%09here"])
def test_an_unknown_case_in_the_path_is_named_escaped_and_cut(client: TestClient, tokens: dict[str, str],
                                                              case_id: str) -> None:
    answer = client.get(f"/v1/cases/{case_id}", headers=bearer(tokens["court"]))
    assert answer.status_code == 404 and answer.json()["code"] == "unknown_case"
    _bounded(answer, case_id)
    title = answer.json()["title"]
    assert title.startswith("the ledger holds no case ")
    if case_id.startswith("E%1B"):
        assert title == "the ledger holds no case E\\x1b[31mRED"
    if len(case_id) == 200:
        assert title == f"the ledger holds no case {'Y' * ECHO_LIMIT}…（共 200 字符 / 200 chars）"


def test_an_unknown_parameters_name_is_named_escaped_and_cut(client: TestClient, tokens: dict[str, str]) -> None:
    answer = client.get("/v1/cases?" + "Q" * 200 + "%0A%1B=1&st%E2%80%AEage=court", headers=bearer(tokens["court"]))
    assert answer.status_code == 422
    _bounded(answer, "Q" * 200)
    errors = answer.json()["errors"]
    assert [e["code"] for e in errors] == ["unknown_parameter"] * 2
    assert errors[1]["loc"] == "st\\u202eage" and "'st\\u202eage'" in errors[1]["message_en"]


@pytest.mark.parametrize("name", ["a\x1b[31m.txt", "N" * 500 + ".json", "x\u202e.txt"])
def test_an_upload_of_another_type_names_the_file_escaped_and_cut(client: TestClient, tokens: dict[str, str],
                                                                  name: str) -> None:
    answer = client.post("/v1/import", headers=bearer(tokens["court"]), files={"file": (name, b"{}", "text/plain")})
    assert answer.status_code == 422 and answer.json()["errors"][0]["code"] == "not_a_sheet"
    _bounded(answer, name)


def test_a_foreign_sheets_evaluator_is_named_escaped_and_cut(client: TestClient, tokens: dict[str, str]) -> None:
    card = sample_scorecard()
    card["evaluations"][0] = {**card["evaluations"][0], "evaluator": "x\n\x1b[2J" + "E" * 1_000}
    answer = client.post("/v1/import", content=json.dumps(card).encode(),
                         headers={**bearer(tokens["community"]), "Content-Type": "application/json"})
    assert answer.status_code == 422 and "foreign_sheet" in {e["code"] for e in answer.json()["errors"]}
    _bounded(answer, "E" * 1_000)


def test_an_unknown_rubric_items_id_is_named_escaped_and_cut(client: TestClient, tokens: dict[str, str]) -> None:
    card = sample_scorecard()
    hostile = "item\n\x1b[2J" + "I" * 1_000
    card["evaluations"][0]["items"][hostile] = 1
    answer = client.post("/v1/score", content=json.dumps(card).encode(),
                         headers={**bearer(tokens["admin"]), "Content-Type": "application/json"})
    assert answer.status_code == 422
    [error] = [e for e in answer.json()["errors"] if e["code"] == "unknown_item"]
    _bounded(answer, hostile)
    assert "item\\x0a\\x1b[2J" in error["message_zh"] and "item\\x0a\\x1b[2J" in error["loc"]


def test_an_unknown_grouping_is_named_escaped(client: TestClient, tokens: dict[str, str]) -> None:
    answer = client.get("/v1/report?by=%0Amonth%1B", headers=bearer(tokens["court"]))
    assert answer.status_code == 422 and answer.json()["errors"][0]["code"] == "unknown_grouping"
    _bounded(answer, "month")
    assert re.search(r"not '\\x0amonth\\x1b'$", answer.json()["errors"][0]["message_en"])


@pytest.mark.parametrize("sheet", HOSTILE)
def test_a_sheet_name_the_upload_lacks_is_named_escaped_and_cut(client: TestClient, tokens: dict[str, str],
                                                                tmp_path: Any, sheet: str) -> None:
    from urllib.parse import quote

    from tests.sheets.books import HEADER, good_row, ods_file

    book = ods_file(tmp_path / "t.ods", [HEADER, good_row("D-1")])
    answer = client.post(f"/v1/import?sheet={quote(sheet)}", content=book.read_bytes(), headers={
        **bearer(tokens["court"]), "Content-Type": "application/vnd.oasis.opendocument.spreadsheet"})
    assert answer.status_code == 422, answer.text[:300]
    [error] = answer.json()["errors"]
    assert error["code"] == "no_such_sheet"
    for message in (error["message_zh"], error["message_en"]):
        _one_line(message, sheet)
