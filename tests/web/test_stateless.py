"""The stateless endpoints answer as the Python API does, through the ASGI app."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

import propertytriage.jsonio as jsonio
from propertytriage import score, triage
from propertytriage.errors import InputError
from propertytriage.scoring import rubric_items
from tests.strategies import cases
from tests.web.conftest import bearer, sample_cases, sample_scorecard


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


def test_one_case_is_decided_as_the_python_api_decides_it(client: TestClient, tokens: dict[str, str]) -> None:
    for case in sample_cases():
        response = client.post("/v1/triage", headers=bearer(tokens["court"]), content=_json(case))
        assert response.status_code == 200, response.text
        assert response.json() == triage(case).model_dump(mode="json")


def test_a_list_is_decided_case_by_case_in_order(client: TestClient, tokens: dict[str, str]) -> None:
    batch = sample_cases()
    response = client.post("/v1/triage", headers=bearer(tokens["community"]), content=_json(batch))
    assert response.status_code == 200
    assert response.json() == [triage(c).model_dump(mode="json") for c in batch]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_any_valid_case_gets_the_python_api_decision(
    client: TestClient, tokens: dict[str, str], case: dict[str, Any]
) -> None:
    response = client.post("/v1/triage", headers=bearer(tokens["admin"]), content=_json(case))
    assert response.status_code == 200, response.text
    assert response.json() == triage(case).model_dump(mode="json")


def test_amounts_are_read_as_exact_decimals_not_floats(client: TestClient, tokens: dict[str, str]) -> None:
    """A JSON number is parsed as a decimal, as the command line parses it: at the 50% wage limit a
    float rounding would move a claim across the small-claims line, and 0.1 as a float is not a whole
    number of fen (the model would refuse it)."""
    case = next(c for c in sample_cases() if c["case_id"] == "KBS-2025-011")
    case = {k: v for k, v in case.items() if k != "arrears"}  # the claim alone, not its items
    for amount in ("54428", "54428.01", "0.1", "217712.00"):
        body = _json({**case, "claim_amount": "AMOUNT"}).replace('"AMOUNT"', amount)
        response = client.post("/v1/triage", headers=bearer(tokens["admin"]), content=body)
        assert response.status_code == 200, response.text
        assert response.json() == triage({**case, "claim_amount": Decimal(amount)}).model_dump(mode="json")


def test_a_list_with_one_bad_case_gives_no_decision_and_names_the_case_and_field(
    client: TestClient, tokens: dict[str, str]
) -> None:
    batch = sample_cases()[:3]
    batch[1] = {**batch[1], "claimant": "tenant"}
    response = client.post("/v1/triage", headers=bearer(tokens["admin"]), content=_json(batch))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "invalid_input"
    assert [(e["loc"], e["code"]) for e in body["errors"]] == [(f"case[1] {batch[1]['case_id']}: claimant", "not_allowed")]
    assert "可选" in body["errors"][0]["message_zh"] and "tenant" in body["errors"][0]["message_en"]


def test_two_cases_with_one_id_are_refused_as_on_the_command_line(client: TestClient, tokens: dict[str, str]) -> None:
    case = sample_cases()[0]
    response = client.post("/v1/triage", headers=bearer(tokens["admin"]), content=_json([case, case]))
    assert response.status_code == 422
    assert [e["code"] for e in response.json()["errors"]] == ["duplicate_case_id"]


def test_malformed_json_and_repeated_keys_have_the_command_lines_codes(client: TestClient, tokens: dict[str, str]) -> None:
    head = bearer(tokens["admin"])
    broken = client.post("/v1/triage", headers=head, content='{"case_id": ')
    assert broken.status_code == 422 and broken.json()["errors"][0]["code"] == "json_invalid"
    assert broken.json()["errors"][0]["loc"].startswith("line 1 column")
    twice = client.post("/v1/triage", headers=head, content='{"case_id": "A", "case_id": "B"}')
    with pytest.raises(InputError) as said:  # what the command line says of the same text
        jsonio.loads('{"case_id": "A", "case_id": "B"}')
    (problem,) = said.value.problems
    assert problem.code == "duplicate_key" and "case_id" in problem.location
    assert twice.status_code == 422 and twice.json()["errors"][0] == {
        "loc": problem.location, "code": problem.code, "message_zh": problem.zh, "message_en": problem.en,
    }
    not_object = client.post("/v1/triage", headers=head, content="3")
    assert not_object.status_code == 422 and not_object.json()["errors"][0]["code"] == "not_an_object"
    not_utf8 = client.post("/v1/triage", headers=head, content=b'{"case_id": "\xff"}')
    assert not_utf8.status_code == 422 and not_utf8.json()["errors"][0]["code"] == "encoding"


def test_every_field_at_fault_is_listed_with_both_languages(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.post("/v1/triage", headers=bearer(tokens["admin"]), content='{"case_id": "X", "colour": 1}')
    errors = response.json()["errors"]
    assert {e["loc"] for e in errors} >= {"filed_on", "province", "dispute_type", "claimant", "colour"}
    assert all(e["message_zh"] and e["message_en"] for e in errors)
    assert {e["code"] for e in errors} == {"missing", "extra_forbidden"}


def test_score_answers_as_the_python_api(client: TestClient, tokens: dict[str, str]) -> None:
    card = sample_scorecard()
    response = client.post("/v1/score", headers=bearer(tokens["admin"]), content=_json(card))
    assert response.status_code == 200, response.text
    assert response.json() == score(card).model_dump(mode="json")
    listed = client.post("/v1/score", headers=bearer(tokens["admin"]), content=_json([card, card]))
    assert listed.json() == [score(card).model_dump(mode="json")] * 2


def test_an_evaluator_submits_its_own_sheet_only(client: TestClient, tokens: dict[str, str]) -> None:
    card = sample_scorecard()
    own = {**card, "evaluations": [e for e in card["evaluations"] if e["evaluator"] == "mediation_center"]}
    response = client.post("/v1/score", headers=bearer(tokens["mediation_center"]), content=_json(own))
    assert response.status_code == 200, response.text
    assert response.json() == score(own).model_dump(mode="json")
    whole = client.post("/v1/score", headers=bearer(tokens["mediation_center"]), content=_json(card))
    assert whole.status_code == 403
    assert whole.json()["code"] == "foreign_sheet" and "evaluations[1]" in whole.json()["detail"]
    for role in ("housing_center", "owners_committee", "community"):
        other = {**card, "evaluations": [e for e in card["evaluations"] if e["evaluator"] == "mediation_center"]}
        assert client.post("/v1/score", headers=bearer(tokens[role]), content=_json(other)).status_code == 403


def test_a_bad_scorecard_in_a_list_is_named_by_its_place(client: TestClient, tokens: dict[str, str]) -> None:
    card = sample_scorecard()
    bad = {**card, "evaluated_on": "2025-02-30"}
    response = client.post("/v1/score", headers=bearer(tokens["admin"]), content=_json([card, bad]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"].startswith("scorecard[1]: evaluated_on")


def test_rubric_is_the_rubric_in_force(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/v1/rubric", headers=bearer(tokens["owners_committee"]))
    assert response.status_code == 200
    items = response.json()
    assert [i["id"] for i in items] == [i["id"] for i in rubric_items()]
    assert sum(Decimal(i["max_points"]) for i in items) == 100


def test_a_form_comes_back_as_a_pdf(client: TestClient, tokens: dict[str, str]) -> None:
    case = next(c for c in sample_cases() if triage(c).next_stage == "court")
    response = client.post("/v1/forms/inquiry_form", headers=bearer(tokens["court"]), content=_json(case))
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f'filename="{case["case_id"]}-inquiry_form.pdf"' in response.headers["content-disposition"]


def test_an_unknown_form_is_not_found_and_a_bad_case_is_invalid(client: TestClient, tokens: dict[str, str]) -> None:
    head = bearer(tokens["court"])
    unknown = client.post("/v1/forms/receipt", headers=head, content=_json(sample_cases()[0]))
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_form"
    invalid = client.post("/v1/forms/focus_table", headers=head, content='{"case_id": "X"}')
    assert invalid.status_code == 422 and invalid.json()["code"] == "invalid_input"
