"""Hypothesis: importing any sequence of snapshots of a case leaves the same current case as importing
the last one alone (apart from the days the history records), and the same rows for the lists and the
report (the recorder rewrites only the columns and attempt rows that changed)."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from propertytriage.ledger import Ledger
from propertytriage.ledger.documents import Document
from propertytriage.ledger.queries import show
from propertytriage.ledger.schema import CASE_ATTEMPTS, CASES, DEADLINES
from propertytriage.ledger.snapshots import COMPANY_FIELDS

_LADDER = ("owners_committee", "community", "mediation_center", "court")
_numbers = itertools.count()


@st.composite
def snapshot(draw: st.DrawFn) -> dict[str, Any]:
    depth = draw(st.integers(0, 4))
    attempts = [{"stage": stage, "outcome": "failed"} for stage in _LADDER[:depth]]
    if attempts and draw(st.booleans()):
        attempts[-1]["on"] = "2026-02-0" + str(draw(st.integers(1, 9)))
    if attempts and draw(st.integers(0, 5)) == 0:
        attempts[-1]["outcome"] = "resolved"
    case: dict[str, Any] = {
        "filed_on": draw(st.sampled_from(["2025-06-01", "2026-01-05"])),
        "province": "内蒙古自治区",
        "dispute_type": draw(st.sampled_from(["fee_arrears", "service_quality", "neighbor"])),
        "claimant": draw(st.sampled_from(["property_company", "owner"])),
        "claim_amount": draw(st.sampled_from(["0", "1200.00", "45000.50"])),
        "attempts": attempts,
        "contentious": draw(st.booleans()),
        "owners": [{"name": "王某", "phone": draw(st.sampled_from(["13900000000", "13911112222"]))}],
    }
    score = draw(st.sampled_from([None, "45", "72.5"]))
    if score is not None:
        case["company_score"] = score
    return case


def _own(case: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in case.items() if k not in COMPANY_FIELDS}


_ledgers: dict[str, Ledger] = {}
_NOT_COMPARED = {"version", "company_version", "updated_at"}  # the history's length and days


def _rows(ledger: Ledger, case_id: str) -> tuple[Any, ...]:
    """The case's row (what ``cases`` and the report read), its attempt rows and its deadlines."""
    with ledger.engine.connect() as connection:
        case = connection.execute(select(*(c for c in CASES.columns if c.name not in _NOT_COMPARED))
                                  .where(CASES.c.case_id == case_id)).one()
        attempts = connection.execute(select(CASE_ATTEMPTS).where(CASE_ATTEMPTS.c.case_id == case_id)
                                      .order_by(CASE_ATTEMPTS.c.position)).all()
        deadlines = connection.execute(select(*(c for c in DEADLINES.columns if c.name != "id"))
                                       .where(DEADLINES.c.subject_id == case_id).order_by(DEADLINES.c.kind)).all()
    return tuple(case), [tuple(a) for a in attempts], [tuple(d) for d in deadlines]


def _ledger(name: str, folder: Any) -> Ledger:
    if name not in _ledgers:
        _ledgers[name] = Ledger(f"sqlite:///{folder / name}.db")
    return _ledgers[name]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(snapshot(), min_size=1, max_size=6), with_company=st.booleans())
def test_any_sequence_of_snapshots_leaves_the_case_the_last_one_alone_leaves(tmp_path_factory, sequence,
                                                                            with_company) -> None:
    folder = tmp_path_factory.getbasetemp()
    number = next(_numbers)
    case_id = f"H-{number}"
    company = {"property_company": {"name": f"企业{number}"}} if with_company else {}
    documents = [{"case_id": case_id, **company, **s} for s in sequence]
    every, last = _ledger("every", folder), _ledger("last", folder)
    for index, document in enumerate(documents):
        every.import_documents([Document(f"s [{index}]", document)])
    last.import_documents([Document("s [0]", documents[-1])])
    with every.engine.connect() as a, last.engine.connect() as b:
        after_all, after_last = show(a, case_id), show(b, case_id)
    if after_last is None:  # the last snapshot is refused alone (a neighbour quarrel is still a case)
        return
    assert after_all is not None
    assert _own(after_all["case"]) == _own(after_last["case"])
    if "company_score" in documents[-1] or not with_company:
        # the company's record ends on this score (or there is no company): the whole case and decision agree
        assert after_all["case"] == after_last["case"]
        assert after_all["decision"] == after_last["decision"]
        assert _rows(every, case_id) == _rows(last, case_id)
