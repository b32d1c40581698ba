"""The 资产 page and the 村 page's monitored households on the demo: figures equal beanquery,
the idle asset is flagged, household data is masked in the public view and one household's
history is internal only."""

import csv
import re
from decimal import Decimal

import pytest
import test_fava_ext
from fava_pages import tables, yuan

fava, bql = test_fava_ext.fava, test_fava_ext.bql  # the Fava client and beanquery on the demo

YEAR = 2025


def test_asset_page_figures_equal_beanquery(fava, bql, demo_books):
    html = fava.page(f"FundtrailAssets/?time={YEAR}")
    villages, assets, found = tables(html)[:3]
    assert villages[0] == ["行政村", "资产价值", "年初留存", "本年收益", "分红到户", "公益岗位工资",
                           "村级公益事业", "年末留存"]
    income = dict(bql("SELECT str(open_meta(account, 'village')), neg(sum(number)) WHERE account ~ "
                      "'^Income:Asset:' AND year = 2025 GROUP BY 1"))
    held = dict(bql("SELECT leaf(account), sum(number) WHERE account ~ '^Assets:Collective:' "
                    "AND date <= 2025-12-31 GROUP BY 1"))
    names = {v.name: code for code, v in demo_books.master.villages.items()}
    rows = {names[r[0]]: r for r in villages[1:-1]}
    assert villages[-1][0] == "合计"
    assert set(rows) >= set(income) and len(income) >= 15
    for code, amount in income.items():
        assert rows[code][3] == yuan(amount) and rows[code][7] == yuan(held[code]), code
    assert len(assets) - 1 == len(demo_books.master.assets)
    idle = [r for r in assets[1:] if "经营性资产闲置" in r[-1]]
    assert len(idle) == 1 and idle[0][0].startswith("ZC2024-011")
    assert {r[1] for r in found[1:]} >= {"经营性资产闲置", "资产处置未经审批", "红色风险户未及时帮扶"}


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("元", "").strip())


def _cards(html: str) -> dict[str, str]:
    return {" ".join(label.split()): value for label, value in
            re.findall(r'<div class="ft-card[^"]*"><span>(.*?)</span><b>(.*?)</b>', html, re.S)}


@pytest.mark.parametrize("year", [2024, 2025])
def test_asset_page_states_each_figure_once_and_it_adds_up(fava, bql, year):
    """The cards, the villages' total row and every village row reconcile: held at the start +
    income - distributed = held at the end, which is the collectives' balance in the books;
    the start is the previous year's end."""
    html = fava.page(f"FundtrailAssets/?time={year}")
    cards = _cards(html)
    opening, income = _amount(cards["村集体年初留存"]), _amount(cards[f"{year}年资产收益"])
    paid, held = _amount(cards[f"{year}年已分配"]), _amount(cards[f"村集体年末留存 ({year}-12-31)"])
    assert income and opening + income - paid == held
    ((balance,),) = bql("SELECT sum(number) WHERE account ~ '^Assets:Collective:' "
                        f"AND date <= {year}-12-31")
    assert held == balance
    before = bql("SELECT sum(number) WHERE account ~ '^Assets:Collective:' "
                 f"AND date < {year}-01-01")
    assert opening == (before[0][0] if before else 0)
    villages = tables(html)[0]
    total = villages[-1]
    assert total[0] == "合计"
    assert [_amount(c) for c in total[2:]] == [opening, income, *map(_amount, total[4:7]), held]
    assert sum(map(_amount, total[4:7])) == paid
    for row in villages[1:-1]:
        start, got, *purposes, end = map(_amount, row[2:])
        assert start + got - sum(purposes) == end, row[0]
    for column in range(1, 8):
        assert sum(_amount(r[column]) for r in villages[1:-1]) == _amount(total[column]), villages[0][column]
    assert "年初留存 + 本年收益 − 本年已分配" in html


def test_asset_page_for_one_village(fava, demo_books):
    code = demo_books.master.assets["ZC2024-008"].village
    assets = tables(fava.page(f"FundtrailAssets/?time={YEAR}&village={code}"))[1]
    assert [r[0] for r in assets[1:]] == ["ZC2024-008 泥河前村来料加工扶贫车间"]


def _red_household(demo):
    with open(demo[0] / "registers" / "households.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return next(r for r in rows if r["风险等级"] == "红" and r["户类型"].startswith("监测户")
                and r["识别日期"].startswith("2025") and not r["风险消除日期"])


def _village_code(demo_books, name):
    return next(code for code, v in demo_books.master.villages.items() if v.name == name)


@pytest.mark.parametrize(("environ", "query", "masked"), [
    ({}, "", False), ({"REMOTE_ADDR": "10.1.2.3"}, "", True), ({}, "&public=1", True)])
def test_monitored_households_masked_in_public_and_history_internal(fava, demo, demo_books, environ,
                                                                    query, masked):
    red = _red_household(demo)
    village = _village_code(demo_books, red["行政村"])
    html = fava.page(f"FundtrailVillages/?time={YEAR}&village={village}&household={red['户编号']}{query}",
                     environ_overrides=environ)
    monitored = next(t for t in tables(html) if t[0][:3] == ["户编号", "户主", "身份证号"])
    row = next(r for r in monitored[1:] if r[0] == red["户编号"])
    assert row[4].startswith("红") and row[5] == red["识别日期"]
    assert (red["身份证号"] in html) == (not masked)
    if masked:
        assert all(re.fullmatch(r"\d{6}\*{12}", r[2]) for r in monitored[1:])
    history = [t for t in tables(html) if t[0] == ["日期", "类别", "摘要", "金额"]]
    assert bool(history) == (not masked)
    if history:
        assert len(history[0]) > 1 and all(r[0] >= "2023" for r in history[0][1:])
