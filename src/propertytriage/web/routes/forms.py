"""``POST /v1/forms/{form_id}``: a case in, the form as a PDF out.

WeasyPrint takes about a quarter of a second a form and is not documented as thread-safe, so each
render runs in a worker thread (the event loop keeps answering) and one at a time per process;
more throughput comes from more ``serve`` processes, as it does on the command line from more cores.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from propertytriage.errors import InputError
from propertytriage.models import Case
from propertytriage.rendering.forms import FORM_IDS, check_form_id, file_name, render_form
from propertytriage.web.auth import allowed
from propertytriage.web.bodies import json_document
from propertytriage.web.openapi import json_body, ref
from propertytriage.web.problems import ProblemError, problem_schema
from propertytriage.web.tokens import Principal

router = APIRouter(prefix="/v1")

_PDF: dict[str, Any] = {"description": "the form", "content": {"application/pdf": {
    "schema": {"type": "string", "format": "binary"}}}}


@router.post(
    "/forms/{form_id}", name="forms", tags=["compute"],
    openapi_extra=json_body(ref(Case, "validation"), "the Case the form is filled from"),
    response_class=Response,
    responses={200: _PDF, 401: problem_schema(), 403: problem_schema(), 404: problem_schema(),
               413: problem_schema(), 422: problem_schema()},
)
async def form(
    request: Request,
    form_id: Annotated[str, Path(description="which form", json_schema_extra={"enum": list(FORM_IDS)})],
    caller: Annotated[Principal, Depends(allowed("forms"))],
) -> Response:
    """The form filled from the case (its scorecard, if it carries one, fills the scoring sheet)."""
    try:
        form_id = check_form_id(form_id)
    except InputError as error:
        problem = error.problems[0]
        raise ProblemError(404, problem.code, problem.zh, problem.en) from None
    document = await json_document(request)
    pdf = await anyio.to_thread.run_sync(_render, form_id, document)
    case_id = document.get("case_id", "case") if isinstance(document, dict) else "case"
    name = file_name(str(case_id), form_id, "pdf")
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{_ascii(name)}"'})


_ONE_AT_A_TIME = threading.Lock()  # a thread lock, not an event-loop one: it holds across loops


def _render(form_id: str, document: Any) -> bytes:
    with _ONE_AT_A_TIME:
        return render_form(form_id, document)


def _ascii(name: str) -> str:
    """A header-safe file name (Chinese ids become underscores; the PDF itself names the case)."""
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
