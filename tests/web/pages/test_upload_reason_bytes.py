"""The upload page with a form whose fields are not UTF-8 (a reason typed in a GBK page, a forged token):
the page says what is wrong, never a 500, and nothing is recorded."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from propertytriage.ledger import Ledger, queries
from tests.sheets.books import HEADER, good_row, workbook
from tests.web.pages.conftest import csrf_of, login

BOUNDARY = "----propertytriage-page-bytes"


def _part(name: str, content: bytes, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
    return f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"


def _post(client: TestClient, token: bytes, reason: bytes, sheet: bytes) -> str:
    body = (_part("csrf_token", token) + _part("reason", reason) + _part("file", sheet, "台账.xlsx")
            + f"--{BOUNDARY}--\r\n".encode())
    answer = client.post("/import", content=body,
                         headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert answer.status_code in (403, 422), (answer.status_code, answer.text[:300])
    return answer.text


def test_a_reason_that_is_not_utf8_is_named_and_nothing_recorded(client: TestClient, ledger: Ledger,
                                                                 tmp_path: Path) -> None:
    login(client, "community")
    sheet = workbook(tmp_path / "a.xlsx", [HEADER, good_row("B-1")]).read_bytes()
    token = csrf_of(client.get("/import").text).encode()
    page = _post(client, token, "街道复核更正".encode("gbk"), sheet)
    assert "更正原因第 1 个字符不是完整的字符" in page and "UTF-8" in page
    with ledger.engine.connect() as connection:
        assert queries.show(connection, "B-1") is None


def test_a_forged_token_that_is_not_ascii_is_refused_as_a_bad_token(client: TestClient, ledger: Ledger,
                                                                    tmp_path: Path) -> None:
    login(client, "community")
    sheet = workbook(tmp_path / "a.xlsx", [HEADER, good_row("B-2")]).read_bytes()
    for token in ("令牌".encode(), b"\xff\xfe"):
        page = _post(client, token, "原因".encode(), sheet)
        assert "跨站请求校验未通过" in page
    with ledger.engine.connect() as connection:
        assert queries.show(connection, "B-2") is None
