"""The county disclosure on the demo: assets sold or scrapped are out of the totals (listed
apart), a project's status is the overdue-project rule's judgement at the year's end (so the
disclosure and the audit report agree), and fund levels run 中央 → 省 → 市 → 县 → 其他."""

import bisect

import pytest
from reportkit import flat, pdf_text

from fundtrail.accounts import level_rank
from fundtrail.flows import date_of
from fundtrail.plugins import checks
from fundtrail.reports import county
from fundtrail.reports.facts import Period, project_standing

OVERDUE = ("逾期未完工", "已验收未结算")


def test_sold_and_scrapped_assets_are_not_counted(demo_books):
    master = demo_books.master
    context = county.disclosure_context(demo_books, 2025)
    disposed = {d["asset"].id for d in context["disposed"]}
    assert disposed and {"出售", "报废"} <= {d["disposal"].kind for d in context["disposed"]}
    counted = [a for c in context["asset_classes"] for v in c["villages"] for a in v["assets"]]
    assert not disposed & {a.id for a in counted}
    in_service = [a for a in master.assets.values() if a.registered.year <= 2025 and a.id not in disposed]
    assert sum(c["count"] for c in context["asset_classes"]) == len(in_service) == len(counted)
    operating = next(c for c in context["asset_classes"] if c["cls"] == "经营性")
    assert operating["value"] == sum(a.value for a in in_service if a.cls == "经营性")
    text = flat(pdf_text(county.disclosure_pdf(demo_books, 2025)))
    assert f"经营性{operating['count']}项{operating['value']:,.2f}元" in text
    assert "以下项目资产已按程序处置，不再计入上述资产" in text
    # before the disposals (2024) the same assets are still in service
    assert disposed <= {a.id for c in county.disclosure_context(demo_books, 2024)["asset_classes"]
                        for v in c["villages"] for a in v["assets"]} | {
        a.id for a in master.assets.values() if a.registered.year == 2025}


@pytest.mark.parametrize("year", [2024, 2025])
def test_a_project_is_overdue_in_the_disclosure_when_the_audit_calls_it_overdue(demo_books, year):
    period = Period.parse(str(year))
    entries = demo_books.index.entries
    entries = entries[:bisect.bisect_right(entries, period.end, key=date_of)]
    settings = checks.parse_settings(checks.plugin_config(demo_books.options))
    found, _ = checks.review(entries, {**settings, "as_of": period.end})
    overdue = {link for f in found if f.rule == "overdue-project" for link in f.links
               if link in demo_books.master.projects}
    rows = county.disclosure_context(demo_books, year)["projects"]
    assert any(r["status"] in OVERDUE for r in rows)
    for row in rows:
        assert (row["status"] in OVERDUE) == (row["p"].code in overdue), (row["p"].code, row["status"])
    for code in overdue:  # one status function: every report that shows the project says so
        assert project_standing(demo_books, code, period.end).label in OVERDUE


def test_fund_levels_in_order_central_to_county_then_others(demo_books):
    context = county.disclosure_context(demo_books, 2024)
    levels = [row["level"] for row in context["levels"]]
    assert levels[:4] == ["中央", "省级", "市级", "县级"] and len(levels) > 4
    ranks = [level_rank(row["fund"].level) for row in context["funds"]]
    assert ranks == sorted(ranks)
    text = pdf_text(county.disclosure_pdf(demo_books, 2024), layout=True)
    table = text[text.index("一、资金来源"):text.index("二、资金指标文件")]
    positions = [table.index(f"\n {level}") if f"\n {level}" in table else table.index(level)
                 for level in levels]
    assert positions == sorted(positions)
