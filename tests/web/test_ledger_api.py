"""The ledger over HTTP answers as the command line does: import, show, cases, due, with the caller
recorded on every event and owners' numbers masked for the roles that do not need them."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from propertytriage.cli.main import main
from propertytriage.ledger import queries
from propertytriage.web.roles import PERSONAL_DATA_ROLES, ROLES
from propertytriage.web.tokens import SqlTokenStore
from tests.web.conftest import bearer, sample_cases, sample_scorecard

ID_NUMBER = "150602199001011234"
PHONE = "13904771234"


def _with_owner(case: dict[str, Any]) -> dict[str, Any]:
    case = copy.deepcopy(case)
    case["owners"] = [{"name": "李喆", "unit": "5号楼1单元302室", "id_number": ID_NUMBER, "phone": PHONE}]
    return case


def _import(client: TestClient, token: str, body: Any, content_type: str = "application/json") -> Any:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return client.post("/v1/import", content=text.encode(), headers={**bearer(token), "Content-Type": content_type})


def _cli_json(capsys: pytest.CaptureFixture[str], args: list[str]) -> Any:
    capsys.readouterr()
    main(args)
    return json.loads(capsys.readouterr().out)


def test_an_import_records_what_the_command_line_would_and_names_the_caller(
    client: TestClient, tokens: dict[str, str], store: SqlTokenStore, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = sample_cases()
    response = _import(client, tokens["court"], cases)
    assert response.status_code == 200, response.text
    assert response.json() == {"new": len(cases), "changed": 0, "unchanged": 0, "refused": 0, "refusals": []}
    again = _import(client, tokens["court"], cases).json()
    assert (again["new"], again["unchanged"]) == (0, len(cases))

    url = store.ledger.url
    for case in cases:
        shown = client.get(f"/v1/cases/{case['case_id']}", headers=bearer(tokens["court"]))
        assert shown.status_code == 200
        assert shown.json() == _cli_json(capsys, ["show", case["case_id"], "--db", url])
        events = shown.json()["events"]
        assert events and {e["recorded_by"] for e in events} == {"court clerk (court)"}
        assert events[0]["source"].startswith("request [")


def test_json_lines_name_each_line_and_a_bad_one_is_refused_alone(client: TestClient, tokens: dict[str, str]) -> None:
    good, other = sample_cases()[:2]
    bad = {**sample_cases()[2], "claimant": "tenant"}
    lines = "\n".join([json.dumps(good, ensure_ascii=False), "{not json", "", json.dumps(bad, ensure_ascii=False),
                       json.dumps(other, ensure_ascii=False)])
    response = _import(client, tokens["community"], lines, "application/x-ndjson")
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["new"], result["refused"]) == (2, 2)
    assert [(r["source"], r["errors"][0]["code"]) for r in result["refusals"]] == [
        ("request line 2", "json_invalid"), ("request line 4", "not_allowed")]
    assert result["refusals"][1]["subject"] == bad["case_id"]
    assert client.get(f"/v1/cases/{bad['case_id']}", headers=bearer(tokens["community"])).status_code == 404


def test_a_request_with_nothing_recordable_is_invalid_and_records_nothing(
    client: TestClient, tokens: dict[str, str]
) -> None:
    bad = {**sample_cases()[0], "filed_on": "2025-13-01"}
    response = _import(client, tokens["admin"], bad)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["loc"] for e in response.json()["errors"]] == ["filed_on"]
    response = _import(client, tokens["admin"], [bad, {"neither": "kind"}])
    assert [e["loc"].split(":")[0] for e in response.json()["errors"]] == ["request [0]", "request [1]"]
    assert _import(client, tokens["admin"], "[1, 2").status_code == 422
    listed = client.get("/v1/cases", headers=bearer(tokens["admin"])).json()
    assert listed["total"] == 0 and listed["items"] == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded"])
def test_other_types_than_json_and_spreadsheets_are_refused_with_415(
    client: TestClient, tokens: dict[str, str], content_type: str
) -> None:
    response = _import(client, tokens["court"], "case_id,filed_on\nA,2025-01-01\n", content_type)
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_an_evaluator_imports_only_its_own_sheets(client: TestClient, tokens: dict[str, str]) -> None:
    card = sample_scorecard()
    evaluators = {e["evaluator"] for e in card["evaluations"]}
    assert "community" in evaluators and len(evaluators) > 1
    refused = _import(client, tokens["community"], card)
    assert refused.status_code == 422
    codes = {e["code"] for e in refused.json()["errors"]}
    assert codes == {"foreign_sheet"}
    locs = [e["loc"] for e in refused.json()["errors"]]
    assert len(locs) == len(evaluators) - 1 and all(loc.endswith(".evaluator") for loc in locs)
    in_a_case = {**sample_cases()[0], "case_id": "SHEET-1", "scorecard": card}
    assert _import(client, tokens["mediation_center"], in_a_case).json()["errors"][0]["code"] == "foreign_sheet"
    accepted = _import(client, tokens["court"], card)  # not an evaluator: records the sheets it was sent
    assert accepted.status_code in (200, 422)
    assert "foreign_sheet" not in accepted.text


@pytest.mark.parametrize("role", ROLES)
def test_owners_numbers_are_shown_in_full_only_to_the_roles_that_need_them(
    client: TestClient, tokens: dict[str, str], role: str
) -> None:
    case = _with_owner(sample_cases()[0])
    assert _import(client, tokens["admin"], case).status_code == 200
    changed = {**case, "owners": [{**case["owners"][0], "phone": "13904779999"}]}
    assert _import(client, tokens["admin"], changed).json()["changed"] == 1  # the number is in an event too
    text = client.get(f"/v1/cases/{case['case_id']}", headers=bearer(tokens[role])).text
    listed = client.get("/v1/cases", headers=bearer(tokens[role])).text
    if role in PERSONAL_DATA_ROLES:
        assert ID_NUMBER in text and PHONE in text
    else:
        assert ID_NUMBER not in text and PHONE not in text and "13904779999" not in text
        assert "150602********1234" in text
    assert ID_NUMBER not in listed  # lists are masked for everyone, as on the command line


def _imported(client: TestClient, tokens: dict[str, str]) -> list[dict[str, Any]]:
    assert _import(client, tokens["court"], sample_cases()).status_code == 200
    return sample_cases()


def test_the_list_filters_and_pages_as_the_command_line_lists(
    client: TestClient, tokens: dict[str, str], store: SqlTokenStore, capsys: pytest.CaptureFixture[str]
) -> None:
    _imported(client, tokens)
    url = store.ledger.url
    everything = _cli_json(capsys, ["cases", "--json", "--db", url])
    whole = client.get("/v1/cases", params={"limit": 500}, headers=bearer(tokens["housing_center"])).json()
    assert whole["total"] == len(everything) and whole["items"] == everything
    court = _cli_json(capsys, ["cases", "--json", "--stage", "court", "--db", url])
    staged = client.get("/v1/cases", params={"stage": "court"}, headers=bearer(tokens["court"])).json()
    assert staged["items"] == court and staged["total"] == len(court) > 0
    on = "2026-06-30"
    overdue = _cli_json(capsys, ["cases", "--json", "--overdue", "--on", on, "--db", url])
    late = client.get("/v1/cases", params={"overdue": "true", "on": on}, headers=bearer(tokens["court"])).json()
    assert late["items"] == overdue


def _community(case_id: str) -> str | None:
    return next(c for c in sample_cases() if c["case_id"] == case_id).get("estate", {}).get("community")


def _company_names(case_id: str) -> set[str]:
    company = next(c for c in sample_cases() if c["case_id"] == case_id).get("property_company", {})
    return {v for v in (company.get("name"), company.get("credit_code")) if v}


def test_community_and_company_select_the_cases_of_that_estate_and_that_company(
    client: TestClient, tokens: dict[str, str]
) -> None:
    cases = _imported(client, tokens)
    headers = bearer(tokens["owners_committee"])
    for community in {c.get("estate", {}).get("community") for c in cases} - {None}:
        found = client.get("/v1/cases", params={"community": community, "limit": 500}, headers=headers).json()
        expected = {c["case_id"] for c in cases if c.get("estate", {}).get("community") == community}
        assert {i["case_id"] for i in found["items"]} == expected and found["total"] == len(expected)
    company = cases[0]["property_company"]
    for name in (company["name"], company["credit_code"]):
        found = client.get("/v1/cases", params={"company": name, "limit": 500}, headers=headers).json()
        assert found["total"] > 0
        assert all(company["name"] in _company_names(i["case_id"]) or company["credit_code"] in _company_names(
            i["case_id"]) for i in found["items"])
    nothing = client.get("/v1/cases", params={"company": "没有这家公司"}, headers=headers).json()
    assert nothing == {"total": 0, "limit": 50, "offset": 0, "items": []}


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(limit=st.integers(1, 30), offset=st.integers(0, 30))
def test_pages_are_slices_of_the_whole_list(limit: int, offset: int) -> None:
    client, token, whole = _paging_ledger()
    page = client.get("/v1/cases", params={"limit": limit, "offset": offset}, headers=bearer(token)).json()
    assert page["total"] == len(whole)
    assert [i["case_id"] for i in page["items"]] == whole[offset:offset + limit]


_PAGING: list[Any] = []


def _paging_ledger() -> tuple[TestClient, str, list[str]]:
    """One ledger of the samples for every example (hypothesis runs the test many times)."""
    if not _PAGING:
        from propertytriage.web import create_app

        store = SqlTokenStore.from_url("sqlite://")
        token = store.create("paging", "court").secret
        client = TestClient(create_app(store), raise_server_exceptions=False)
        assert _import(client, token, sample_cases()).status_code == 200
        whole = [i["case_id"] for i in client.get("/v1/cases", params={"limit": 500}, headers=bearer(token))
                 .json()["items"]]
        _PAGING.append((client, token, whole))
    result: tuple[TestClient, str, list[str]] = _PAGING[0]
    return result


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"stage": "heaven"},
                                    {"on": "2025-02-30"}, {"overdue": "maybe"}])
def test_bad_list_parameters_are_422_problems(client: TestClient, tokens: dict[str, str], params: Any) -> None:
    response = client.get("/v1/cases", params=params, headers=bearer(tokens["court"]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == next(iter(params))


def test_the_due_list_is_the_command_lines_and_a_calendar_on_request(
    client: TestClient, tokens: dict[str, str], store: SqlTokenStore, capsys: pytest.CaptureFixture[str]
) -> None:
    _imported(client, tokens)
    on = "2025-06-30"
    expected = _cli_json(capsys, ["due", "--json", "--on", on, "--days", "30", "--db", store.ledger.url])
    headers = bearer(tokens["housing_center"])
    listed = client.get("/v1/due", params={"on": on, "days": 30}, headers=headers)
    assert listed.status_code == 200 and listed.json() == expected and expected
    for calendar in (client.get("/v1/due", params={"on": on, "days": 30, "format": "ics"}, headers=headers),
                     client.get("/v1/due", params={"on": on, "days": 30},
                                headers={**headers, "Accept": "text/calendar"})):
        assert calendar.headers["content-type"].startswith("text/calendar")
        body = calendar.content.decode()
        assert body.startswith("BEGIN:VCALENDAR") and body.count("BEGIN:VEVENT") == len(expected)
    assert date.fromisoformat(expected[0]["due_on"])


def test_an_unknown_case_is_404_with_the_command_lines_code(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get("/v1/cases/NO-SUCH-CASE", headers=bearer(tokens["community"]))
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_case"


def test_the_count_agrees_with_the_list_it_counts(store: SqlTokenStore, client: TestClient,
                                                          tokens: dict[str, str]) -> None:
    _imported(client, tokens)
    with store.engine.connect() as connection:
        assert queries.count_cases(connection) == len(sample_cases())
        assert queries.count_cases(connection, stage="court") == len(queries.list_cases(connection, stage="court"))


def test_the_filters_and_the_recorder_work_on_postgresql(postgres_cluster: Any, engine: Any) -> None:
    from propertytriage.ledger import Ledger
    from propertytriage.web import create_app

    with Ledger(postgres_cluster.new_database(), triage=engine) as ledger:
        store = SqlTokenStore(ledger)
        token = store.create("调解中心 李四", "mediation_center").secret
        client = TestClient(create_app(store, engine=engine), raise_server_exceptions=False)
        cases = [c for c in sample_cases() if "scorecard" not in c]
        assert _import(client, token, cases).json()["new"] == len(cases)
        found = client.get("/v1/cases", params={"community": "康和社区", "company": cases[0]["property_company"]["name"]},
                           headers=bearer(token)).json()
        expected = {c["case_id"] for c in cases if c.get("estate", {}).get("community") == "康和社区"
                    and c.get("property_company", {}).get("name") == cases[0]["property_company"]["name"]}
        assert {i["case_id"] for i in found["items"]} == expected and found["total"] == len(expected) > 0
        shown = client.get(f"/v1/cases/{cases[0]['case_id']}", headers=bearer(token)).json()
        assert shown["events"][0]["recorded_by"] == "调解中心 李四 (mediation_center)"


@pytest.mark.parametrize("path", ["/v1/cases?stag=court", "/v1/due?of=2025-01-01", "/v1/cases/X?full=1"])
def test_an_unknown_query_parameter_is_named_not_ignored(client: TestClient, tokens: dict[str, str], path: str) -> None:
    response = client.get(path, headers=bearer(tokens["court"]))
    assert response.status_code == 422
    assert [(e["loc"], e["code"]) for e in response.json()["errors"]] == [
        (path.split("?")[1].split("=")[0], "unknown_parameter")]


@pytest.mark.parametrize("path", ["/v1/cases?company=A&company=B", "/v1/due?on=2025-01-01&on=2025-02-01",
                                  "/v1/cases?stage=court&limit=5&stage=mediation_center"])
def test_a_query_parameter_given_twice_is_refused_not_read_as_its_last_value(
        client: TestClient, tokens: dict[str, str], path: str) -> None:
    """The framework keeps the last of repeated values: the list would be filtered by one of two asked."""
    response = client.get(path, headers=bearer(tokens["court"]))
    assert response.status_code == 422
    name = path.split("?")[1].split("=")[0]
    assert [(e["loc"], e["code"]) for e in response.json()["errors"]] == [(name, "repeated_parameter")]
    assert "2 次" in response.text and "given 2 times" in response.text
