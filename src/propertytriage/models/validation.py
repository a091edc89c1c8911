"""Turn pydantic's validation errors into problems a clerk can read.

pydantic reports in English with its own error types; a clerk needs the field (as a JSON path such
as ``attempts[1].stage``) and what to do, in Chinese too. Messages raised by our own validators carry
both languages as ``"english|中文"`` and may name their field first as ``"field::"`` when the check
spans several fields. What the input says is echoed cut and with invisible characters escaped
(:func:`~propertytriage.errors.shown`): an unknown key may be a pasted paragraph or hold an escape
sequence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from propertytriage.errors import InputError, Problem, shown
from propertytriage.models.types import half_character

M = TypeVar("M", bound=BaseModel)

_ZH_BY_TYPE: dict[str, str] = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不认识的字段（请检查拼写）",
    "literal_error": "取值不在允许范围内",
    "bool_type": "须为 true 或 false",
    "string_type": "须为文本",
    "list_type": "须为列表",
    "dict_type": "须为对象",
    "model_type": "须为对象",
    "model_attributes_type": "须为对象",
    "string_too_short": "不能为空",
    "too_short": "不能为空",
    "int_type": "须为整数",
    "json_invalid": "不是有效的 JSON",
}


def _location(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            name = shown(part, 40, quote=False)  # a key is input too (an unknown one is echoed)
            path += f".{name}" if path else name
    return path


def _problem(error: Any) -> Problem:
    location = _location(error["loc"])
    kind = str(error["type"])
    message = str(error["msg"])
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        if "::" in message:
            field, message = message.split("::", 1)
            location = f"{location}.{field}" if location else field
        en, _, zh = message.partition("|")
        return Problem(location, "invalid_value", zh or f"取值无效：{en}", en)
    if kind == "string_unicode" and isinstance(error.get("input"), str):
        # pydantic refuses half a character in every text of every model before any check of ours runs
        # ("unable to parse raw data as a unicode string"); said here once, for all of them, in the words
        # the reason checker uses, and at no cost to text that is whole
        said = half_character(error["input"])
        if said is not None:
            return Problem(location, "invalid_value", said[1], said[0])
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        zh = f"取值不在允许范围内，可选：{allowed}"
        return Problem(location, "not_allowed", zh, f"{message}, got {shown(error.get('input'))}")
    zh = _ZH_BY_TYPE.get(kind, "取值无效")
    return Problem(location, kind, zh, message)


def problems_of(error: ValidationError) -> list[Problem]:
    """Every problem pydantic found, in the order of the input."""
    return [_problem(e) for e in error.errors()]


def validate(model: type[M], data: Any, *, subject: str = "") -> M:
    """Build ``model`` from ``data`` or raise InputError naming every field at fault."""
    if isinstance(data, model):
        return data
    if not isinstance(data, dict):
        problem = Problem("", "not_an_object", "须为 JSON 对象", "must be a JSON object")
        raise InputError([problem], subject=subject)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InputError(problems_of(error), subject=subject) from None
