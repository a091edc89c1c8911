"""The amount a case claims: the one figure that decides the court track and fills 标的总额.

The track (small claims or not) and the inquiry form's 标的总额 must never disagree, so both read
:func:`claimed_total`. A clerk often fills the arrears and the late fee but leaves ``claim_amount``
blank; the claim is then what the claimed items add up to, and the decision says so.
See docs/interpretations.md ("The claimed amount") for what counts and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from propertytriage.errors import InputError, Problem

if TYPE_CHECKING:
    from propertytriage.models.case import Case

CLAIMED_ITEMS: tuple[tuple[str, str], ...] = (
    ("amount", "欠缴物业费"),
    ("late_fee", "违约金"),
)
"""The fields of ``arrears`` a property company's claim consists of, with their names on the form."""


@dataclass(frozen=True)
class Claim:
    """The amount claimed and where it came from."""

    total: Decimal
    items: tuple[tuple[str, str, Decimal], ...]
    """The claimed items given: (field path, name on the form, amount)."""
    stated: bool
    """True when ``claim_amount`` gave the total; False when the items were added up."""

    @property
    def derived(self) -> bool:
        """Whether the total was added up from the items (so the reason must say so)."""
        return not self.stated and bool(self.items)

    def explain(self) -> str:
        """How a reason says where a derived total came from; empty when it was stated."""
        if not self.derived:
            return ""
        parts = "与".join(f"{name}（{path}）{_yuan(amount)}元" for path, name, amount in self.items)
        how = "合计" if len(self.items) > 1 else "计"
        return f"（未填写请求金额 claim_amount，按{parts}{how}）"


def _yuan(amount: Decimal) -> str:
    text = f"{amount:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def claimed_items(case: Case) -> tuple[tuple[str, str, Decimal], ...]:
    """The money items of the case's claim that it gives, as (field path, form name, amount).

    Only a property company claims the arrears; an owner's claim is ``claim_amount`` alone (the
    arrears are what an owner is said to owe, not what the owner asks for).
    """
    if case.claimant != "property_company":
        return ()
    found = []
    for field, name in CLAIMED_ITEMS:
        amount = getattr(case.arrears, field)
        if amount is not None:
            found.append((f"arrears.{field}", name, amount))
    return tuple(found)


def claimed_total(case: Case) -> Claim:
    """The claim of ``case``: ``claim_amount`` when stated (above 0), else the sum of its items.

    A stated amount smaller than the items it must contain cannot be true together with them and
    is refused, naming both; a larger one is allowed (the rest is claimed under 其他诉讼请求).
    """
    items = claimed_items(case)
    summed = sum((amount for _, _, amount in items), Decimal(0))
    if case.claim_amount > 0:
        if summed > case.claim_amount:
            paths = " + ".join(path for path, _, _ in items)
            names = "与".join(f"{name}（{path}）" for path, name, _ in items)
            raise InputError([Problem(
                "claim_amount", "claim_below_items",
                f"请求金额 claim_amount（{_yuan(case.claim_amount)}元）小于所列{names}"
                f"{'合计' if len(items) > 1 else ''}"
                f"（{_yuan(summed)}元），两者不能同时成立；请更正其一，或不填 claim_amount 由系统按各项合计",
                f"claim_amount ({case.claim_amount}) is less than {paths} ({summed}); both cannot be "
                "true: correct one of them, or leave claim_amount out to use the items' sum",
            )])
        return Claim(case.claim_amount, items, stated=True)
    return Claim(summed, items, stated=False)
