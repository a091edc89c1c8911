"""Cells as clerks type them, turned into the values of a case document (SPEC §2.1).

A sheet cell arrives as text, a number, a date or a boolean, depending on how the clerk typed it and
how Excel or WPS stored it. Each kind of column accepts the forms a clerk would use and gives the value
the contract takes (dates ``YYYY-MM-DD``, amounts as exact decimal text, flags as booleans); anything
else is a ``CellError`` in both languages, reported at the cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from propertytriage.sheets.columns import Catalogue, Column


class CellError(ValueError):
    """What is wrong with one cell, in Chinese and English."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 once Excel's phantom 1900-02-29 is skipped
_LAST_SERIAL = 2958465  # 9999-12-31
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:(?:\s+|\s*[Tt]\s*)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[Zz]|[+-]\d{2}:?\d{2})?)?")
"""A date as typed, a time after it (``09:30``, ISO's ``T09:30:00.5+08:00``) taken off: the fields are
days (docs/interpretations.md)."""
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d{1,7}(?:\.0+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet program read a CSV cell as a formula (OWASP's list)."""


def clean_text(value: str) -> str:
    """Trailing, leading and full-width spaces trimmed (``str.strip`` covers U+3000 and U+00A0), and
    the apostrophe taken off a text that an export marked so that it is not read as a formula
    (``'=…``, ``'+86…``): Excel's own sign for "this is text", never part of the value."""
    text = value.strip()
    if text[:1] == "'" and text[1:2] in FORMULA_START:
        return text[1:]
    return text


def as_inert_text(value: str) -> str:
    """A text cell for a CSV file, marked with a leading apostrophe when a spreadsheet program would
    otherwise run it as a formula (``=HYPERLINK(…)`` in a company's name): a 台账 goes from office to
    office and is opened by double-click. :func:`clean_text` takes the mark off on import."""
    return "'" + value if value[:1] in FORMULA_START else value


def is_blank(value: Any) -> bool:
    """An empty cell, or one holding only spaces: an absent value."""
    return value is None or (isinstance(value, str) and not value.strip())


def number_text(value: float | int) -> str:
    """A number cell as Excel shows it: at most 15 significant digits, no float noise, no exponent."""
    if isinstance(value, int):
        return str(value)
    if value == 0:  # Excel shows -0.0 (a formula's result, a sheet from another program) as 0
        return "0"
    text = format(Decimal(format(value, ".15g")), "f")
    return text.removesuffix(".0") if "." in text and set(text.split(".")[1]) == {"0"} else text


FIRST_YEAR = 1900
"""No date in a 台账 comes before Excel's first day: a year before it is a slip of the keys
(``1025`` for ``2025``), refused at its cell rather than recorded (and exported as ``#####``)."""


def _serial_date(serial: float) -> date:
    if not 1 <= serial <= _LAST_SERIAL or serial != int(serial):
        raise CellError("not_a_date", f"{number_text(serial)} 不是日期", f"{number_text(serial)} is not a date")
    days = int(serial)
    if days == 60:  # Excel's 1900-02-29, a day the calendar never had
        raise CellError("not_a_calendar_date", "60 是 Excel 的 1900年2月29日，日历上没有这一天",
                        "60 is Excel's 29 February 1900, a day the calendar never had")
    return _EXCEL_EPOCH + timedelta(days=days + (1 if days < 60 else 0))


def _plausible(day: date, text: str) -> str:
    if day.year < FIRST_YEAR:
        raise CellError(
            "implausible_date", f"{text} 的年份早于 {FIRST_YEAR} 年，多半是输入错误，请核对",
            f"{text} lies before {FIRST_YEAR}, most likely a typing slip; check the year",
        )
    return day.isoformat()


def to_date(value: Any) -> str:
    """Real Excel dates, serial numbers and ``2025-04-02``, ``2025/4/2``, ``2025.4.2``, ``2025年4月2日``,
    with or without a time after them (``2025-04-02 09:30``, ``2025-04-02T09:30:00``): the date."""
    if isinstance(value, datetime):
        return _plausible(value.date(), value.date().isoformat())
    if isinstance(value, date):
        return _plausible(value, value.isoformat())
    if isinstance(value, bool):
        raise _not_a_date(str(value))
    if isinstance(value, int | float):
        return _serial_date(value).isoformat()
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        try:
            typed = date(year, month, day)
        except ValueError:
            raise CellError(
                "not_a_calendar_date", f"{text} 不是日历上存在的日期（请核对月、日）",
                f"{text} is not a calendar date (check the month and day)",
            ) from None
        return _plausible(typed, text)
    if _SERIAL.fullmatch(text):
        return _serial_date(float(text)).isoformat()
    raise _not_a_date(text)


def _not_a_date(text: str) -> CellError:
    return CellError(
        "not_a_date", f"「{text}」不是日期，请写成 2025-04-02、2025/4/2 或 2025年4月2日",
        f"{text!r} is not a date; write it as 2025-04-02, 2025/4/2 or 2025年4月2日",
    )


def to_decimal_text(value: Any, *, units: tuple[str, ...], cents: bool = False) -> str:
    """A number as exact decimal text: ``3,912.00元``, ``３９１２``, ``¥3912`` and number cells alike.

    The model checks range and decimal places; this only undoes how the number was typed. Text keeps
    the places typed. A number cell has none of its own (Excel shows 3912 as 3,912.00 by its format),
    so with ``cents`` (money) it is given the two places of a sum in yuan: the export writes an amount
    of two places as a number, and reading it back must give the same text, or the ledger would see a
    change where there is none. A number with more places is left for the model to refuse.
    """
    if isinstance(value, bool):
        raise CellError("not_a_number", "须为数字，不能是 是/否", "must be a number, not yes/no")
    if isinstance(value, int | float):
        text = number_text(value)
        if cents and len(text.partition(".")[2]) <= 2:
            return f"{Decimal(text):.2f}"
        return text
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    text = text.lstrip("¥").removeprefix("RMB").removeprefix("人民币")
    for unit in units:
        text = text.removesuffix(unit)
    text = text.replace("，", ",")
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    try:
        Decimal(text)
    except InvalidOperation:
        raise CellError(
            "not_a_number", f"「{clean_text(str(value))}」不是数字，请写成 3912.00 或 3,912.00元",
            f"{clean_text(str(value))!r} is not a number; write it as 3912.00 or 3,912.00",
        ) from None
    return text


_TOO_LONG_NUMBER = CellError(
    "number_not_text",
    "此号码被存成了数字，Excel 只保留 15 位有效数字，末尾几位已经丢失；请把这一列设为“文本”格式，再重新输入完整号码",
    "this number was stored as a number; Excel keeps only 15 significant digits, so its last digits are lost; "
    "format the column as Text and type the full number again",
)


def to_code(value: Any) -> str:
    """An ID, phone or credit-code number kept as text; a number Excel may have rounded is refused."""
    if isinstance(value, bool):
        raise CellError("not_text", "须为号码文本", "must be a number written as text")
    if isinstance(value, float):
        if value != int(value) or abs(value) >= 1e15:
            raise _TOO_LONG_NUMBER
        value = int(value)
    if isinstance(value, int):
        if abs(value) >= 10**15:
            raise _TOO_LONG_NUMBER
        return str(value)
    text = clean_text(str(value))
    if _SCIENTIFIC.fullmatch(unicodedata.normalize("NFKC", text)):
        raise _TOO_LONG_NUMBER
    if "*" in text:
        raise CellError(
            "masked_number", "号码已脱敏（含 *），请填写完整号码或清空此格；导出时加 --full 可得到完整号码",
            "the number is masked (it holds *); type the full number or clear the cell; export with --full "
            "to get full numbers",
        )
    return text


def to_text(value: Any) -> Any:
    """Text as typed, trimmed; a number typed into a text column keeps the digits Excel shows."""
    if type(value) is str:
        return clean_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return value  # the model says "must be text"
    if isinstance(value, int | float):
        return number_text(value)
    return clean_text(str(value))


def to_flag(value: Any, catalogue: Catalogue) -> bool:
    """是/否, 有/无, √/×, true/false, 1/0 and Excel's own TRUE/FALSE."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).casefold()
    if word in ("1", "0"):
        return word == "1"
    found = catalogue.flags.get(word)
    if found is None:
        text = clean_text(str(value))
        raise CellError("not_a_flag", f"「{text}」须为“是”或“否”", f"{text!r} must be 是 (yes) or 否 (no)")
    return found


def to_choice(value: Any, column: Column) -> str:
    """An enumeration's English key or Chinese name (or an alias from columns.yaml)."""
    word = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    spec = column.spec
    for key, name in spec.choices.items():
        if word.casefold() in (key.casefold(), name):
            return key
    if word in spec.aliases:
        return spec.aliases[word]
    names = "、".join(spec.choices.values())
    raise CellError(
        "not_allowed", f"「{clean_text(str(value))}」不在可选范围内，可选：{names}",
        f"{clean_text(str(value))!r} is not allowed; choose one of: {', '.join(spec.choices)}",
    )


def to_outcome(value: Any, catalogue: Catalogue) -> str:
    """``resolved``/``failed`` or 成功/未成功/化解/未化解 and the other words in columns.yaml."""
    word = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).casefold()
    found = catalogue.outcomes.get(word)
    if found is None:
        raise CellError(
            "not_allowed", f"「{clean_text(str(value))}」须为“成功”（化解）或“未成功”（未化解）",
            f"{clean_text(str(value))!r} must be resolved (成功) or failed (未成功)",
        )
    return found


def converter(column: Column, catalogue: Catalogue) -> Callable[[Any], Any]:
    """The function that turns a non-blank cell of ``column`` into its document value.

    Chosen once per column, not per cell: a 100,000-row sheet has millions of cells.
    """
    kind = column.kind
    if kind == "date":
        return to_date
    if kind == "amount":
        return partial(to_decimal_text, units=("元整", "元"), cents=True)
    if kind == "score":
        return partial(to_decimal_text, units=("分",))
    if kind == "code":
        return to_code
    if kind == "flag":
        return partial(to_flag, catalogue=catalogue)
    if kind == "choice":
        return partial(to_choice, column=column)
    if kind == "outcome":
        return partial(to_outcome, catalogue=catalogue)
    return to_text


def convert(value: Any, column: Column, catalogue: Catalogue) -> Any:
    """The document value of a non-blank cell in ``column``."""
    return converter(column, catalogue)(value)
