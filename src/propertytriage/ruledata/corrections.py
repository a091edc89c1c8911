"""The reason a clerk gives for a correction (更正原因), and how it is checked wherever it is given.

A Case document is a snapshot of the case (SPEC §3): it says what the case is, not why it changed,
and its keys are the contract's (§2.1). So the reason travels beside the case, never inside it: the
key ``correction_reason`` of a document, the sheet's 更正原因 column, or one reason for a whole import
(``import --reason``, ``POST /v1/import?reason=``); the ledger keeps it on each event the document
records. It is checked here, below the sheets reader, the ledger and the web service alike, so a
cell, a key, an option and a query parameter are refused with the same words. Its longest length is
a product limit in ``rules/parameters/ledger.yaml``, not a rule of law.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from propertytriage.errors import InputError, Problem
from propertytriage.models.types import LongText, half_character
from propertytriage.models.validation import problems_of
from propertytriage.ruledata.loader import parse_file
from propertytriage.ruledata.paths import rules_dir

KEY = "correction_reason"
"""The key of a document (and the English header of a sheet's column) that carries its reason."""
LABEL = "更正原因"
FILE = "parameters/ledger.yaml"


class LedgerParameters(BaseModel):
    """The shape of ``rules/parameters/ledger.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    correction_reason_max_length: int = Field(ge=1, le=20_000)


def load_ledger_parameters(root: Path | None = None) -> LedgerParameters:
    """Read and check the file; a mistake is a RuleDataError naming the file and the key."""
    root = root or rules_dir()
    return parse_file(LedgerParameters, root / FILE, root)


@functools.cache
def ledger_parameters() -> LedgerParameters:
    """The limits in force, read once per process."""
    return load_ledger_parameters()


_FREE_TEXT: TypeAdapter[str] = TypeAdapter(LongText)  # the contract's own check of free text (hidden characters)


def checked_reason(value: Any, where: str = KEY) -> str | None:
    """``value`` as the reason to record (trimmed, line breaks kept), None when none is given.

    JSON's ``null`` is no reason, as for the contract's other optional keys; a reason that is given
    must say something: text, not only spaces, no hidden characters, at most the limit in force.
    ``where`` names the field in the problem (``correction_reason``, ``--reason``, ``reason``).
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError([Problem(where, "reason_not_text", f"{LABEL}须为文字",
                                  "the reason for a correction must be text")])
    text = value.strip()
    if not text:
        raise InputError([Problem(where, "reason_blank", f"{LABEL}不能为空或只有空格；没有原因就不填这一项",
                                  "the reason for a correction is empty or only spaces; leave it out if "
                                  "there is none")])
    limit = ledger_parameters().correction_reason_max_length
    if len(text) > limit:
        raise InputError([Problem(
            where, "reason_too_long",
            f"{LABEL}过长（{len(text)} 字，最多 {limit} 字）：写明谁要求更正、错在哪里、依据什么即可",
            f"the reason for a correction is too long ({len(text)} characters, at most {limit}): say who "
            "asked for it, what was wrong and what it rests on")])
    # half a character, in the words of every field (models/types.py); checked here because pydantic's check
    # of a Python string (unlike the Case's) lets it through
    half = half_character(text)
    if half is not None:
        raise InputError([Problem(where, "invalid_value", f"{LABEL}{half[1]}",
                                  f"the reason for a correction {half[0]}")])
    try:
        return _FREE_TEXT.validate_python(text)
    except ValidationError as error:
        raise InputError([Problem(where, p.code, f"{LABEL}{p.zh}", f"the reason for a correction {p.en}")
                          for p in problems_of(error)]) from None


def without_reason(document: Any) -> Any:
    """``document`` as a Case for triage: its ``correction_reason`` checked as the ledger checks it, then
    taken off (InputError at ``correction_reason`` if it is bad).

    Why: ``triage`` is how a clerk checks the file they are about to ``import``; refusing there the key
    that import takes would call a good document wrong. The reason says why the ledger changes, so it
    plays no part in a decision: with it or without, the decision is the same.
    """
    if not isinstance(document, dict) or KEY not in document:
        return document
    checked_reason(document[KEY])
    return {key: value for key, value in document.items() if key != KEY}

