"""The claimed amount as a case's page shows it: what was stated, or that nothing was.

``claim_amount`` defaults to 0 in the model, and 0 there means "not filled in" (``claimed_total``
then adds up the claimed items). A page that printed the field as it is would tell a clerk the
claim is "0 元" — a claim of nothing — when the clerk simply left it blank; the decision, meanwhile,
uses the items' sum. So the page says 未填写, and when items were claimed, the sum the decision uses.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from propertytriage.errors import InputError
from propertytriage.models import Case
from propertytriage.models.claim import claimed_total
from propertytriage.models.validation import validate

NOT_FILLED = "未填写"


def yuan(amount: Decimal) -> str:
    """An amount as the forms write it: thousands separated, cents only when there are some."""
    text = f"{amount:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def claim_text(case: dict[str, Any]) -> str:
    """``3,912 元``; ``未填写``; or ``未填写（按所列物业费欠费合计 3,912 元）`` when items make up the claim.

    ``case`` is the ledger's record of the case, unmasked (a masked ID number would not validate).
    """
    try:
        claim = claimed_total(validate(Case, case))
    except InputError:  # a record the model no longer reads: say only what the field says
        stated = Decimal(str(case.get("claim_amount") or 0))
        return f"{yuan(stated)} 元" if stated > 0 else NOT_FILLED
    if claim.stated:
        return f"{yuan(claim.total)} 元"
    if not claim.items:
        return NOT_FILLED
    names = "、".join(name for _, name, _ in claim.items)
    return f"{NOT_FILLED}（按所列{names}{'合计' if len(claim.items) > 1 else ''} {yuan(claim.total)} 元）"
