"""Logging in and out, with failed attempts slowed per name and per client across instances."""

from __future__ import annotations

import math
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Request
from starlette.responses import Response

from propertytriage.web.pages.sessions import anonymous, logged_in
from propertytriage.web.pages.site import current_user, pages_of, read_form, redirect, render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path of this site (never another host) is a place to return to after login."""
    if not target:
        return "/cases"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/cases"
    return target


def login_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(here)}"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login", include_in_schema=False)
async def login_page(request: Request, next: str | None = None) -> Response:
    if current_user(request) is not None:
        return redirect(_safe_next(next))
    return render(request, "login.html", next=_safe_next(next), name="", error=None)


@router.post("/login", include_in_schema=False)
async def login(request: Request) -> Response:
    form = await read_form(request)
    pages = pages_of(request)
    name, password = form.get("name", "").strip(), form.get("password", "")
    target = _safe_next(form.get("next"))
    client = _client(request)
    wait = pages.users.wait_before_login(name, client)
    if wait.total_seconds() > 0:
        seconds = math.ceil(wait.total_seconds())
        return render(request, "login.html", status=429, next=target, name=name,
                      error=f"登录失败次数过多，请 {seconds} 秒后再试。")
    user = pages.users.authenticate(name, password) if name and password else None
    if user is None:
        pages.users.record_failure(name, client)
        return render(request, "login.html", status=401, next=target, name=name, error="用户名或密码不正确。")
    pages.users.clear_failures(name)
    response = redirect(target)
    pages.signer.set_cookie(request, response, logged_in(user.name, user.role, user.fingerprint))
    return response


@router.post("/logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    await read_form(request)
    response = redirect("/login")
    pages_of(request).signer.set_cookie(request, response, anonymous())
    return response
