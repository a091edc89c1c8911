"""Field types shared by the models.

The contract says amounts are yuan and never floats, dates are ISO ``YYYY-MM-DD`` and flags are
booleans. pydantic's lax mode would accept ``1700000000`` as a date, ``"yes"`` as true and keep a
float's binary error in an amount; a court cannot afford any of these, so these types are strict
where it matters and convert exactly where the input is unambiguous.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, PlainSerializer, StrictBool

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"{value} is not a calendar date (check the month and day)|{value} 不是日历上存在的日期（请核对月、日）"
            ) from None
    raise ValueError("must be a date written YYYY-MM-DD, such as 2024-03-15|须为 YYYY-MM-DD 格式的日期，如 2024-03-15")


# Amounts and scores beyond this are typing mistakes; refusing them keeps decimal arithmetic exact.
_LARGEST = Decimal("1e15")


def _exact_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false|须为数字，不能是 true/false")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # A JSON number parsed as float: its shortest repr is what the user wrote.
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError("must be a number such as 1280.50|须为数字，如 1280.50") from None
    else:
        raise ValueError("must be a number such as 1280.50|须为数字，如 1280.50")
    if not number.is_finite():
        raise ValueError("must be a finite number|须为有限数字")
    if abs(number) >= _LARGEST:
        raise ValueError("is too large (at most 15 digits before the decimal point)|数值过大（整数部分最多 15 位）")
    return number


def _yuan(value: Any) -> Decimal:
    number = _exact_decimal(value)
    if number < 0:
        raise ValueError("must not be negative|不能为负数")
    if number != number.quantize(Decimal("0.01")):
        raise ValueError("must have at most two decimal places (fen)|最多保留两位小数（到分）")
    return number


def _score(value: Any) -> Decimal:
    number = _exact_decimal(value)
    if not Decimal(0) <= number <= Decimal(100):
        raise ValueError("must be between 0 and 100|须在 0 到 100 之间")
    return number


def _points(value: Any) -> Decimal:
    number = _exact_decimal(value)
    if number < 0:
        raise ValueError("must not be negative|不能为负数")
    return number


_as_json_number = PlainSerializer(lambda d: str(d), return_type=str, when_used="json")

IsoDate = Annotated[date, BeforeValidator(_iso_date)]
"""A calendar date given as ``YYYY-MM-DD``."""

Yuan = Annotated[Decimal, BeforeValidator(_yuan), _as_json_number]
"""A non-negative amount of yuan with at most two decimal places, exact."""

Score = Annotated[Decimal, BeforeValidator(_score), _as_json_number]
"""A joint score on the 100-point scale, exact."""

Points = Annotated[Decimal, BeforeValidator(_points), _as_json_number]
"""Points given for one rubric item (its upper bound is checked against the rubric)."""

Flag = StrictBool
"""A yes/no fact; only JSON ``true`` and ``false`` are accepted."""

STRICT_MODEL = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
"""Configuration of every input model: unknown keys are refused, values cannot change after checks."""
