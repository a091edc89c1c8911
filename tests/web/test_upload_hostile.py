"""Hostile form uploads to ``POST /v1/import`` and to the 台账 upload page: each is a clear 4xx problem
(or the page naming it), never a 500, nothing recorded; the file never lands where others can read it."""

from __future__ import annotations

import os
import stat
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage.web import create_app, sheet_upload
from propertytriage.web.tokens import SqlTokenStore
from tests.sheets.books import GOOD, HEADER, csv_file
from tests.web.conftest import bearer

BOUNDARY = "----propertytriage-test-boundary"


def _part(name: str, content: bytes, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
    return f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"


def _body(*parts: bytes, closed: bool = True) -> bytes:
    return b"".join(parts) + (f"--{BOUNDARY}--\r\n".encode() if closed else b"")


def _csv(tmp_path: Path, case_id: str = "K-1") -> bytes:
    row = list(GOOD)
    row[0] = case_id
    return csv_file(tmp_path / f"{case_id}.csv", [HEADER, row], encoding="utf-8").read_bytes()


def _post(client: TestClient, token: str, body: bytes, content_type: str | None = None) -> Any:
    return client.post("/v1/import", content=body, headers={
        **bearer(token), "Content-Type": content_type or f"multipart/form-data; boundary={BOUNDARY}"})


def _listed(client: TestClient, token: str) -> int:
    return int(client.get("/v1/cases", headers=bearer(token)).json()["total"])


HOSTILE = {
    "no boundary": (lambda csv: _body(_part("file", csv, "a.csv")), "multipart/form-data", "malformed_upload"),
    "empty boundary": (lambda csv: _body(_part("file", csv, "a.csv")), "multipart/form-data; boundary=",
                       "malformed_upload"),
    "boundary too long": (lambda csv: b"--" + b"x" * 200 + b"\r\n", "multipart/form-data; boundary=" + "x" * 200,
                          "malformed_upload"),
    "no closing boundary": (lambda csv: _body(_part("file", csv, "a.csv"), closed=False), None, "malformed_upload"),
    "not multipart at all": (lambda csv: b"\x00\xff" * 500, None, "malformed_upload"),
    "a part without a name": (lambda csv: _body(
        f"--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nx\r\n".encode()), None, "malformed_upload"),
    "a header line too long": (lambda csv: _body(
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{'n' * 10000}\"\r\n\r\nx\r\n".encode()), None,
        "malformed_upload"),
    "a huge text field": (lambda csv: _body(_part("sheet", b"x" * (sheet_upload.FIELD_LIMIT + 1)),
                                            _part("file", csv, "a.csv")), None, "field_too_large"),
    "many parts": (lambda csv: _body(*[_part(f"f{n}", b"x") for n in range(200)], _part("file", csv, "a.csv")),
                   None, "too_many_parts"),
    "only a folder for a name": (lambda csv: _body(_part("file", csv, "../..")), None, "not_a_sheet"),
    "a file with no name": (lambda csv: _body(_part("file", csv, "")), None, "missing_file"),
    "an empty file": (lambda csv: _body(_part("file", b"", "a.csv")), None, "empty_file"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_upload_is_a_clear_422_and_records_nothing(client: TestClient, tokens: dict[str, str],
                                                              tmp_path: Path, case: str) -> None:
    make, content_type, code = HOSTILE[case]
    answer = _post(client, tokens["court"], make(_csv(tmp_path)), content_type)
    assert answer.status_code == 422, answer.text[:300]
    assert answer.headers["content-type"] == "application/problem+json"
    errors = answer.json()["errors"]
    assert [e["code"] for e in errors] == [code]
    assert errors[0]["message_zh"] and errors[0]["message_en"]
    assert _listed(client, tokens["court"]) == 0


@pytest.mark.parametrize("filename", ["../../../../etc/cron.d/台账.csv", "..\\..\\Windows\\台账.csv",
                                      "C:\\Users\\clerk\\Desktop\\台账.csv", "/tmp/台账.csv"])
def test_a_file_name_with_folders_is_only_its_own_name(client: TestClient, tokens: dict[str, str], tmp_path: Path,
                                                       filename: str) -> None:
    answer = _post(client, tokens["court"], _body(_part("file", _csv(tmp_path), filename)))
    assert answer.status_code == 200 and answer.json()["new"] == 1, answer.text[:300]
    events = client.get("/v1/cases/K-1", headers=bearer(tokens["court"])).json()["events"]
    assert events[0]["source"].startswith("台账.csv")
    assert not Path("/etc/cron.d/台账.csv").exists() and not Path("/tmp/台账.csv").exists()


def test_an_empty_file_field_is_ignored_but_a_second_file_refuses_the_upload(client: TestClient,
                                                                             tokens: dict[str, str],
                                                                             tmp_path: Path) -> None:
    """A browser's unused file input (no file name) is skipped; a second named file was dropped unread
    with a 200 that counted the first alone, so its cases were lost without a word: it is refused."""
    body = _body(_part("other", b"", ""), _part("file", _csv(tmp_path, "K-7"), "first.csv"),
                 _part("file", _csv(tmp_path, "K-8"), "second.csv"))
    answer = _post(client, tokens["court"], body)
    assert answer.status_code == 422 and [e["code"] for e in answer.json()["errors"]] == ["too_many_files"]
    assert client.get("/v1/cases", headers=bearer(tokens["court"])).json()["items"] == []
    answer = _post(client, tokens["court"], _body(_part("other", b"", ""), _part("file", _csv(tmp_path, "K-7"),
                                                                                 "first.csv")))
    assert answer.status_code == 200 and answer.json()["new"] == 1
    assert [c["case_id"] for c in client.get("/v1/cases", headers=bearer(tokens["court"])).json()["items"]] == ["K-7"]


def test_a_streamed_upload_over_the_limit_stops_at_the_limit(store: SqlTokenStore, tokens: dict[str, str],
                                                             tmp_path: Path) -> None:
    sent = 0

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit must stop the stream as it arrives
        nonlocal sent
        head = _part("file", b"", "big.csv")[:-2]
        sent += len(head)
        yield head
        for _ in range(10_000):
            sent += 1024
            yield b"x" * 1024

    with TestClient(create_app(store, body_limit=64 * 1024), raise_server_exceptions=False) as small:
        answer = small.post("/v1/import", content=chunks(), headers={
            **bearer(tokens["court"]), "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
        assert answer.status_code == 413 and answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "too_large"
        assert _listed(small, tokens["court"]) == 0


def test_a_streamed_upload_is_kept_only_in_a_private_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the sheets reader works, the file and its folder are readable by this process's user only."""
    seen: list[tuple[int, int]] = []

    def spy(ledger: Any, paths: list[str], **options: Any) -> tuple[Any, list[Any]]:
        path = Path(paths[0])
        seen.append((stat.S_IMODE(path.stat().st_mode), stat.S_IMODE(path.parent.stat().st_mode)))
        return None, []

    monkeypatch.setattr(sheet_upload, "import_files", spy)
    body = _body(_part("csrf_token", b"t"), _part("file", _csv(tmp_path), "台账.csv"))

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 7):
            yield body[start:start + 7]

    async def run() -> Path:
        async with sheet_upload.received_form(f"multipart/form-data; boundary={BOUNDARY}", chunks()) as received:
            upload = received.upload()
            assert upload.path is not None and upload.path.read_bytes() == _csv(tmp_path)
            sheet_upload.import_upload(None, upload)  # type: ignore[arg-type]
            return upload.path

    path = anyio.run(run)
    assert seen == [(0o600, 0o700)]
    assert not path.exists() and not path.parent.exists()  # gone once the request is answered


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(min_value=1, max_value=400), max_size=30), sheet=st.text(max_size=20),
       data=st.binary(min_size=1, max_size=300))
def test_chunks_split_anywhere_give_the_same_form(cuts: list[int], sheet: str, data: bytes) -> None:
    """However the network splits the body, the file's bytes and the fields come out unchanged."""
    body = _body(_part("csrf_token", b"token"), _part("sheet", sheet.encode()), _part("file", data, "表.xlsx"))

    async def chunks() -> AsyncIterator[bytes]:
        start = 0
        for cut in cuts:
            yield body[start:start + cut]
            start += cut
        yield body[start:]

    async def run() -> tuple[bytes, str | None, str]:
        async with sheet_upload.received_form(f"multipart/form-data; boundary={BOUNDARY}", chunks()) as received:
            upload = received.upload()
            assert upload.path is not None
            return upload.path.read_bytes(), upload.sheet, received.fields["csrf_token"]

    read, read_sheet, token = anyio.run(run)
    assert read == data and token == "token"
    assert read_sheet == (sheet.strip() or None)
    assert read == sheet_upload.from_multipart(f"multipart/form-data; boundary={BOUNDARY}", body).data


def test_no_upload_leaves_a_file_behind(client: TestClient, tokens: dict[str, str], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    for case, (make, content_type, _code) in HOSTILE.items():
        assert _post(client, tokens["court"], make(_csv(tmp_path)), content_type).status_code == 422, case
    assert os.listdir(tmp_path / "tmp") == []
