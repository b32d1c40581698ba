"""Fava for a Chinese accountant, on the demo: the workspace sets Fava's Chinese language and
locale, the 科目 page names every account in Chinese and agrees with the 资产 page and the
books, an over-budget project is drawn as over budget, and the public village view shows the
village's code (a place, not personal data)."""

import re
from decimal import Decimal

import pytest
import test_fava_ext
from fava_pages import tables, yuan

fava, bql = test_fava_ext.fava, test_fava_ext.bql  # the Fava client and beanquery on the demo

YEAR = 2025


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_new_workspaces_set_fava_language_and_locale(demo, tmp_path):
    from fava.core import FavaLedger

    from fundtrail import workspace

    for main in (workspace.create(tmp_path / "new"), demo[0] / "main.beancount"):
        text = main.read_text("utf-8")
        assert 'custom "fava-option" "language" "zh"' in text
        assert 'custom "fava-option" "locale" "zh_CN"' in text
    ledger = FavaLedger(str(tmp_path / "new" / "main.beancount"))
    assert (ledger.fava_options.language, ledger.fava_options.locale) == ("zh", "zh_CN")
    assert not [e for e in ledger.errors if "fava-option" in str(e.message) or "locale" in str(e.message)]
    assert ledger.format_decimal(Decimal("1234567.5")) == "1,234,567.50"


def test_accounts_page_names_every_account_in_chinese(fava, demo_books):
    rows = tables(fava.page(f"FundtrailAccounts/?time={YEAR}"))[0]
    assert rows[0] == ["科目代码", "中文名称", f"{YEAR}年发生额", f"余额 ({YEAR}-12-31)"]
    named = {r[0]: r[1] for r in rows[1:]}
    assert all(name for name in named.values())  # every account and group has a Chinese name
    master = demo_books.master
    for code, village in master.villages.items():
        if f"Assets:Collective:{code}" in master.accounts:
            assert named[code].startswith(village.name), code  # the tree shows the leaf code
    assert named["Collective"] == "村集体资产收益" and named["Central"] == "中央"


def test_accounts_page_search_and_figures_equal_the_books_and_the_assets_page(fava, bql, demo_books):
    village = next(code for code, v in demo_books.master.villages.items() if v.name == "运河东村")
    rows = tables(fava.page(f"FundtrailAccounts/?time={YEAR}&text=运河东村"))[0][1:]
    assert f"Assets:Collective:{village}" in [r[0] for r in rows]
    assert all("运河东村" in r[1] for r in rows)
    end = dict(bql(f"SELECT account, sum(number) WHERE date <= {YEAR}-12-31 GROUP BY account"))
    moved = dict(bql(f"SELECT account, sum(number) WHERE year = {YEAR} GROUP BY account"))
    for account, _name, change, balance in rows:
        assert _amount(balance) == end.get(account, 0), account
        assert _amount(change) == moved.get(account, 0), account
    tree = {r[0]: r for r in tables(fava.page(f"FundtrailAccounts/?time={YEAR}"))[0][1:]}
    assets_page = fava.page(f"FundtrailAssets/?time={YEAR}")
    held = re.search(r"村集体年末留存 \(2025-12-31\)</span><b>([\d,.]+)</b>", assets_page).group(1)
    assert tree["Collective"][3] == held  # one figure, the same on both pages


def test_over_budget_project_is_drawn_over_budget(fava, demo_books):
    html = fava.page(f"FundtrailProjects/?time={YEAR}")
    rows = {r[0]: r for r in tables(html)[0][1:]}
    over = [code for code, p in demo_books.master.projects.items()
            if p.budget and _amount(rows[code][5]) > p.budget]
    assert over  # the demo's planted overspend
    for code in over:
        assert "超预算" in rows[code][7], code
        row = re.search(rf">{re.escape(code)}</a>.*?</tr>", html, re.S).group(0)
        assert 'class="ft-bar over"' in row
    within = [code for code in rows if code not in over]
    assert all("超预算" not in rows[code][7] for code in within)
    assert html.count('class="ft-bar over"') == len(over)


@pytest.mark.parametrize(("environ", "query"), [
    ({}, "&public=1"), ({"REMOTE_ADDR": "10.1.2.3"}, ""), ({"fundtrail.role": "village"}, "")])
def test_public_village_view_shows_the_village_code(fava, demo_books, environ, query):
    code = next(code for code, v in demo_books.master.villages.items() if v.name == "运河东村")
    html = fava.page(f"FundtrailVillages/?time={YEAR}&village={code}{query}", environ_overrides=environ)
    assert "已按公示规则脱敏" in html
    heading = re.search(r"<h3>(.*?)</h3>", html, re.S).group(1)
    assert "运河东村" in heading and code in heading
    assert yuan(Decimal(0)) in html


def test_fava_pages_get_the_chinese_names_from_the_extension(fava, demo_books):
    """Fundtrail.js (loaded by Fava on every page) and the names it shows."""
    module = fava.client.get(f"/{fava.slug}/extension_js_module/Fundtrail.js")
    assert module.status_code == 200 and "export default" in module.get_data(as_text=True)
    assert "innerHTML" not in module.get_data(as_text=True)  # text and attributes only
    labels = fava.get("Fundtrail/labels").get_json()
    master = demo_books.master
    for account, entry in master.accounts.items():
        assert labels["accounts"][account] == entry.meta["name"], account
    assert labels["accounts"]["Assets:Collective"] == "村集体资产收益"
    assert labels["accounts"]["Income:Fund:Central"] == "中央"
    assert {code: labels["codes"][code] for code in master.projects} == \
        {code: p.name for code, p in master.projects.items()}
    assert labels["codes"]["370405001203"] == "运河东村"
    assert labels["customs"]["notice"] == "项目公示" and labels["values"]["completion"] == "竣工后公示"


def _cards(html: str) -> dict[str, str]:
    return {" ".join(label.split()): value for label, value in
            re.findall(r'<div class="ft-card[^"]*"><span>(.*?)</span><b>(.*?)</b>', html, re.S)}


@pytest.mark.parametrize("year", [2024, 2025])
def test_overview_states_each_figure_once(fava, year):
    """The cards, the levels' total row, the sum of the levels and of the indicator documents
    are one figure each."""
    html = fava.page(f"Fundtrail/?time={year}")
    cards = _cards(html)
    levels, documents = tables(html)[:2]
    total = levels[-1]
    assert total[0] == "合计"
    card = [cards[f"{year}年 资金到位"], cards["分解下达"], cards["已支出"], cards["年末结余 (沉淀)"]]
    assert total[1:5] == card
    for column in range(1, 5):
        assert sum(_amount(r[column]) for r in levels[1:-1]) == _amount(total[column])
        assert sum(_amount(r[column]) for r in documents[1:]) == _amount(total[column])
    progress = cards[f"支出进度 / 序时进度 ({year}-12-31)"].split(" / ")[0]
    assert total[5].endswith(progress)


def test_villages_page_town_rows_are_their_villages_sums(fava):
    rows = tables(fava.page(f"FundtrailVillages/?time={YEAR}"))[-1][1:]
    towns = 0
    town, members = None, []

    def check():
        for column in range(1, 7):
            assert sum(_amount(r[column]) for r in members) == _amount(town[column]), (town[0], column)

    for row in rows + [None]:
        if row is None or not row[0].endswith("村"):
            if town:
                check()
                towns += 1
            town, members = row, []
        else:
            members.append(row)
    assert towns == 6
