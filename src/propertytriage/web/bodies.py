"""Request bodies read the way the command line reads files.

The same parser (``cli/jsonio.loads``) gives exact decimals, refuses a key given twice and names the
line and column of malformed JSON, so a body that fails here fails the same way, with the same
codes, as the file would on the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from propertytriage.engine.batch import decide_every
from propertytriage.errors import InputError, Problem
from propertytriage.jsonio import loads

if TYPE_CHECKING:  # an import worker decodes bodies too (web/importing.py) and needs nothing of FastAPI
    from fastapi import Request

    from propertytriage.engine import Triage
    from propertytriage.models import Decision


def decoded(raw: bytes) -> str:
    """A body's bytes as text; InputError (422) if they are not UTF-8 (a byte-order mark is dropped)."""
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise InputError([Problem("body", "encoding", "请求内容须为 UTF-8 编码", "the body must be UTF-8")]) from None


async def body_text(request: Request) -> str:
    """The body as text; InputError (422) if it is not UTF-8 (a byte-order mark is dropped)."""
    return decoded(await request.body())


async def json_document(request: Request) -> Any:
    """The body as JSON; InputError (422) if it is empty, not UTF-8 or not JSON."""
    return loads(await body_text(request))


def decide_all(engine: Triage, items: list[Any]) -> list[Decision]:
    """Every case of a list decided, or every bad case reported at once and none decided.

    The command line's batch path (:func:`propertytriage.engine.batch.decide_every`): the same
    problems, the same refusal of two cases with one id, the same cap on how many are listed.
    """
    return [decision for _, decision in decide_every(engine, items)]
