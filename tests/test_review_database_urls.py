"""A SQLite URL with two slashes is a mistyped path, refused as a URL, not an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from propertytriage.cli.main import main


@pytest.mark.parametrize("url", ["sqlite://ledger.db", "sqlite://localhost/ledger.db"])
def test_a_sqlite_url_with_a_host_is_refused_naming_the_url_and_the_right_form(
        url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    status = main(["cases", "--db", url])
    err = capsys.readouterr().err
    assert status == 1
    assert "数据库地址无效" in err and "not a database URL" in err and url in err and "sqlite:///" in err
    assert "内部错误" not in err and "internal error" not in err
    assert list(tmp_path.iterdir()) == []
