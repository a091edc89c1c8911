"""The application factory: one FastAPI app, its error boundary, its layers and its routes.

The boundary mirrors the command line's (``cli/main.py``): the package's own errors become answers
with their codes, and anything else becomes a 500 problem that says only that it happened. A stack
trace goes to the server's log, never to the caller.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from propertytriage.engine import Triage
from propertytriage.errors import InputError, PropertyTriageError
from propertytriage.ledger import Ledger
from propertytriage.web import openapi
from propertytriage.web.importpool import ImportPool
from propertytriage.web.middleware import BodyLimit, CatchAll, VersionHeaders
from propertytriage.web.problems import ProblemError, ProblemItem, input_problem, problem_response
from propertytriage.web.routes import compute, forms, health, report
from propertytriage.web.routes import ledger as ledger_routes
from propertytriage.web.tokens import TokenStore

DEFAULT_BODY_LIMIT = 16 * 1024 * 1024  # about 30,000 cases in one triage request
_log = logging.getLogger("propertytriage.web")

_HTTP_CODES = {404: ("not_found", "没有这个地址", "no such path"),
               405: ("method_not_allowed", "该地址不接受此方法", "method not allowed on this path"),
               415: ("unsupported_media_type", "不支持的内容类型", "unsupported content type")}


def package_version() -> str:
    """The installed package's version (the source tree's when run from a checkout)."""
    from importlib import metadata

    try:
        return metadata.version("propertytriage")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree never installed
        return "(not installed)"


async def _on_problem(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ProblemError)
    return error.response()


async def _on_input(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InputError)
    return input_problem(error)


async def _on_request_validation(request: Request, error: Exception) -> JSONResponse:
    """A path or query parameter FastAPI itself refused (bodies are parsed by the package)."""
    assert isinstance(error, RequestValidationError)
    items = [
        ProblemItem(loc=".".join(str(p) for p in e.get("loc", ())[1:]), code=str(e.get("type", "invalid_value")),
                    message_zh="取值无效", message_en=str(e.get("msg", "invalid value")))
        for e in error.errors()
    ]
    return problem_response(422, "invalid_input", "输入无效", "invalid input", errors=items)


async def _on_http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code, zh, en = _HTTP_CODES.get(error.status_code, ("http_error", "请求无法处理", "the request cannot be served"))
    return problem_response(error.status_code, code, zh, en, headers=dict(error.headers or {}))


async def _on_package_error(request: Request, error: Exception) -> JSONResponse:
    """EngineError, RenderError, RuleDataError: never the caller's fault; the code, no internals."""
    assert isinstance(error, PropertyTriageError)
    _log.error("%s on %s %s", error.code, request.method, request.url.path, exc_info=error)
    return problem_response(500, error.code, "服务器内部错误，请报告此问题", "internal error; please report it")


def api_routes(app: FastAPI) -> list[APIRoute]:
    """The routes the app serves from its own modules (the permission matrix is checked on these)."""
    return [route for router in app.state.routers for route in router.routes if isinstance(route, APIRoute)]


def create_app(tokens: TokenStore, *, body_limit: int = DEFAULT_BODY_LIMIT, engine: Triage | None = None,
               ledger: Ledger | None = None, session_secret: bytes | None = None,
               secure_cookies: bool = False, import_pool: ImportPool | None = None) -> FastAPI:
    """The web service over the ledger's database (``ledger``, else the one ``tokens`` are kept in).

    It keeps no other state: several processes on one database serve the same ledger and tokens.
    With an ``import_pool`` (``serve --import-workers``), ``POST /v1/import`` of JSON documents is
    recorded by its worker processes instead of a thread of this one (web/importpool.py).

    With a ``ledger``, the clerks' pages are served too (``web/pages``), their sessions signed with
    ``session_secret`` (:func:`propertytriage.web.pages.sessions.session_secret` when not given).
    """
    version = package_version()
    triage_engine = engine or Triage()
    rules_version = triage_engine.book.rules_version
    app = FastAPI(
        title="propertytriage",
        version=version,
        description="物业纠纷“五联合+三要素”分流 HTTP 接口 / HTTP API for property-dispute triage "
                    f"(rules {rules_version}). Errors are application/problem+json; see docs/api.md.",
        docs_url=None, redoc_url=None,  # the interactive pages load scripts from the internet
        # FastAPI's own OpenTelemetry looks for configured providers on every request; serve exports no
        # traces or metrics (its access log and the ledger's events say what happened), so it is off
        telemetry={"tracing": False, "metrics": False, "logs": False},
        exception_handlers={
            ProblemError: _on_problem,
            InputError: _on_input,
            RequestValidationError: _on_request_validation,
            StarletteHTTPException: _on_http,
            PropertyTriageError: _on_package_error,
        },
    )
    app.state.tokens = tokens
    app.state.engine = triage_engine
    app.state.rules_version = rules_version
    app.state.ledger = ledger if ledger is not None else getattr(tokens, "ledger", None)
    app.state.import_pool = import_pool
    app.state.routers = [module.router for module in (health, compute, forms, ledger_routes, report)]
    for router in app.state.routers:
        app.include_router(router)
    if ledger is not None:
        from propertytriage.web import pages
        from propertytriage.web.pages.sessions import session_secret as shared_secret

        pages.install(app, ledger, secret=session_secret or shared_secret(), secure_cookies=secure_cookies)
    openapi.install(app)
    app.add_middleware(CatchAll)
    app.add_middleware(BodyLimit, limit=body_limit)
    app.add_middleware(VersionHeaders, package_version=version, rules_version=rules_version)
    return app
