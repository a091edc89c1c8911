"""The pages quote a case id or a day typed in the address as the API does: escaped, on one line, cut at 80
characters, so a pasted paragraph or a control character neither floods nor breaks the page."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from tests.web.pages.conftest import login


def _notice(page: str) -> str:
    found = re.findall(r"「([^」]*)」", html.unescape(page))
    assert found, page[:800]
    return found[-1]


@pytest.mark.parametrize(("path", "sent"), [
    ("/cases/" + "Y" * 250, "Y" * 250),
    ("/cases/E%1B%5B31mRED", "E\x1b[31mRED"),
    ("/scoring/A%E2%80%AEB", "A\u202eB"),
    ("/due?on=" + "9" * 200, "9" * 200),
])
def test_an_address_a_page_cannot_serve_is_quoted_escaped_and_cut(client: TestClient, path: str, sent: str) -> None:
    login(client, "mediation_center")
    page = client.get(path, follow_redirects=True)
    assert page.status_code in (400, 404)
    quoted = _notice(page.text)
    assert "\x1b" not in quoted and "\u202e" not in quoted and len(quoted) <= 80 + 30
    if len(sent) > 80:
        assert quoted.startswith(sent[:80] + "…") and f"共 {len(sent)} 字符" in quoted
    else:
        assert quoted == sent.replace("\x1b", "\\x1b").replace("\u202e", "\\u202e")
