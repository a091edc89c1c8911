"""Field types shared by the models.

The contract says amounts are yuan and never floats, dates are ISO ``YYYY-MM-DD`` and flags are
booleans. pydantic's lax mode would accept ``1700000000`` as a date, ``"yes"`` as true and keep a
float's binary error in an amount; a court cannot afford any of these, so these types are strict
where it matters and convert exactly where the input is unambiguous.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, GetJsonSchemaHandler, PlainSerializer, StrictBool
from pydantic.json_schema import JsonSchemaValue

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _iso_date(value: Any) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value).strip()  # full-width digits typed with a Chinese IME
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"{value} is not a calendar date (check the month and day)|{value} 不是日历上存在的日期（请核对月、日）"
            ) from None
    raise ValueError("must be a date written YYYY-MM-DD, such as 2024-03-15|须为 YYYY-MM-DD 格式的日期，如 2024-03-15")


# Amounts and scores beyond this are typing mistakes; refusing them keeps decimal arithmetic exact
# and cheap (a number like 1E-999999999 would otherwise expand to a billion digits downstream).
_LARGEST = Decimal("1e15")
_FINEST_EXPONENT = -6


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
    if number.is_zero():
        return Decimal(0)  # "-0", "0E-999999999": one zero, printed as 0
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < _FINEST_EXPONENT:
        finest = Decimal(1).scaleb(_FINEST_EXPONENT)
        if number != number.quantize(finest):
            # every amount, score and point value keeps at most two places: say so, not the parser's 6
            raise ValueError("must have at most two decimal places|最多保留两位小数")
        number = number.quantize(finest)  # trailing zeros beyond the sixth place carry nothing
    return number


def _yuan(value: Any) -> Decimal:
    number = _exact_decimal(value)
    if number < 0:
        raise ValueError("must not be negative|不能为负数")
    if number != number.quantize(Decimal("0.01")):
        raise ValueError("must have at most two decimal places (fen)|最多保留两位小数（到分）")
    return number


def _two_places(number: Decimal) -> Decimal:
    if number != number.quantize(Decimal("0.01")):
        raise ValueError("must have at most two decimal places|最多保留两位小数")
    return number


def _score(value: Any) -> Decimal:
    number = _exact_decimal(value)
    if not Decimal(0) <= number <= Decimal(100):
        raise ValueError("must be between 0 and 100|须在 0 到 100 之间")
    return _two_places(number)


def _points(value: Any) -> Decimal:
    number = _exact_decimal(value)
    if number < 0:
        raise ValueError("must not be negative|不能为负数")
    return _two_places(number)


# Characters a clerk cannot see or that change how the text around them is shown: C0/C1 controls,
# bidirectional overrides and isolates, zero-width, filler and tag characters. (Mongolian's free
# variation selectors and vowel separator are kept: Mongolian names need them.)
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\xad\u061c\u115f\u1160\u200b\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\u3164\ufeff\U000e0000-\U000e007f]"
)
# Joiners and direction marks belong to scripts written right to left and to pasted text; they are
# kept in free text but not in names, where they would make two equal-looking ids differ.
_JOINERS = re.compile("[\u200c-\u200f]")
_BREAKS = re.compile("[\r\n\t\x0b\x0c\u2028\u2029]+")
_PARAGRAPH_BREAKS = re.compile("\r\n?|[\x0b\x0c\u2028\u2029]")


# Every character the checks below replace or refuse, in one class: text without any of them (nearly
# all text) passes in one search, which the import of a large file notices (seven fields a case).
_SUSPECT_ONE_LINE = re.compile(f"[{_BREAKS.pattern[1:-2]}{_JOINERS.pattern[1:-1]}{_INVISIBLE.pattern[1:-1]}]")
_SUSPECT_MULTILINE = re.compile(f"[\r\x0b\x0c\u2028\u2029{_INVISIBLE.pattern[1:-1]}]")


def _clean(value: str, *, limit: int, multiline: bool) -> str:
    if len(value) <= limit and (_SUSPECT_MULTILINE if multiline else _SUSPECT_ONE_LINE).search(value) is None:
        return value if multiline else value.strip()  # what the full checks below would give
    # Text pasted from a word processor: in free text its line and page breaks become plain line
    # breaks; in a one-line field (an address pasted over two lines) they become one space.
    value = _PARAGRAPH_BREAKS.sub("\n", value) if multiline else _BREAKS.sub(" ", value).strip()
    if len(value) > limit:
        raise ValueError(
            f"is too long ({len(value)} characters, at most {limit})|过长（{len(value)} 字，最多 {limit} 字）"
        )
    bad = _INVISIBLE.search(value) or (None if multiline else _JOINERS.search(value))
    if bad is not None:
        code = f"U+{ord(bad.group()):04X}"
        raise ValueError(
            f"contains an invisible or control character ({code}) at position {bad.start() + 1}"
            f"|第 {bad.start() + 1} 个字符是不可见字符或控制字符（{code}），请删除"
        )
    return value


HALF_CHARACTER = re.compile("[\ud800-\udfff]")
"""Half a character: JSON's ``\\ud800`` escape, or bytes of another encoding (Python hands them over as
lone surrogates, as the command line and the web service's reading of a reason do). No database stores it."""


def half_character(text: str) -> tuple[str, str] | None:
    """What to tell the clerk of half a character in ``text``, (English, Chinese); None when it holds none.

    One wording for every field and for the reason of a correction (ruledata/corrections.py), so a clerk
    meets the same words wherever the encoding went wrong."""
    half = HALF_CHARACTER.search(text)
    if half is None:
        return None
    code, position = f"U+{ord(half.group()):04X}", half.start() + 1
    return (f"has half a character ({code}) at position {position}, often text in another encoding than UTF-8; "
            "type it again",
            f"第 {position} 个字符不是完整的字符（{code}，常因文字不是 UTF-8 编码），请重新输入")


def _text(value: Any) -> Any:
    """A phone number or an area typed as a JSON number is still text on a form: keep its digits."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return value


class _OrNumber:
    """Says in a text field's input schema what :func:`_text` does: a JSON number is taken as text."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        return {"anyOf": [schema, {"type": "number"}]} if handler.mode == "validation" else schema


_TEXT_OR_NUMBER = _OrNumber()

ShortText = Annotated[str, BeforeValidator(_text), AfterValidator(lambda v: _clean(v, limit=300, multiline=False)),
                      _TEXT_OR_NUMBER]
"""A name, address, number or short phrase that is printed on a form: one line, no hidden characters.
A JSON number is taken as the text of its digits (a phone number or an area typed as a number)."""

LongText = Annotated[str, AfterValidator(lambda v: _clean(v, limit=20000, multiline=True))]
"""Free text (facts, positions): line breaks allowed, no hidden characters. Only a JSON string: a
number where prose belongs is a mistake in the sending program, refused by name."""


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
