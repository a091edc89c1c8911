"""Routes whose only parameters are the request and their guards skip FastAPI's per-request solver.

FastAPI's request handler is general: it solves the dependency graph (with a cache, scopes, a
sub-response, the query string parsed for parameters the route may have), then reads and validates
a body and serialises a return value. A triage request needs none of that: its body is read by the
package's own parser, its answer is already a ``Response``, and its one dependency is the role
check. Measured in-process (``benchmarks/bench_web.py`` notes, docs/api.md), the general path was a
third of a triage request's CPU in the app.

:class:`LeanRoute` is still an ``APIRoute``: the same path, OpenAPI description, dependencies (so
the permission matrix is read off the routes as before) and error handlers. Only when a route has
this shape — every parameter is the request or a dependency that itself takes only the request, and
the endpoint returns a ``Response`` — does its handler call the dependencies and the endpoint
directly, in the order FastAPI would. Any other route keeps FastAPI's handler, unchanged.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi import routing as fastapi_routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def _takes_only_the_request(dependant: Dependant) -> bool:
    return not (dependant.path_params or dependant.query_params or dependant.header_params
                or dependant.cookie_params or dependant.body_params or dependant.websocket_param_name
                or dependant.http_connection_param_name or dependant.response_param_name
                or dependant.background_tasks_param_name or dependant.security_scopes_param_name)


def _effective(route: APIRoute) -> tuple[Dependant, Any]:
    """The dependant FastAPI builds this handler for and who provides its overrides: the route's own,
    or (FastAPI 0.16x, a route included from a router) the included copy's, which adds the router's
    dependencies and names the app as the provider."""
    context_var = getattr(fastapi_routing, "_effective_route_context_var", None)
    context = context_var.get() if context_var is not None else None
    if context is not None and getattr(context, "original_route", None) is route:
        return context.dependant, context.dependency_overrides_provider
    return route.dependant, route.dependency_overrides_provider


def lean_handler(route: APIRoute, dependant: Dependant, overrides: Any, general: Handler) -> Handler | None:
    """The direct handler of a route of the lean shape, else None (the route keeps FastAPI's).

    ``general`` is FastAPI's handler of the same route: it answers whenever the ``dependency_overrides``
    of ``overrides`` (the app) replace something, as only FastAPI's solver applies them.
    """
    if route.response_field is not None or route.body_field is not None:
        return None
    if not _takes_only_the_request(dependant):
        return None
    guards: list[tuple[str | None, Callable[..., Any], bool, str]] = []
    for sub in dependant.dependencies:
        if sub.call is None or sub.dependencies or not sub.request_param_name or not _takes_only_the_request(sub):
            return None
        if inspect.isgeneratorfunction(sub.call) or inspect.isasyncgenfunction(sub.call):
            return None
        is_async = inspect.iscoroutinefunction(sub.call) or inspect.iscoroutinefunction(
            getattr(sub.call, "__call__", None))  # noqa: B004 - an instance such as auth.Allowed
        guards.append((sub.name, sub.call, is_async, sub.request_param_name))
    endpoint = route.endpoint
    if not inspect.iscoroutinefunction(endpoint):
        return None
    request_name = dependant.request_param_name

    async def handler(request: Request) -> Response:
        if overrides is not None and getattr(overrides, "dependency_overrides", None):
            return await general(request)
        values: dict[str, Any] = {}
        for name, call, is_async, param in guards:
            solved = await call(**{param: request}) if is_async else await run_in_threadpool(call, **{param: request})
            if name is not None:
                values[name] = solved
        if request_name is not None:
            values[request_name] = request
        response = await endpoint(**values)
        if not isinstance(response, Response):  # the shape promised a Response; say so rather than guess
            raise TypeError(f"{route.name} returned {type(response).__name__}, not a Response")
        return response

    return handler


class LeanRoute(APIRoute):
    """An ``APIRoute`` that serves a route of the lean shape (module docstring) without the solver."""

    served_lean = False

    def get_route_handler(self) -> Handler:
        general = super().get_route_handler()
        lean = lean_handler(self, *_effective(self), general)
        self.served_lean = lean is not None  # read by the tests: which routes take the direct path
        return lean or general
