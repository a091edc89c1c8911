"""``POST /v1/triage`` takes the document ``POST /v1/import`` takes: a ``correction_reason`` beside the case's
keys is checked by the reason checker and plays no part in the decision."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import bearer, sample_cases


def test_post_triage_takes_the_key_and_checks_it(client: TestClient, tokens: dict[str, str]) -> None:
    first, second = sample_cases()[:2]
    headers = {**bearer(tokens["court"]), "Content-Type": "application/json"}
    plain = client.post("/v1/triage", json=first, headers=headers)
    one = client.post("/v1/triage", json={**first, "correction_reason": "业主提交缴费凭证"}, headers=headers)
    assert one.status_code == 200, one.text
    assert one.json() == plain.json()
    listed = client.post("/v1/triage", json=[{**first, "correction_reason": "凭证"}, second], headers=headers)
    assert listed.status_code == 200, listed.text
    assert listed.json() == client.post("/v1/triage", json=[first, second], headers=headers).json()
    bad = client.post("/v1/triage", json={**first, "correction_reason": " "}, headers=headers)
    assert bad.status_code == 422
    assert [(e["loc"], e["code"]) for e in bad.json()["errors"]] == [("correction_reason", "reason_blank")]
    bad = client.post("/v1/triage", json=[second, {**first, "correction_reason": 7}], headers=headers)
    assert bad.status_code == 422
    assert [(e["loc"], e["code"]) for e in bad.json()["errors"]] == [
        (f"case[1] {first['case_id']}: correction_reason", "reason_not_text")]
