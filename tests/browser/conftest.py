"""A real ``propertytriage serve`` on a free port over a temporary ledger, and Debian's headless chromium.

Both are started and stopped by the fixtures. The tests skip (with the reason) only when chromium or
its driver is not installed or cannot start; ``scripts/setup.sh --test`` installs both.

Chromium runs in Chinese as a clerk's browser does: on Linux it takes its language from ``LANGUAGE``
(``--lang`` is not read there; ``LANG`` is C.UTF-8, a locale every Debian has, so that file names keep
their UTF-8) and needs Debian's ``chromium-l10n`` for any locale but en-US; without both, a date field
shows MM/DD/YYYY instead of 年/月/日.

Every page a test visits is photographed (:func:`shot`) into ``PROPERTYTRIAGE_SCREENSHOTS`` or else a
temporary folder that pytest keeps, so a failing run leaves its pictures to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
PASSWORD = "pw-for-the-browser-tests-" + os.urandom(4).hex()
USERS = {  # login name → role: one user per evaluator, the mediation center also files cases
    "调解中心 李四": "mediation_center",
    "住建服务中心 王五": "housing_center",
    "业委会 赵六": "owners_committee",
    "社区 孙七": "community",
}


def _command() -> list[str]:
    script = Path(sys.executable).with_name("propertytriage")
    return [str(script)] if script.exists() else [sys.executable, "-m", "propertytriage.cli.main"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    url: str
    db: str
    log: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve")
    db = f"sqlite:///{folder / 'ledger.db'}"
    env = {**os.environ, "PROPERTYTRIAGE_SESSION_SECRET": os.urandom(24).hex()}
    for name, role in USERS.items():
        subprocess.run([*_command(), "user", "create", "--name", name, "--role", role, "--password-stdin",
                        "--db", db], input=PASSWORD + "\n", text=True, check=True, env=env, capture_output=True)
    port = _free_port()
    log = folder / "serve.log"
    with open(log, "w") as handle:
        process = subprocess.Popen([*_command(), "serve", "--port", str(port), "--db", db], stdout=handle,
                                   stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield Server(url, db, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


CHINESE = {"LANG": "C.UTF-8", "LANGUAGE": "zh_CN:zh"}  # UTF-8 for file names; zh_CN for the page


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("PROPERTYTRIAGE_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def shot(driver: object, folder: Path, name: str) -> Path:
    """The whole page (the window stretched to its height, up to 6000 pixels) as ``folder/name.png``."""
    height = driver.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    driver.set_window_size(1280, max(800, min(int(height), 6000)))  # type: ignore[attr-defined]
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    driver.set_window_size(1280, 1000)  # type: ignore[attr-defined]
    return path


@pytest.fixture(scope="module")
def browser(downloads: Path, screenshots: Path) -> Iterator[object]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.common.exceptions import WebDriverException

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed (scripts/setup.sh --test)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--lang=zh-CN"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "plugins.always_open_pdf_externally": True,
                                              "intl.accept_languages": "zh-CN,zh"})
    try:
        service = webdriver.ChromeService(executable_path=CHROMEDRIVER, env={
            **{k: v for k, v in os.environ.items() if not k.startswith("LC_")}, **CHINESE})
        driver = webdriver.Chrome(options=options, service=service)
    except WebDriverException as error:
        pytest.skip(f"headless chromium cannot start here: {error.msg}")
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        locale = driver.execute_script("return Intl.DateTimeFormat().resolvedOptions().locale")
        assert locale == "zh-CN", (f"chromium runs in {locale}, not zh-CN: install Debian's chromium-l10n "
                                   "(scripts/setup.sh --test)")
        yield driver
    finally:
        driver.quit()
        print(f"\nscreenshots: {screenshots}")
