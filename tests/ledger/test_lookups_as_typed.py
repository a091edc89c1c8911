"""A case id and a day as a clerk types them into the ledger's commands."""

from __future__ import annotations

import json

import pytest

from propertytriage.cli.main import main
from tests.ledger.test_import import fee_case


@pytest.mark.parametrize("typed", [" A-1", "A-1 ", "\tA-1\n"])
def test_show_finds_a_case_whose_id_was_typed_with_the_spaces_the_import_strips(
        database_url, write_json, capsys, typed: str) -> None:
    """An id is stored without its outer spaces (models/types.py); the same id pasted with them must find
    the case, on the command line as through the API and the pages (all three read ``queries.show``)."""
    assert main(["import", write_json("a.json", fee_case("A-1")), "--db", database_url]) == 0
    capsys.readouterr()
    assert main(["show", typed, "--db", database_url]) == 0
    assert json.loads(capsys.readouterr().out)["case"]["case_id"] == "A-1"


@pytest.mark.parametrize("day", ["20260325", "2026-W13-3", "2026-084", "2026-3-25", "2026/03/25"])
def test_a_day_in_another_form_than_the_one_asked_for_is_refused(database_url, write_json, capsys, day: str) -> None:
    """Python's ISO reading takes ``20260325`` and week dates; the message asks for YYYY-MM-DD, so a day
    typed otherwise is refused, not read as some day the clerk may not have meant."""
    assert main(["import", write_json("a.json", fee_case("A-1")), "--db", database_url]) == 0
    capsys.readouterr()
    for command in (["due"], ["cases", "--overdue"]):
        with pytest.raises(SystemExit) as stopped:
            main([*command, "--on", day, "--db", database_url])
        assert stopped.value.code == 2
        assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["due", "--on", "2026-03-25", "--db", database_url]) == 0
