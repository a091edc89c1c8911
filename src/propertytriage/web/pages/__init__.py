"""The clerks' pages (SPEC §6): Chinese, server-rendered, no asset from the internet.

Modules: ``site`` (what every page shares: the guards, the form reader, rendering), ``sessions``
(signed session cookies and CSRF tokens), ``users`` (passwords and failed logins), ``login``,
``cases`` (台账, case page, filing, attempts, forms, due list), ``scoring`` (the evaluators' sheets),
``reports`` (the report with its charts, the 台账 upload),
``caseform`` (forms as documents, refusals back onto fields), ``labels``, ``usercommands``
(``propertytriage user``). Templates and the one stylesheet are in ``templates/`` and ``static/``.
"""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import FastAPI, Request
from starlette.responses import Response

from propertytriage.ledger import Ledger
from propertytriage.web.pages import cases, login, reports, scoring
from propertytriage.web.pages.sessions import Signer
from propertytriage.web.pages.site import LoginRequiredError, PageError, Pages, make_environment, render
from propertytriage.web.pages.users import UserStore

_STATIC = Path(__file__).parent / "static"
_ASSETS = {"style.css": "text/css; charset=utf-8", "sheet.js": "text/javascript; charset=utf-8"}


async def _login_required(request: Request, error: Exception) -> Response:
    from propertytriage.web.pages.site import redirect

    return redirect(login.login_url(request))


async def _page_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, PageError)
    return render(request, "error.html", status=error.status, title=error.title, message=error.message)


def install(app: FastAPI, ledger: Ledger, *, secret: bytes, secure_cookies: bool = False) -> None:
    """Mount the pages on ``app``, over the ledger's database (users and failures live there too)."""
    app.state.pages = Pages(ledger=ledger, users=UserStore(ledger.engine), signer=Signer(secret, secure=secure_cookies),
                            environment=make_environment(), write_lock=threading.Lock())
    app.add_exception_handler(LoginRequiredError, _login_required)
    app.add_exception_handler(PageError, _page_error)
    for module in (login, cases, scoring, reports):
        app.include_router(module.router)

    @app.get("/static/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        if name not in _ASSETS:
            return Response("not found", status_code=404, media_type="text/plain")
        return Response((_STATIC / name).read_bytes(), media_type=_ASSETS[name],
                        headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"})
