"""A sheet's row is validated by the reader and not again by the ledger (``Document.case``); the case
the reader hands over records exactly what the document alone records."""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from sqlalchemy import select

from propertytriage.ledger import Ledger
from propertytriage.ledger import recording as recording_module
from propertytriage.ledger.documents import Document
from propertytriage.ledger.file_import import import_files
from propertytriage.ledger.queries import show
from propertytriage.ledger.schema import CASE_ATTEMPTS, CASES, DEADLINES, EVENTS
from propertytriage.models.case import Case
from tests.sheets.books import HEADER, csv_file, good_row
from tests.strategies import cases

_FOLDER = Path(tempfile.mkdtemp(prefix="validated-once-"))
atexit.register(shutil.rmtree, _FOLDER, True)  # the databases of this module, gone with the run
_NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
_LEDGERS = {name: Ledger(f"sqlite:///{_FOLDER / name}.db", clock=lambda: _NOW) for name in ("given", "alone")}
_NUMBERS = itertools.count()


def _stored(ledger: Ledger, case_id: str) -> Any:
    with ledger.engine.connect() as connection:
        rows = [connection.execute(select(*(c for c in table.columns if c.name != "id"))
                                   .where(column == case_id)).all()
                for table, column in ((CASES, CASES.c.case_id), (EVENTS, EVENTS.c.stream_id),
                                      (CASE_ATTEMPTS, CASE_ATTEMPTS.c.case_id), (DEADLINES, DEADLINES.c.subject_id))]
        return show(connection, case_id), rows


@settings(max_examples=40, deadline=None)
@given(document=cases())
def test_a_case_handed_over_records_what_its_document_alone_records(document: dict[str, Any]) -> None:
    document = {**document, "case_id": f"V-{next(_NUMBERS)}"}
    _LEDGERS["given"].import_documents([Document("s", document, case=Case.model_validate(document))])
    _LEDGERS["alone"].import_documents([Document("s", document)])
    assert _stored(_LEDGERS["given"], document["case_id"]) == _stored(_LEDGERS["alone"], document["case_id"])


def test_a_sheet_row_is_validated_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = csv_file(tmp_path / "台账.csv", [HEADER, good_row("K-1"), good_row("K-2")], encoding="utf-8")
    validated: list[Any] = []
    original = recording_module.validate

    def counting(model: Any, data: Any, **kwargs: Any) -> Any:
        validated.append(model)
        return original(model, data, **kwargs)

    monkeypatch.setattr(recording_module, "validate", counting)
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}", clock=lambda: _NOW) as ledger:
        summary, _ = import_files(ledger, [str(path)])
        assert (summary.new, len(summary.refused)) == (2, 0)
        assert Case not in validated  # the reader's cases were recorded as they were
        with ledger.engine.connect() as connection:
            assert show(connection, "K-2") is not None
