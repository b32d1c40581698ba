"""End to end in a real headless Chromium: `fundtrail serve` on the demo, each fundtrail page,
and a disposition recorded from the findings desk. Screenshots go to $FUNDTRAIL_SCREENSHOTS
(`make screenshots` writes docs/screenshots/) or to the test's temporary folder."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def chromium() -> str:
    """The path of a Chromium to drive; the test skips (saying why) only where there is none."""
    for candidate in (os.environ.get("FUNDTRAIL_CHROMIUM"), "chromium", "chromium-browser",
                      "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    pytest.skip("没有可用的 Chromium No Chromium on this machine: apt-get install chromium "
                "(.ci/run installs it), or set FUNDTRAIL_CHROMIUM")


@pytest.fixture
def served(demo, tmp_path):
    """`fundtrail serve` on a copy of the demo, on a free loopback port: (base URL, ledger)."""
    root = tmp_path / "ws"
    shutil.copytree(demo[0], root, ignore=shutil.ignore_patterns("*.picklecache"))  # its cache names the demo's files
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "fundtrail.cli", "serve",
                               str(root / "main.beancount"), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("fundtrail serve did not start") from None
                time.sleep(0.2)
        yield base, root / "main.beancount"
    finally:
        server.terminate()
        server.wait(10)


def test_every_page_and_a_disposition_in_chromium(chromium, served, tmp_path):
    from playwright import sync_api  # in the test extra
    base, ledger = served
    shots = Path(os.environ.get("FUNDTRAIL_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "/")

        def open_tab(link: str, extension: str) -> None:  # Fava's router swaps the page in
            page.click(link)
            page.wait_for_selector(f"nav.ft-tabs[data-page={extension}]")

        open_tab("aside >> text=资金总览", "Fundtrail")  # Fava's sidebar
        page.wait_for_selector('svelte-component[type="charts"] svg')
        assert "资金到位" in page.inner_text("article")
        page.screenshot(path=str(shots / "overview.png"))

        open_tab("nav.ft-tabs >> text=项目", "FundtrailProjects")
        assert page.locator("table.ft tbody tr").count() >= 57
        page.screenshot(path=str(shots / "projects.png"))

        open_tab("nav.ft-tabs >> text=村", "FundtrailVillages")
        page.click("table.ft >> text=张山东村")
        page.wait_for_selector("text=村级公告下载")
        internal = page.inner_text("article")
        assert "内部视图" in internal and re.search(r"\b370405\d{12}\b", internal)
        page.click("text=预览公示版")  # what a village board may see: ID and card numbers masked
        page.wait_for_selector("text=已按公示规则脱敏")
        public = page.inner_text("article")
        assert re.search(r"370405\*{12}", public) and not re.search(r"\b370405\d{12}\b", public)
        page.screenshot(path=str(shots / "villages.png"))

        open_tab("nav.ft-tabs >> text=资产", "FundtrailAssets")
        assert "经营性资产" in page.inner_text("article") and "经营性资产闲置" in page.inner_text("article")
        page.screenshot(path=str(shots / "assets.png"))

        open_tab("nav.ft-tabs >> text=发现", "FundtrailFindings")
        row = page.locator("table.ft tr[id^='F-']").first
        finding_id = row.get_attribute("id")
        row.locator("summary").click()
        row.locator("select[name=status]").select_option("误报")
        row.locator("input[name=reason]").fill("银行冲正，已核对回单")
        page.screenshot(path=str(shots / "findings.png"))
        row.locator("button[type=submit]").click()
        page.wait_for_selector(".ft-flash")
        assert finding_id in page.inner_text(".ft-flash")
        page.screenshot(path=str(shots / "findings-recorded.png"))
        browser.close()
    assert f'custom "finding" "{finding_id}" "误报" "银行冲正，已核对回单"' in ledger.read_text("utf-8")
    assert not errors, errors
