"""Owners' ID numbers and phone numbers, shown in full only to the roles whose work needs them.

The roles are :data:`propertytriage.web.roles.PERSONAL_DATA_ROLES`; the masks are the ledger's own
(``ledger/masking.py``), the ones ``cases`` and ``due`` print. A case's record carries the numbers in
its current snapshot and again in the events that filed or changed it, so every ``id_number`` and
``phone`` in the record is masked, wherever it sits.
"""

from __future__ import annotations

from typing import Any

from propertytriage.ledger.masking import mask_id_number, mask_phone
from propertytriage.web.roles import PERSONAL_DATA_ROLES, Role

_MASKS = {"id_number": mask_id_number, "phone": mask_phone}


def sees_personal_data(role: Role) -> bool:
    return role in PERSONAL_DATA_ROLES


def masked(value: Any) -> Any:
    """``value`` with every ``id_number`` and ``phone`` string masked, at any depth."""
    if isinstance(value, dict):
        return {key: (_MASKS[key](item) if key in _MASKS and isinstance(item, str) else masked(item))
                for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def for_role(record: dict[str, Any], role: Role) -> dict[str, Any]:
    """The record as ``role`` may see it."""
    return record if sees_personal_data(role) else masked(record)
