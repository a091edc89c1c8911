"""The recorder reads stored cases on SQLite through the driver (``recorder.stored_cases_sqlite``)
instead of SQLAlchemy's result: it must give every case's state and indexed columns exactly as
SQLAlchemy's typed result gives them, whatever the case."""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from propertytriage.ledger import Ledger
from propertytriage.ledger.documents import Document
from propertytriage.ledger.recorder import (
    INDEXED_CASE_COLUMNS,
    case_from_row,
    raw_cases_sqlite,
    state_of_raw,
    stored_cases_sqlite,
)
from propertytriage.ledger.schema import CASES
from tests.strategies import cases

_FOLDER = Path(tempfile.mkdtemp(prefix="fast-reads-"))
atexit.register(shutil.rmtree, _FOLDER, True)  # the databases of this module, gone with the run
_LEDGER = Ledger(f"sqlite:///{_FOLDER / 'ledger.db'}", clock=lambda: datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
_NUMBERS = itertools.count()

places = st.one_of(st.none(), st.fixed_dictionaries({}, optional={
    "street": st.sampled_from(["鸿雁街道", "兴泰街道"]), "community": st.sampled_from(["某社区", "另一社区"])}))
companies = st.one_of(st.none(), st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["第1物业服务有限公司", "第2物业服务有限公司"]),
    "credit_code": st.sampled_from(["91150602MA00000001", "91150602MA00000002"])}))


@st.composite
def stored(draw: st.DrawFn) -> dict[str, Any]:
    case = draw(cases())
    case["case_id"] = f"FR-{next(_NUMBERS)}"
    estate, company = draw(places), draw(companies)
    if estate:
        case["estate"] = estate
    if company:
        case["property_company"] = company
    if case["attempts"] and draw(st.booleans()):
        case["attempts"][0]["on"] = case["filed_on"]
    return case


def _state(row: Any) -> tuple[Any, tuple[Any, ...]]:
    return case_from_row(row), tuple(getattr(row, c) for c in INDEXED_CASE_COLUMNS)


@settings(max_examples=60, deadline=None)
@given(documents=st.lists(stored(), min_size=1, max_size=4), again=st.booleans())
def test_the_driver_read_gives_what_sqlalchemy_gives(documents: list[dict[str, Any]], again: bool) -> None:
    _LEDGER.import_documents([Document(d["case_id"], d) for d in documents])
    if again:  # a changed snapshot: another version, attempts dated
        _LEDGER.import_documents([Document(d["case_id"], {**d, "claim_amount": "1.00"}) for d in documents])
    ids = [d["case_id"] for d in documents]
    with _LEDGER.engine.connect() as connection:
        slow = {row.case_id: _state(row) for row in connection.execute(select(CASES).where(CASES.c.case_id.in_(ids)))}
        fast = {row.case_id: _state(row) for row in stored_cases_sqlite(connection, ids)}
        direct = {raw[0]: state_of_raw(raw) for raw in raw_cases_sqlite(connection, ids)}
    assert fast == slow
    assert direct == slow
    for state, indexed in direct.values():
        assert [type(v) for v in indexed] == [type(v) for v in slow[state.case_id][1]]
        assert type(state.filed_on) is type(slow[state.case_id][0].filed_on)
    assert set(fast) <= set(ids)
    for state, indexed in fast.values():  # the same types, not only equal values
        assert [type(v) for v in indexed] == [type(v) for v in slow[state.case_id][1]]
        assert type(state.filed_on) is type(slow[state.case_id][0].filed_on)
