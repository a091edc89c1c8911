"""Tokens: shown once, stored as a hash only, revocable; the command line's token commands."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage.cli.main import main
from propertytriage.errors import InputError
from propertytriage.web.roles import ROLES
from propertytriage.web.tokens import SqlTokenStore


def test_only_the_hash_of_a_token_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    store = SqlTokenStore.from_url(f"sqlite:///{path}")
    issued = store.create("立案庭", "court")
    assert len(issued.secret) >= 40  # 32 random bytes, URL-safe base64
    rows = sqlite3.connect(path).execute("SELECT name, role, token_hash FROM api_tokens").fetchall()
    assert rows == [("立案庭", "court", hashlib.sha256(issued.secret.encode()).hexdigest())]
    assert issued.secret.encode() not in path.read_bytes()


def test_tokens_are_distinct_and_each_finds_its_holder(tmp_path: Path) -> None:
    store = SqlTokenStore.from_url(f"sqlite:///{tmp_path / 'l.db'}")
    issued = [store.create(f"n{i}", ROLES[i % len(ROLES)]) for i in range(12)]
    assert len({t.secret for t in issued}) == 12
    for token in issued:
        found = store.lookup(token.secret)
        assert found is not None and (found.name, found.role) == (token.name, token.role)


@settings(max_examples=50, deadline=None)
@given(guess=st.text(max_size=60))
def test_no_other_string_is_a_token(guess: str) -> None:
    store = _shared_store()
    assert store.lookup(guess) is None


_STORE: list[SqlTokenStore] = []


def _shared_store() -> SqlTokenStore:
    if not _STORE:
        store = SqlTokenStore.from_url("sqlite://")
        store.create("x", "admin")
        _STORE.append(store)
    return _STORE[0]


def test_a_bad_role_or_name_is_refused_naming_the_field(tmp_path: Path) -> None:
    store = SqlTokenStore.from_url(f"sqlite:///{tmp_path / 'l.db'}")
    with pytest.raises(InputError) as caught:
        store.create("  ", "judge")
    assert [(p.location, p.code) for p in caught.value.problems] == [("role", "not_allowed"), ("name", "invalid_value")]


def test_token_commands_print_once_store_the_hash_and_revoke(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert main(["token", "create", "--role", "housing_center", "--name", "住保中心", "--db", url]) == 0
    out, err = capsys.readouterr()
    secret = out.strip()
    assert "只显示这一次" in err and secret not in err
    store = SqlTokenStore.from_url(url)
    found = store.lookup(secret)
    assert found is not None and found.role == "housing_center"
    assert main(["token", "revoke", "--name", "住保中心", "--db", url]) == 0
    assert store.lookup(secret) is None
    assert main(["token", "revoke", "--name", "住保中心", "--db", url]) == 2
    assert "no live token" in capsys.readouterr().err


def test_the_database_defaults_to_the_ledgers_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PROPERTYTRIAGE_DB", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.chdir(tmp_path)
    assert main(["token", "create", "--role", "admin", "--name", "root"]) == 0
    assert (tmp_path / "env.db").exists() and not (tmp_path / "propertytriage.db").exists()


def test_a_token_revoked_by_another_process_is_refused_once_its_memory_lapses(tmp_path: Path) -> None:
    import time

    from propertytriage.ledger import Ledger

    url = f"sqlite:///{tmp_path / 'l.db'}"
    serving = SqlTokenStore(Ledger(url), remember_seconds=0.2)
    issued = serving.create("调解员 丙", "mediation_center")
    assert serving.lookup(issued.secret) is not None
    assert serving.remembered(issued.secret) is not None
    assert SqlTokenStore.from_url(url).revoke("调解员 丙") == 1  # `token revoke`, another process
    time.sleep(0.3)
    assert serving.remembered(issued.secret) is None
    assert serving.lookup(issued.secret) is None
    assert serving.remembered("never issued") is None


@pytest.mark.parametrize("name", ["b\x1b[2J", "右\u202e左", "a\nb", "零\u200b宽", "\x00"])
def test_a_name_with_control_or_formatting_characters_is_refused(tmp_path: Path, name: str,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The name is echoed on terminals and pages and stored on every event: an escape sequence or a
    right-to-left override would rewrite what a clerk reads there."""
    from propertytriage.ledger import Ledger
    from propertytriage.web.pages.users import UserStore

    db = f"sqlite:///{tmp_path / 't.db'}"
    assert main(["token", "create", "--role", "court", "--name", name, "--db", db]) == 2
    out = capsys.readouterr()
    assert "U+" in out.err and name not in out.out + out.err
    with pytest.raises(InputError) as refused, Ledger(db) as ledger:
        UserStore(ledger.engine).create(name, "court", "a long enough password")
    assert refused.value.problems[0].location == "name"
