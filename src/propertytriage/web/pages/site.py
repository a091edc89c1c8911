"""What every page shares: the ledger, the users, the session signer, templates and the guards.

A page handler asks :func:`require` for the logged-in user with one of its roles (a visitor without
a session is sent to the login page; a user without the role sees a 403 page), reads a POST through
:func:`read_form` (size limit and CSRF check first) and answers with :func:`render`.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from propertytriage.ledger import Ledger
from propertytriage.ledger.documents import Document
from propertytriage.ledger.ledger import ImportSummary
from propertytriage.ledger.masking import mask_id_number, mask_phone
from propertytriage.models.case import Case
from propertytriage.web.pages import labels
from propertytriage.web.pages.sessions import COOKIE, Session, Signer, anonymous
from propertytriage.web.pages.users import User, UserStore
from propertytriage.web.roles import PERSONAL_DATA_ROLES, ROLES, Role

FORM_LIMIT = 256 * 1024  # a filled form is a few kilobytes; anything larger is not a clerk typing

# Who sees ID and phone numbers in full on the pages and in the forms they download: the bodies that
# print the court's and the mediation center's forms and must reach the parties, as in the API. The
# others (scoring bodies, the community) see them masked as the ledger's lists mask them (docs/api.md).
FULL_PERSONAL_DATA: frozenset[Role] = PERSONAL_DATA_ROLES
IMPORT_ROLES: frozenset[Role] = frozenset({"admin", "court", "mediation_center", "community"})

_TEMPLATES = Path(__file__).parent / "templates"


class PageError(Exception):
    """An answer that is a page (403, 404, 413, 429) rather than the page asked for."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


@dataclass
class Pages:
    """The state the pages share: nothing but handles on the ledger's database and the secret."""

    ledger: Ledger
    users: UserStore
    signer: Signer
    environment: Environment
    write_lock: threading.Lock

    def import_one(self, body: dict[str, Any], source: str, user: User) -> ImportSummary:
        """One document through the ledger's import, recorded as the user's doing."""
        with self.write_lock:  # recorded_by is the ledger's attribute; one writer per process at a time
            self.ledger.recorded_by = user.recorded_by
            try:
                return self.ledger.import_documents([Document(source, body)])
            finally:
                self.ledger.recorded_by = None


def make_environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(default=True),
                              trim_blocks=True, lstrip_blocks=True)
    environment.globals.update(
        STAGE_ZH=labels.STAGE_ZH, ATTEMPT_STAGE_ZH=labels.ATTEMPT_STAGE_ZH, OUTCOME_ZH=labels.OUTCOME_ZH,
        TRACK_ZH=labels.TRACK_ZH, AWAIT_ZH=labels.AWAIT_ZH, FORM_ZH=labels.FORM_ZH, ROLE_ZH=labels.ROLE_ZH,
        DISPUTE_ZH=labels.DISPUTE_ZH, CLAIMANT_ZH=labels.CLAIMANT_ZH, EVENT_ZH=labels.EVENT_ZH,
        FIELD_ZH=labels.FIELD_ZH, COMPANY_EVENT_ZH=labels.COMPANY_EVENT_ZH, IMPORT_ROLES=IMPORT_ROLES,
        decision_changes=decision_changes, who=who, case_url=case_url,
    )
    return environment


def case_url(case_id: str, path: str = "/case", **query: str) -> str:
    """The address of a case's page, or of one of its actions (``path``), for any id the ledger accepts.

    The id travels in the query, not the path: an id may hold "/", "?", "#", "%", spaces or be "." or
    "..", and a path segment can carry none of these faithfully ("/" splits it, browsers resolve
    "." and ".." away even when percent-encoded). A query value, encoded, carries any text exactly.
    """
    return f"{path}?{urllib.parse.urlencode({'id': case_id, **query})}"


def decision_changes(change: dict[str, Any] | None) -> list[str]:
    """An event's ``decision_change`` as a clerk reads it; an outcome that stays empty is not news."""
    texts: list[str] = []
    for key, values in (change or {}).items():
        before, after = values.get("from"), values.get("to")
        if not before and not after:
            continue
        if key == "next_stage":
            texts.append(f"下一步 {labels.STAGE_ZH.get(before, '—') if before else '—'} → "
                         f"{labels.STAGE_ZH.get(after, after)}")
        elif key == "court_track":
            texts.append(f"审理方式 → {labels.TRACK_ZH.get(after, after) if after else '（无）'}")
        elif key == "rectification_required":
            texts.append("物业企业须限期整改" if after else "无须整改")
        elif key == "awaiting":
            texts.append("尚待 → " + ("、".join(labels.AWAIT_ZH.get(a, a) for a in after) if after else "（无）"))
        elif key == "forms":
            texts.append("文书 → " + ("、".join(labels.FORM_ZH.get(f, f) for f in after) if after else "（无）"))
    return texts


