"""``GET /v1/report``: the statistics an office sends upward (SPEC §5), as ``report --out FILE.json``.

The same function as the command line (``ledger.statistics.build``) and the same checks: a period
that ends before it starts and an unknown grouping are 422 with the command line's codes
(``period_reversed``, ``unknown_grouping``), named by the query parameter at fault.
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from propertytriage.ledger import statistics
from propertytriage.models.types import IsoDate
from propertytriage.web.auth import allowed
from propertytriage.web.problems import problem_schema
from propertytriage.web.routes.ledger import known_query, ledger_of
from propertytriage.web.tokens import Principal

router = APIRouter(prefix="/v1")


@router.get(
    "/report", name="report", tags=["ledger"], dependencies=[known_query("from", "to", "by")],
    responses={200: {"description": "the report as `propertytriage report --out FILE.json` writes it",
                     "content": {"application/json": {"schema": {"type": "object"}}}},
               401: problem_schema(), 403: problem_schema(), 422: problem_schema()},
)
async def report(
    request: Request,
    caller: Annotated[Principal, Depends(allowed("report"))],
    period_from: Annotated[IsoDate | None, Query(alias="from", description="first day counted "
                                                 "(default: 1 January of `to`'s year)")] = None,
    period_to: Annotated[IsoDate | None, Query(alias="to", description="last day counted (default: today)")] = None,
    by: Annotated[str | None, Query(max_length=40, description="one row per `month`, `street`, `community` "
                                    "or `company`")] = None,
) -> JSONResponse:
    """The period's figures counted in the ledger; every role reads them."""
    ledger = ledger_of(request)
    start, end, grouping = statistics.check_request(period_from, period_to, by)

    def read() -> dict[str, Any]:
        return statistics.build(ledger, start, end, grouping)

    return JSONResponse(await anyio.to_thread.run_sync(read))
