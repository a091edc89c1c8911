"""A Case document is a snapshot; the ledger records what changed from one snapshot to the next.

A snapshot is kept in its canonical form: the validated Case as JSON without the keys that hold their
default, so that two documents meaning the same case are equal and a diff names only real changes.
The company's part of a case (``company_score``, ``scorecard``, ``rectification_history``) is moved
to the company's record when the company is identified, and put back from that record when the
current case is composed: every case of a company is decided from the same record.
"""

from __future__ import annotations

import functools
import hashlib
from decimal import Decimal
from typing import Any

import orjson
from pydantic import BaseModel

from propertytriage.ledger.companies import CompanyState
from propertytriage.models.case import Case
from propertytriage.models.scorecard import Scorecard
from propertytriage.scoring import RectificationHistory

COMPANY_FIELDS = ("company_score", "scorecard", "rectification_history")
"""The fields of a Case that belong to its company's record once the company is identified."""


def as_json(model: BaseModel) -> dict[str, Any]:
    """A model as JSON without its empty (null) values: how the ledger stores every document part."""
    return model.model_dump(mode="json", exclude_none=True)


def canonical(case: Case) -> tuple[dict[str, Any], str]:
    """The case as JSON, keys at their default left out, and its fingerprint.

    Two documents that validate to the same case have the same fingerprint (pydantic writes the
    fields in the model's order), so an identical snapshot is recognised without a diff. (Nulls are
    dropped, then the top-level keys at their default: cheaper than pydantic's ``exclude_defaults``,
    which compares every nested model with a default instance.)
    """
    absent = defaults()
    snapshot = {key: value for key, value in as_json(case).items() if key not in absent or absent[key] != value}
    # orjson writes the same bytes as json.dumps(ensure_ascii=False, separators=(",", ":")) for these
    # values (strings, integers, booleans, lists, objects), so digests recorded before it still match.
    return snapshot, hashlib.sha256(orjson.dumps(snapshot)).hexdigest()


@functools.cache
def defaults() -> dict[str, Any]:
    """Each optional field's default as its canonical JSON (what an absent key means)."""
    result: dict[str, Any] = {}
    for name, info in Case.model_fields.items():
        if info.is_required():
            continue
        value = info.get_default(call_default_factory=True)
        if isinstance(value, BaseModel):
            result[name] = as_json(value)
        elif value is None or isinstance(value, bool | list):
            result[name] = value
        else:
            result[name] = str(value)  # Decimal amounts are JSON strings (models/types.py)
    return result


def own_part(snapshot: dict[str, Any], *, company_known: bool) -> dict[str, Any]:
    """The snapshot without the fields its company's record holds."""
    if not company_known:
        return dict(snapshot)
    return {k: v for k, v in snapshot.items() if k not in COMPANY_FIELDS}


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Any]]:
    """(changed fields as ``{field, from, to}``, attempts added at the end) from one snapshot to the next.

    Attempts that only grow are recorded as added; any other change of the list (an attempt corrected
    or withdrawn) is a change of the field, with the whole list before and after.
    """
    absent = defaults()
    changed: list[dict[str, Any]] = []
    added: list[Any] = []
    for key in list(before) + [k for k in after if k not in before]:
        old, new = before.get(key, absent.get(key)), after.get(key, absent.get(key))
        if old == new:
            continue
        if key == "attempts" and isinstance(old, list) and isinstance(new, list) and new[: len(old)] == old:
            added = new[len(old):]
            continue
        changed.append({"field": key, "from": old, "to": new})
    return changed, added


def apply(snapshot: dict[str, Any], changed: list[dict[str, Any]], added: list[Any]) -> dict[str, Any]:
    """The next snapshot from the previous one and what changed (the inverse of :func:`changes`)."""
    absent = defaults()
    result = dict(snapshot)
    for change in changed:
        key = change["field"]
        if key in absent and change["to"] == absent[key]:
            result.pop(key, None)
        else:
            result[key] = change["to"]
    if added:
        result["attempts"] = [*result.get("attempts", []), *added]
    return result


def company_part(company: CompanyState | None) -> dict[str, Any]:
    """The company's fields of a current case, from the company's record.

    While the record holds only scores, the latest one is all that decides (as ``company_score``, or
    the ``scorecard`` it came from); once it holds a notice or an inspection, the whole history.
    """
    if company is None or not company.history:
        return {}
    if all(event["kind"] == "score" for event in company.history):
        latest = company.history[-1]
        return {"scorecard": latest["scorecard"]} if "scorecard" in latest else {"company_score": latest["total"]}
    return {"rectification_history": company.history_document()}


def compose(own: dict[str, Any], company: CompanyState | None) -> dict[str, Any]:
    """The current Case (SPEC §2.1): the case's own fields and its company's record."""
    return {**own, **company_part(company)}


def compose_model(case: Case, company: CompanyState) -> Case:
    """:func:`compose` for a case just validated, without validating its own fields again."""
    part = company_part(company)
    if ("company_score" in part and case.scorecard is None and case.rectification_history is None
            and case.company_score is not None and str(case.company_score) == part["company_score"]):
        return case  # the clerk copied the company's latest score into the case, as most do
    update: dict[str, Any] = dict.fromkeys(COMPANY_FIELDS)
    if "company_score" in part:
        update["company_score"] = Decimal(part["company_score"])
    elif "scorecard" in part:
        update["scorecard"] = Scorecard.model_validate(part["scorecard"])
    elif "rectification_history" in part:
        update["rectification_history"] = RectificationHistory.model_validate(part["rectification_history"])
    return case.model_copy(update=update)