def who(recorded_by: str | None) -> str:
    """``name (role)`` (web.tokens.Principal) as a clerk reads it: the name, then the body in Chinese."""
    if not recorded_by:
        return "（命令行导入）"
    name, opened, rest = recorded_by.rpartition(" (")
    role = rest[:-1] if opened and rest.endswith(")") else ""
    label = labels.ROLE_ZH.get(role)  # type: ignore[call-overload]
    return f"{name}（{label}）" if name and label else recorded_by


def pages_of(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


def session_of(request: Request) -> Session | None:
    return pages_of(request).signer.loads(request.cookies.get(COOKIE))


def current_user(request: Request) -> User | None:
    """The logged-in user, looked up again (a disabled user or a changed password ends the session)."""
    session = session_of(request)
    if session is None or session.name is None:
        return None
    user = pages_of(request).users.get(session.name)
    if user is None or user.role != session.role or user.fingerprint != session.fingerprint:
        return None
    return user


class LoginRequiredError(Exception):
    """No live session: the visitor is sent to the login page, then back."""


def require(request: Request, roles: Iterable[Role] = ROLES) -> User:
    user = current_user(request)
    if user is None:
        raise LoginRequiredError
    if user.role not in set(roles):
        raise PageError(403, "无权访问", f"您的角色（{labels.ROLE_ZH[user.role]}）不能使用此页面。")
    request.state.user = user
    return user


async def read_form(request: Request, limit: int = FORM_LIMIT) -> dict[str, str]:
    """The posted form (URL-encoded), after the size limit and the CSRF check."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        raise PageError(415, "无法处理", "表单须以 application/x-www-form-urlencoded 提交。")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PageError(413, "内容过大", f"提交的内容超过 {limit // 1024} KB 上限。")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PageError(413, "内容过大", f"提交的内容超过 {limit // 1024} KB 上限。")
    try:
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=500)
    except (UnicodeDecodeError, ValueError):
        raise PageError(400, "无法处理", "提交的表单无法读取。") from None
    form = dict(pairs)
    if not pages_of(request).signer.csrf_ok(session_of(request), form.get("csrf_token")):
        raise PageError(403, "请求已拒绝", "表单已过期或来源不明（跨站请求校验未通过），请返回重新打开页面后再提交。")
    return form


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The page, with the session cookie set (a visitor without one gets an anonymous session)."""
    pages = pages_of(request)
    session = session_of(request)
    fresh = session is None
    if session is None:
        session = anonymous()
    user = getattr(request.state, "user", None)
    html = pages.environment.get_template(template).render(
        user=user, csrf_token=pages.signer.csrf_token(session), request_path=request.url.path, **context)
    response = HTMLResponse(html, status_code=status, headers=_PAGE_HEADERS)
    if fresh:
        pages.signer.set_cookie(request, response, session)
    return response


_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'",
}


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def sees_personal_data(user: User) -> bool:
    return user.role in FULL_PERSONAL_DATA


def masked_case(case: dict[str, Any]) -> dict[str, Any]:
    """The case as a role without need of them sees it: owners' and the company's numbers masked."""
    result = dict(case)
    result["owners"] = [{**o, "phone": mask_phone(o.get("phone")), "id_number": mask_id_number(o.get("id_number"))}
                        for o in case.get("owners", [])]
    if case.get("property_company"):
        company = dict(case["property_company"])
        company["phone"] = mask_phone(company.get("phone"))
        result["property_company"] = company
    return result


def masked_model(case: Case) -> Case:
    """:func:`masked_case` for a validated Case, so that a form printed for such a role masks them too.

    The masked numbers would not pass validation (a masked ID number has no check digit), so the
    copy is made after it, without validating again.
    """
    owners = [o.model_copy(update={"phone": mask_phone(o.phone), "id_number": mask_id_number(o.id_number)})
              for o in case.owners or []]
    company = case.property_company.model_copy(update={"phone": mask_phone(case.property_company.phone)})
    return case.model_copy(update={"owners": owners, "property_company": company})
