"""The clerk's forms as documents for the ledger, and the ledger's refusals back onto the fields.

The pages do not validate cases themselves: the form becomes a Case document exactly as a file would
hold it and goes through the ledger's import, whose refusals (field, code, Chinese and English
message) are shown next to the field they name. A blank field is an absent key, so the contract's
defaults apply as they do for a file.
"""

from __future__ import annotations

import re
from typing import Any

from propertytriage.errors import Problem
from propertytriage.web.pages.labels import FLAG_FIELDS

# the form's field names are the contract's keys; details are dotted as in the spreadsheet columns
TEXT_FIELDS = ("case_id", "filed_on", "province", "dispute_type", "claimant", "claim_amount", "facts")
DETAIL_FIELDS = ("estate.name", "estate.street", "estate.community", "property_company.name",
                 "property_company.credit_code", "owners.0.name", "owners.0.unit", "owners.0.phone",
                 "owners.0.id_number")
CASE_FIELDS = (*TEXT_FIELDS, "has_owners_committee", *FLAG_FIELDS, *DETAIL_FIELDS)


def case_document(form: dict[str, str]) -> dict[str, Any]:
    """The Case document the filing form describes."""
    document: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        value = form.get(key, "").strip()
        if value:
            document[key] = value
    document["has_owners_committee"] = form.get("has_owners_committee") == "on"
    for key in FLAG_FIELDS:
        if form.get(key) == "on":
            document[key] = True
    for dotted in DETAIL_FIELDS:
        value = form.get(dotted, "").strip()
        if not value:
            continue
        head, *rest = dotted.split(".")
        if head == "owners":
            owners = document.setdefault("owners", [{}])
            owners[0][rest[1]] = value
        else:
            document.setdefault(head, {})[rest[0]] = value
    return document


_INDEX = re.compile(r"\[(\d+)\]")


def field_of(loc: str, fields: tuple[str, ...]) -> str | None:
    """The form field a refusal's ``loc`` names (``owners[0].phone`` → ``owners.0.phone``), if any."""
    path = _INDEX.sub(r".\1", loc).strip(". ")
    path = path.split(": ", 1)[-1]  # "case KBS-1: claimant" → "claimant"
    while path:
        if path in fields:
            return path
        if "." not in path:
            return None
        path = path.rsplit(".", 1)[0]
    return None


def errors_by_field(problems: list[Problem], fields: tuple[str, ...]) -> tuple[dict[str, list[str]], list[str]]:
    """(messages by form field, messages that name no field of the form), in Chinese."""
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for problem in problems:
        target = field_of(problem.location, fields)
        if target is None:
            general.append(f"{problem.location}：{problem.zh}" if problem.location else problem.zh)
        else:
            by_field.setdefault(target, []).append(problem.zh)
    return by_field, general
