"""Half a character in a document's reason over HTTP: that document is refused by name, not a 500."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.web.conftest import bearer, sample_cases


def test_a_lone_surrogate_in_a_reason_refuses_that_document_and_records_the_other(
        client: TestClient, tokens: dict[str, str]) -> None:
    first, second = sample_cases()[:2]
    bad = json.dumps(first, ensure_ascii=False)[:-1] + ', "correction_reason": "更正\\ud800"}'
    body = f"[{bad}, {json.dumps(second, ensure_ascii=False)}]"
    answer = client.post("/v1/import", content=body.encode(),
                         headers={**bearer(tokens["court"]), "Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    counts = answer.json()
    assert (counts["new"], counts["refused"]) == (1, 1)
    [refusal] = counts["refusals"]
    assert refusal["subject"] == first["case_id"]
    assert [(e["loc"], e["code"]) for e in refusal["errors"]] == [("correction_reason", "invalid_value")]
    assert "更正原因" in refusal["errors"][0]["message_zh"] and "reason" in refusal["errors"][0]["message_en"]
    assert client.get(f"/v1/cases/{second['case_id']}", headers=bearer(tokens["court"])).status_code == 200
