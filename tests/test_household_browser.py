"""The 农户 page in a real headless Chromium (`fundtrail serve` on the demo): the households of a
village with their totals, one household's lines and its card, and the public preview masked.
Screenshots go to $FUNDTRAIL_SCREENSHOTS or to the test's temporary folder."""

import os
import re
from pathlib import Path

import test_browser

chromium, served = test_browser.chromium, test_browser.served  # fixtures


def test_the_households_page_in_chromium(chromium, served, tmp_path):
    from playwright import sync_api  # in the test extra
    base, _ = served
    shots = Path(os.environ.get("FUNDTRAIL_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=test_browser.CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "/")
        page.click("aside >> text=资金总览")
        page.wait_for_selector("nav.ft-tabs[data-page=Fundtrail]")
        page.click("nav.ft-tabs >> text=农户")
        page.wait_for_selector("nav.ft-tabs[data-page=FundtrailHouseholds]")
        page.click("nav.ft-tabs >> text=2025")
        page.wait_for_selector("text=2025年到户帮扶资金")
        page.click(".ft-chips >> text=运河东村")
        page.wait_for_selector("table.ft >> text=HH00049")
        listing = page.inner_text("article")
        assert "内部视图" in listing and re.search(r"\b370405\d{12}\b", listing)
        page.click("table.ft >> text=HH00049")
        page.wait_for_selector("text=下载2025年明白卡")
        detail = page.inner_text("article")
        assert "YKT-FP202507-001203-001" in detail and "12,214.20" in detail
        page.screenshot(path=str(shots / "households.png"), full_page=True)
        page.click("text=返回本村农户")
        page.wait_for_selector("text=预览公示版")
        page.click("text=预览公示版")
        page.wait_for_selector("text=已按公示规则脱敏")
        public = page.inner_text("article")
        assert re.search(r"370405\*{12}", public) and not re.search(r"\b370405\d{12}\b", public)
        assert "下载" not in public
        page.screenshot(path=str(shots / "households-public.png"))
        browser.close()
    assert not errors, errors
