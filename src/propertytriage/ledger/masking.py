"""Personal data in lists: enough to tell parties apart, not enough to misuse.

``cases`` and ``due`` are read over shoulders and pasted into chats; they show an owner's name with
the ID number and phone number masked. ``show`` is the full record and the court's forms print
everything.
"""

from __future__ import annotations

from typing import Any


def mask(value: str | None, *, keep_start: int, keep_end: int) -> str | None:
    """``150602********1234`` — the ends kept, everything between replaced by ``*``."""
    if not value:
        return value
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end:]


def mask_id_number(value: str | None) -> str | None:
    """An ID number keeps its region code (6) and last 4 characters."""
    return mask(value, keep_start=6, keep_end=4)


def mask_phone(value: str | None) -> str | None:
    """A phone number keeps its first 3 and last 4 digits."""
    return mask(value, keep_start=3, keep_end=4)


def parties(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The parties of a case as a list shows them."""
    company = snapshot.get("property_company", {})
    owners = [{key: value for key, value in (
        ("name", owner.get("name")), ("unit", owner.get("unit")),
        ("phone", mask_phone(owner.get("phone"))), ("id_number", mask_id_number(owner.get("id_number"))),
    ) if value} for owner in snapshot.get("owners", [])]
    result: dict[str, Any] = {"owners": owners}
    if company.get("name"):
        result["company"] = company["name"]
    if company.get("phone"):
        result["company_phone"] = mask_phone(company["phone"])
    return result
