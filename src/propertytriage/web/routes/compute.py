"""The stateless endpoints: triage, scoring and the rubric, as the Python API answers them."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import TypeAdapter

from propertytriage.engine.batch import case_of
from propertytriage.errors import InputError
from propertytriage.models import Case, Decision, Scorecard
from propertytriage.models.validation import validate
from propertytriage.scoring import ScoreResult, rubric_items, score
from propertytriage.web.auth import allowed
from propertytriage.web.bodies import decide_all, json_document
from propertytriage.web.leanroute import LeanRoute
from propertytriage.web.openapi import json_body, json_response, ref
from propertytriage.web.problems import ProblemError, problem_schema
from propertytriage.web.roles import EVALUATOR_ROLES
from propertytriage.web.schemas import RubricItem, WhoAmI
from propertytriage.web.tokens import Principal

router = APIRouter(prefix="/v1", route_class=LeanRoute)

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: problem_schema(), 403: problem_schema(), 413: problem_schema(), 422: problem_schema(),
}


# a decision straight to JSON bytes by pydantic-core: the same bytes as JSONResponse of model_dump(mode="json"),
# without the dictionary in between (a tenth of a triage request's cost beyond the decision itself)
_DECISIONS = TypeAdapter(list[Decision])


_TRIAGE_BODY = ("a Case, or a list of cases (all or nothing); a `correction_reason` beside a case's keys, as "
                "`POST /v1/import` takes it, is checked and plays no part in the decision")


def _one_or_many(model: dict[str, str]) -> dict[str, Any]:
    return {"anyOf": [model, {"type": "array", "items": model}]}


@router.post(
    "/triage", name="triage", tags=["compute"],
    openapi_extra=json_body(_one_or_many(ref(Case, "validation")), _TRIAGE_BODY),
    responses={200: json_response(_one_or_many(ref(Decision, "serialization")), "the decision, or one per case"),
               **_ERRORS},
)
async def triage(request: Request, caller: Annotated[Principal, Depends(allowed("triage"))]) -> Response:
    """Where each dispute goes next. A list is all or nothing: one bad case, no decisions."""
    document = await json_document(request)
    engine = request.app.state.engine
    if isinstance(document, list):
        decisions = await anyio.to_thread.run_sync(decide_all, engine, document)
        return Response(_DECISIONS.dump_json(decisions), media_type="application/json")
    decision = engine.decide(case_of(document))
    return Response(decision.model_dump_json(), media_type="application/json")


def _own_sheets_only(card: Scorecard, caller: Principal, where: str = "") -> None:
    """An evaluator submits only its own sheet (SPEC §6); the administrator may submit any."""
    if caller.role not in EVALUATOR_ROLES:
        return
    for index, sheet in enumerate(card.evaluations):
        if sheet.evaluator != caller.role:
            raise ProblemError(
                403, "foreign_sheet",
                f"{where}evaluations[{index}] 是「{sheet.evaluator}」的评分表，角色「{caller.role}」只能提交自己的",
                f"{where}evaluations[{index}] is the sheet of {sheet.evaluator!r}; "
                f"role {caller.role!r} submits only its own",
            )


def _score_one(item: Any, caller: Principal, where: str = "") -> ScoreResult:
    card = validate(Scorecard, item)
    _own_sheets_only(card, caller, where)
    return score(card)


@router.post(
    "/score", name="score", tags=["compute"],
    openapi_extra=json_body(_one_or_many(ref(Scorecard, "validation")), "a Scorecard, or a list of them"),
    responses={200: json_response(_one_or_many(ref(ScoreResult, "serialization")), "the joint score"),
               **_ERRORS},
)
async def score_sheets(request: Request, caller: Annotated[Principal, Depends(allowed("score"))]) -> JSONResponse:
    """The joint score from the evaluators' sheets; an evaluator role may send only its own sheet."""
    document = await json_document(request)
    if isinstance(document, list):
        results: list[dict[str, Any]] = []
        for index, item in enumerate(document):
            try:
                results.append(_score_one(item, caller, f"scorecard[{index}]: ").model_dump(mode="json"))
            except InputError as error:
                raise error.within(f"scorecard[{index}]") from None
        return JSONResponse(results)
    return JSONResponse(_score_one(document, caller).model_dump(mode="json"))


@router.get(
    "/rubric", name="rubric", tags=["compute"],
    responses={200: json_response({"type": "array", "items": ref(RubricItem, "serialization")}, "the rubric"),
               401: problem_schema(), 403: problem_schema()},
)
async def rubric(caller: Annotated[Principal, Depends(allowed("rubric"))]) -> JSONResponse:
    """The scoring rubric in force; the items' ``max_points`` add up to 100."""
    items = [RubricItem.model_validate(i).model_dump(mode="json") for i in rubric_items()]
    return JSONResponse(items)


@router.get(
    "/whoami", name="whoami", tags=["auth"],
    responses={200: json_response(ref(WhoAmI, "serialization"), "the caller"),
               401: problem_schema(), 403: problem_schema()},
)
async def whoami(caller: Annotated[Principal, Depends(allowed("whoami"))]) -> WhoAmI:
    """The token's name and role, as events will record them."""
    return WhoAmI(name=caller.name, role=caller.role)
