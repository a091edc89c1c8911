"""Sessions, CSRF, cookie flags, login throttling and size limits on the pages, through the ASGI app."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, update

from propertytriage.engine import Triage
from propertytriage.ledger import Ledger
from propertytriage.ledger.schema import EVENTS
from propertytriage.web.pages.sessions import COOKIE, Session, Signer
from propertytriage.web.pages.users import FREE_FAILURES, UserStore, login_failures, users, verify_password
from tests.web.pages.conftest import PASSWORD, csrf_of, login, make_app, user_name

_MEMORY = Ledger("sqlite://")  # an in-memory ledger with the access tables, for the property below


def _filing(token: str, case_id: str = "WEB-1") -> dict[str, str]:
    return {"csrf_token": token, "case_id": case_id, "filed_on": "2026-03-01", "province": "内蒙古自治区",
            "dispute_type": "fee_arrears", "claimant": "owner", "claim_amount": "1200",
            "has_owners_committee": "on", "property_company.name": "某某物业服务有限公司"}


def _case_count(ledger: Ledger) -> int:
    with ledger.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(EVENTS)) or 0)


def test_login_sets_an_httponly_samesite_cookie_not_secure_over_http(client: TestClient) -> None:
    answer = login(client, "court")
    assert answer.status_code == 303 and answer.headers["location"] == "/cases"
    cookie = answer.headers["set-cookie"].lower()
    assert cookie.startswith(COOKIE + "=") and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie.replace("samesite", "")


def test_cookie_is_secure_over_https_and_when_configured(ledger: Ledger, engine: Triage, db_url: str) -> None:
    with TestClient(make_app(ledger, engine, db_url), base_url="https://testserver", follow_redirects=False) as c:
        assert "; secure" in login(c, "court").headers["set-cookie"].lower()
    with TestClient(make_app(ledger, engine, db_url, secure_cookies=True), follow_redirects=False) as c:
        assert "; secure" in login(c, "court").headers["set-cookie"].lower()


def test_post_without_or_with_a_foreign_csrf_token_is_refused_and_records_nothing(
        client: TestClient, ledger: Ledger, app: object) -> None:
    login(client, "mediation_center")
    before = _case_count(ledger)
    assert client.post("/cases/new", data={k: v for k, v in _filing("").items() if k != "csrf_token"}).status_code == 403
    with TestClient(app, follow_redirects=False) as other:  # type: ignore[arg-type]
        login(other, "mediation_center")
        foreign = csrf_of(other.get("/cases/new").text)
    refused = client.post("/cases/new", data=_filing(foreign))
    assert refused.status_code == 403 and "跨站" in refused.text
    assert _case_count(ledger) == before
    token = csrf_of(client.get("/cases/new").text)
    assert client.post("/cases/new", data=_filing(token)).status_code == 303
    assert _case_count(ledger) > before


def test_login_without_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    answer = client.post("/login", data={"name": user_name("court"), "password": PASSWORD})
    assert answer.status_code == 403 and COOKIE + "=" not in answer.headers.get("set-cookie", "")


def test_login_issues_a_new_nonce_so_the_old_csrf_token_dies(client: TestClient) -> None:
    before = csrf_of(client.get("/login").text)
    login(client, "court")
    after = csrf_of(client.get("/cases").text)
    assert before != after


def test_a_tampered_cookie_is_no_session(client: TestClient) -> None:
    login(client, "court")
    value = client.cookies[COOKIE]
    body, mac = value.rsplit(".", 1)
    client.cookies.set(COOKIE, body + "." + ("0" if mac[0] != "0" else "1") + mac[1:])
    assert client.get("/cases").status_code == 303


@given(name=st.text(min_size=1, max_size=30), role=st.sampled_from(["court", "admin"]),
       nonce=st.text(min_size=1, max_size=30))
@settings(max_examples=50, deadline=None)
def test_signed_sessions_round_trip_and_another_secret_cannot_read_them(name: str, role: str, nonce: str) -> None:
    signer = Signer(b"k" * 32)
    session = Session(nonce=nonce, name=name, role=role, fingerprint="f", issued=2_000_000_000)
    assert signer.loads(signer.dumps(session), now=2_000_000_001) == session
    assert Signer(b"j" * 32).loads(signer.dumps(session)) is None
    assert signer.loads(signer.dumps(session), now=2_000_000_000 + signer.lifetime + 1).name is None  # expired


def test_disabling_a_user_ends_its_session(client: TestClient, ledger: Ledger) -> None:
    login(client, "community")
    assert client.get("/cases").status_code == 200
    UserStore(ledger.engine).disable(user_name("community"))
    answer = client.get("/cases")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_failed_logins_are_slowed_per_name_across_instances(
        client: TestClient, ledger: Ledger, engine: Triage, db_url: str) -> None:
    for _ in range(FREE_FAILURES):
        assert login(client, "court", password="wrong password").status_code == 401
    assert login(client, "court", password="wrong password").status_code == 401  # the first one counted to wait
    name = user_name("court")
    with ledger.engine.connect() as connection:  # every failed login through the page was counted for the name
        counted = connection.scalar(select(func.count()).select_from(login_failures)
                                    .where(login_failures.c.name == name))
    assert counted == FREE_FAILURES + 1
    # five more failures make the wait 64 s: a wait of 2 s could pass on a loaded machine before the next
    # request arrives, and the right password would then (rightly) be accepted
    store = UserStore(ledger.engine)
    for _ in range(5):
        store.record_failure(name, "elsewhere")
    slowed = login(client, "court")  # the right password, but too soon
    assert slowed.status_code == 429 and "秒后再试" in slowed.text
    with TestClient(make_app(ledger, engine, db_url), follow_redirects=False) as second:  # another instance
        assert login(second, "court").status_code == 429
    with ledger.engine.begin() as connection:  # time passes
        connection.execute(update(login_failures).values(at=datetime.now(UTC) - timedelta(minutes=20)))
    assert login(client, "court").status_code == 303


def test_failed_logins_are_slowed_per_client_whatever_the_name(client: TestClient, ledger: Ledger) -> None:
    store = UserStore(ledger.engine)
    for i in range(FREE_FAILURES + 1):
        store.record_failure(f"guess-{i}", "testclient")
    assert login(client, "admin").status_code == 429


@given(failures=st.integers(min_value=0, max_value=40))
@settings(max_examples=25, deadline=None)
def test_the_wait_grows_with_the_failures_and_is_bounded(failures: int) -> None:
    store = UserStore(_MEMORY.engine)
    with _MEMORY.engine.begin() as connection:
        connection.execute(delete(login_failures))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    waits = []
    for _ in range(failures):
        store.record_failure("n", "c", now=now)
        waits.append(store.wait_before_login("n", "other", now=now))
    assert waits == sorted(waits)
    assert all(w <= timedelta(minutes=5) for w in waits)
    assert all(w == timedelta(0) for w in waits[:FREE_FAILURES])
    if failures > FREE_FAILURES:
        assert waits[-1] > timedelta(0)


def test_a_form_over_the_limit_is_refused(client: TestClient) -> None:
    login(client, "mediation_center")
    token = csrf_of(client.get("/cases/new").text)
    answer = client.post("/cases/new", data={**_filing(token), "facts": "字" * 200_000})
    assert answer.status_code == 413


def test_next_never_leads_off_site(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    for target in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        answer = client.post("/login", data={"csrf_token": token, "name": user_name("court"), "password": PASSWORD,
                                             "next": target})
        assert answer.headers["location"] == "/cases"
        client.cookies.clear()
        token = csrf_of(client.get("/login").text)


def test_user_command_stores_a_hash_never_the_password(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'users.db'}"
    command = [sys.executable, "-m", "propertytriage.cli.main", "user", "create", "--name", "王某",
               "--role", "community", "--password-stdin", "--db", db]
    done = subprocess.run(command, input="my secret words\n", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "my secret words" not in done.stdout + done.stderr
    raw = (tmp_path / "users.db").read_bytes()
    assert b"my secret words" not in raw
    with Ledger(db) as opened, opened.engine.connect() as connection:
        stored = connection.execute(select(users.c.password_hash, users.c.role)).one()
    assert stored.role == "community" and verify_password("my secret words", stored.password_hash)
    short = subprocess.run([*command[:6], "李某", *command[7:]], input="short\n", capture_output=True, text=True)
    assert short.returncode == 2 and "密码" in short.stderr

    disable = [sys.executable, "-m", "propertytriage.cli.main", "user", "disable", "--name", "王某", "--db", db]
    assert subprocess.run(disable, capture_output=True).returncode == 0
    assert subprocess.run(disable, capture_output=True).returncode == 2


def test_user_command_without_a_terminal_asks_for_password_stdin(tmp_path: Path) -> None:
    """Run from a script with no terminal, the prompt cannot hide what is typed: refuse and say how."""
    db = f"sqlite:///{tmp_path / 'users.db'}"
    done = subprocess.run([sys.executable, "-m", "propertytriage.cli.main", "user", "create", "--name", "王某",
                           "--role", "court", "--db", db],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, start_new_session=True)
    assert done.returncode == 2, done.stderr
    assert "--password-stdin" in done.stderr and "Traceback" not in done.stderr and "internal" not in done.stderr
