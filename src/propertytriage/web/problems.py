"""Errors as ``application/problem+json`` (RFC 9457), built from the package's own errors.

The codes are those of the command line and ``docs/errors.md``: an :class:`InputError` keeps its
code and every :class:`Problem` keeps its location and code, so a clerk's integrator looks up one
table whichever way the case was sent. The web adds only the codes of HTTP itself
(``unauthorized``, ``forbidden``, ``not_found``, ``too_large``, …; listed in ``docs/api.md``).
Nothing here ever carries a stack trace or an internal exception's text.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from propertytriage.errors import InputError, Problem

MEDIA_TYPE = "application/problem+json"


class ProblemItem(BaseModel):
    """One field at fault: where (as the command line names it), its code, and what to do."""

    model_config = ConfigDict(extra="forbid")

    loc: str
    code: str
    message_zh: str
    message_en: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details with the package's error code and every problem found."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="a URI naming the kind of problem; about:blank for plain HTTP errors")
    title: str
    status: int
    detail: str
    code: str
    errors: list[ProblemItem] = Field(default_factory=list)


def item(problem: Problem, subject: str = "") -> ProblemItem:
    """A problem as one entry of ``errors``; a batch's subject ("case[2] KBS-1") leads the location."""
    loc = f"{subject}: {problem.location}" if subject and problem.location else (subject or problem.location)
    return ProblemItem(loc=loc, code=problem.code, message_zh=problem.zh, message_en=problem.en)


def problem_response(
    status: int,
    code: str,
    zh: str,
    en: str,
    *,
    errors: list[ProblemItem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response; ``detail`` says it in both languages, as the command line does."""
    body = ProblemDetails(
        type=f"urn:propertytriage:error:{code}",
        title=en,
        status=status,
        detail=f"{zh} / {en}",
        code=code,
        errors=errors or [],
    )
    return JSONResponse(
        body.model_dump(mode="json"), status_code=status, media_type=MEDIA_TYPE, headers=headers
    )


def input_problem(error: InputError) -> JSONResponse:
    """422 for invalid input, every field at fault listed."""
    items = [item(p, error.subject) for p in error.problems]
    return problem_response(422, error.code, "输入无效", "invalid input", errors=items)


def problem_schema() -> dict[str, Any]:
    """The OpenAPI response entry shared by every error status."""
    return {"content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}}


class ProblemError(Exception):
    """Raised by a route or dependency to answer with a problem; turned into one response by the app."""

    def __init__(self, status: int, code: str, zh: str, en: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(en)
        self.status, self.code, self.zh, self.en, self.headers = status, code, zh, en, headers

    def response(self) -> JSONResponse:
        return problem_response(self.status, self.code, self.zh, self.en, headers=self.headers)


class BodyTooLargeError(ProblemError):
    """A request body over the server's limit (413)."""

    def __init__(self, limit: int) -> None:
        mib = f"{limit / 1048576:.1f} MiB"
        super().__init__(413, "too_large", f"请求内容超过上限 {mib}", f"the request body exceeds the limit of {mib}",
                         headers={"Connection": "close"})
