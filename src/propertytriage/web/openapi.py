"""The OpenAPI description, with the package's pydantic models as the contract.

Request bodies are parsed by the package itself (exact decimals, duplicate keys refused, the same
problem codes as the command line), so FastAPI never sees them as typed parameters; their schemas
are added here from the same models the Python API validates with. Input models are described as
pydantic validates them and output models as it serialises them; where the two differ, pydantic
names them ``-Input`` and ``-Output``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from propertytriage.models import Case, Decision, Scorecard
from propertytriage.scoring import ScoreResult
from propertytriage.web.problems import ProblemDetails
from propertytriage.web.roles import OPEN_ROUTES
from propertytriage.web.schemas import (
    CasePage,
    CaseRecord,
    Deadline,
    HealthStatus,
    ImportResult,
    RubricItem,
    SheetImportResult,
    WhoAmI,
)

_REF = "#/components/schemas/{model}"
_MODELS: list[tuple[type[BaseModel], JsonSchemaMode]] = [
    (Case, "validation"),
    (Scorecard, "validation"),
    (Decision, "serialization"),
    (ScoreResult, "serialization"),
    (RubricItem, "serialization"),
    (ProblemDetails, "serialization"),
    (HealthStatus, "serialization"),
    (WhoAmI, "serialization"),
    (ImportResult, "serialization"),
    (SheetImportResult, "serialization"),
    (CaseRecord, "serialization"),
    (CasePage, "serialization"),
    (Deadline, "serialization"),
]


@cache
def _schemas() -> tuple[dict[tuple[Any, JsonSchemaMode], str], dict[str, Any]]:
    keys, top = models_json_schema(_MODELS, ref_template=_REF)
    refs = {key: str(value["$ref"]) for key, value in keys.items()}
    definitions: dict[str, Any] = top.get("$defs", {})
    return refs, definitions


def ref(model: type[BaseModel], mode: JsonSchemaMode) -> dict[str, str]:
    """A ``$ref`` to ``model`` in ``components/schemas``."""
    return {"$ref": _schemas()[0][(model, mode)]}


def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """``openapi_extra`` for a route whose JSON body the package parses itself."""
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": schema}}}}


def json_response(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


# How one answer leads to the next request (OpenAPI links): what a client does after an import is to
# list the cases and open one; a decision names the case to look up. Stateful tests follow them.
_LINKS: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("/v1/import", "post", "cases", "/v1/cases", {}),
    ("/v1/cases", "get", "case", "/v1/cases/{case_id}", {"case_id": "$response.body#/items/0/case_id"}),
    ("/v1/triage", "post", "case", "/v1/cases/{case_id}", {"case_id": "$response.body#/case_id"}),
]


def _add_links(document: dict[str, Any]) -> None:
    paths = document["paths"]
    for path, method, name, target, parameters in _LINKS:
        if path not in paths or target not in paths:
            continue
        operation_id = paths[target]["get"]["operationId"]
        link: dict[str, Any] = {"operationId": operation_id}
        if parameters:
            link["parameters"] = parameters
        paths[path][method]["responses"]["200"].setdefault("links", {})[name] = link


def install(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """Replace ``app.openapi`` with one that adds the package's schemas to the generated document."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes,
            )
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(_schemas()[1])
            # FastAPI's own 422 model is never sent: invalid input answers with ProblemDetails
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
            document["components"]["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer"}
            }
            for route in [r for router in app.state.routers for r in router.routes]:
                if getattr(route, "name", None) in OPEN_ROUTES:
                    continue
                # path_format: the path as OpenAPI writes it ("{case_id}", not the route's "{case_id:path}")
                path = getattr(route, "path_format", None) or getattr(route, "path", "")
                for operation in document["paths"].get(path, {}).values():
                    operation["security"] = [{"bearer": []}]
            _add_links(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise it
    return openapi
