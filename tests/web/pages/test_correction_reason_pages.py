"""The reason for a correction on the clerk's pages: in the case's timeline, escaped; given with an upload."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from propertytriage.ledger import Ledger, queries
from propertytriage.ledger.documents import Document
from propertytriage.ruledata import examples_dir
from tests.sheets.books import HEADER, good_row, workbook
from tests.web.pages.conftest import csrf_of, login

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>\n第二行 & 结尾'


def _sample(case_id: str) -> dict[str, object]:
    cases = json.loads((examples_dir() / "cases.json").read_text(encoding="utf-8"))
    return next(c for c in cases if c["case_id"] == case_id)


def test_the_timeline_shows_each_reason_escaped(client: TestClient, ledger: Ledger) -> None:
    case = _sample("KBS-2025-003")
    summary = ledger.import_documents([Document("fix.json", {**case, "claim_amount": "1.00"})], reason=HOSTILE)
    assert summary.changed == 1
    login(client, "court")
    page = client.get("/case?id=KBS-2025-003").text
    reasons = re.findall(r'<div class="reason">更正原因：(.*?)</div>', page, re.S)
    assert len(reasons) == 1 and html.unescape(reasons[0]) == HOSTILE  # all of it, line break kept
    assert "<" not in reasons[0] and ">" not in reasons[0] and '"' not in reasons[0]
    assert "<script>alert" not in page and "<img src=x" not in page
    assert page.count('<div class="reason">') == 1  # the filing had no reason and shows none


def test_an_upload_with_a_reason_records_it_and_says_when_it_was_not_kept(client: TestClient, ledger: Ledger,
                                                                           tmp_path: Path) -> None:
    login(client, "community")
    page = client.get("/import").text
    assert 'name="reason"' in page
    first = workbook(tmp_path / "a.xlsx", [HEADER, good_row("P-1")]).read_bytes()
    changed = workbook(tmp_path / "b.xlsx", [HEADER, good_row("P-1", c5="100.00")]).read_bytes()

    def upload(data: bytes, reason: str) -> str:
        token = csrf_of(client.get("/import").text)
        answer = client.post("/import", data={"csrf_token": token, "sheet": "", "reason": reason},
                             files={"file": ("台账.xlsx", data)})
        assert answer.status_code in (200, 422)
        return answer.text

    assert "新立 1 件" in upload(first, "")
    assert "变更 1 件" in upload(changed, "街道复核更正")
    with ledger.engine.connect() as connection:
        shown = queries.show(connection, "P-1")
    assert shown is not None and [e["reason"] for e in shown["events"]] == [None, "街道复核更正"]
    again = upload(changed, "再传一次")
    assert "未变 1 件" in again and "所填的更正原因未保存" in again
    too_long = upload(changed, "长" * 501)
    assert "更正原因过长" in too_long
