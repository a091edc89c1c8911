"""Text no database takes as a parameter (NUL, half a character) in a document's keys is refused by name, and
the rest of the batch recorded, on both databases: the batch's look-ups ahead of validation leave it out."""

from __future__ import annotations

import json

import pytest

from propertytriage.cli.main import main
from tests.ledger.test_import import fee_case


@pytest.mark.parametrize("bad", ["A\u0000B", "A\ud800B"])
def test_an_unstorable_case_id_is_refused_and_the_rest_recorded(database_url, tmp_path, capsys, bad: str) -> None:
    path = tmp_path / "a.json"  # JSON's escapes: half a character cannot be written as UTF-8
    path.write_text(json.dumps([fee_case(bad), fee_case("A-2")]), encoding="ascii")
    path = str(path)
    assert main(["import", path, "--db", database_url]) == 2  # 1 (the whole batch lost) on PostgreSQL before
    assert "case_id" in capsys.readouterr().err
    assert main(["show", "A-2", "--db", database_url]) == 0
    assert json.loads(capsys.readouterr().out)["case"]["case_id"] == "A-2"


def test_an_unstorable_company_name_is_refused_and_the_rest_recorded(database_url, write_json, capsys) -> None:
    odd = fee_case("A-1")
    odd["property_company"] = {**odd.get("property_company", {}), "name": "安泰\u0000物业", "credit_code": None}
    path = write_json("a.json", [odd, fee_case("A-2")])
    assert main(["import", path, "--db", database_url]) == 2
    capsys.readouterr()
    assert main(["show", "A-2", "--db", database_url]) == 0
