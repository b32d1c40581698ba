"""The fundtrail pages in Fava (fundtrail.fava_ext) on the demo: every figure equals beanquery's,
personal data is masked for outsiders, and a disposition posted from the findings desk is written
into the ledger through Fava."""

import collections
import datetime
import re
from decimal import Decimal

import pytest
from beancount import loader
from chinese_only import english
from conftest import copy_workspace
from fava_pages import FavaClient, tables, yuan

from fundtrail import accounts as acc
from fundtrail import loading
from fundtrail.plugins.checks import all_findings

YEAR = 2025
END = datetime.date(YEAR, 12, 31)


@pytest.fixture(scope="module")
def fava(demo):
    return FavaClient(demo[0] / "main.beancount")


@pytest.fixture(scope="module")
def bql(demo):
    """Run a beanquery query on the demo ledger: bql("SELECT ...") -> rows."""
    from beanquery import connect

    conn = connect("beancount:" + str(demo[0] / "main.beancount"))
    return lambda query: conn.execute(query).fetchall()


@pytest.fixture
def writable(demo, tmp_path):
    """A copy of the demo workspace that a test may write to."""
    root = tmp_path / "ws"
    copy_workspace(demo[0], root)
    return root


def sums(rows) -> dict:
    """{key: amount} from (key, amount) rows, keys as str (None -> "")."""
    return {str(k or ""): v for k, v in rows}


def test_the_extension_is_enabled_in_every_new_workspace(demo, tmp_path):
    from fundtrail import workspace

    main = workspace.create(tmp_path / "empty")
    for ledger in (demo[0] / "main.beancount", main):
        assert 'custom "fava-extension" "fundtrail.fava_ext"' in ledger.read_text("utf-8")
    fava = FavaClient(main)  # an empty workspace: every page answers, nothing to show yet
    assert "账簿中还没有交易" in fava.page("Fundtrail/")
    for page in ("FundtrailProjects/", "FundtrailVillages/", "FundtrailFindings/"):
        assert tables(fava.page(page)) in ([], [[["日期", "严重程度", "疑点类型", "金额", "说明", "状态", "分录"],
                                                ["没有符合条件的疑点。"]]])


def test_overview_figures_per_level_equal_beanquery(fava, bql, demo_books):
    html = fava.page(f"Fundtrail/?time={YEAR}")
    level_of = {code: f.level for code, f in demo_books.master.funds.items()}
    component = acc.LEVEL_BY_COMPONENT
    expected = collections.defaultdict(lambda: collections.defaultdict(Decimal))
    for account, amount in bql("SELECT account, neg(sum(number)) WHERE account ~ '^Income:Fund:' "
                               f"AND year = {YEAR} GROUP BY account"):
        expected[component[account.split(":")[2]]]["received"] += amount
    for fund, amount in bql("SELECT leaf(account), sum(number) WHERE account ~ '^Equity:Allotment:Fund:' "
                            f"AND year = {YEAR} GROUP BY 1"):
        expected[level_of[fund]]["passed_down"] += amount
    for fund, amount in bql("SELECT str(meta('fund')), sum(number) WHERE account ~ '^Expenses:' "
                            f"AND meta('fund') IS NOT NULL AND year = {YEAR} GROUP BY 1"):
        expected[level_of[fund]]["spent"] += amount
    for account, amount in bql(f"SELECT account, neg(sum(number)) WHERE account ~ '^Income:Fund:' "
                               f"AND date <= {END} GROUP BY account"):
        expected[component[account.split(":")[2]]]["balance"] += amount
    for fund, amount in bql(f"SELECT str(meta('fund')), sum(number) WHERE account ~ '^Expenses:' "
                            f"AND meta('fund') IS NOT NULL AND date <= {END} GROUP BY 1"):
        expected[level_of[fund]]["balance"] -= amount
    levels = tables(html)[0]
    assert levels[0][:5] == ["资金级次", "到位", "分解下达", "支出", "年末结余"]
    shown = {row[0]: row[1:5] for row in levels[1:-1]}
    assert shown.keys() == {k for k, v in expected.items() if any(v.values())}
    for level, figures in expected.items():
        assert shown[level] == [yuan(figures[k]) for k in ("received", "passed_down", "spent", "balance")]
    # levels, and the documents by level, in the one order of every table (accounts.level_rank)
    assert list(shown) == sorted(shown, key=acc.level_rank) and len(shown) == len(acc.FUND_LEVELS)
    noted = [next(level for level in acc.FUND_LEVELS if f"{level} · " in row[0]) for row in tables(html)[1][1:]]
    assert len(noted) > len(shown) and noted == sorted(noted, key=acc.level_rank)
    total = {k: sum(f[k] for f in expected.values()) for k in ("received", "spent", "balance")}
    assert levels[-1][:5] == ["合计", yuan(total["received"]), yuan(sum(
        f["passed_down"] for f in expected.values())), yuan(total["spent"]), yuan(total["balance"])]
    cards = dict(re.findall(r"<span>([^<]+)</span><b>([^<]+)</b>", html))
    assert cards[f"{YEAR}年 资金到位"] == yuan(total["received"])
    assert cards["年末结余 (沉淀)"] == yuan(total["balance"])
    found = all_findings(demo_books.entries, demo_books.options)
    assert cards["未结疑点 (含核实中)"] == str(sum(f.status not in ("误报", "已整改") for f in found))


def test_overview_charts_are_charts_of_the_books(fava, bql):
    """The two charts over months are SVG with Chinese month names, each bar and point titled
    with its figure; the idle money is Fava's own chart of the fund accounts."""
    import json

    html = fava.page(f"Fundtrail/?time={YEAR}")
    block = re.search(r'<svelte-component type="charts"><script type="application/json">(.*?)</script>',
                      html, re.S).group(1)
    (idle,) = json.loads(block)
    assert idle["type"] == "hierarchy" and idle["label"] == "结余资金分布"
    spent = bql("SELECT month, sum(number) WHERE account ~ '^Expenses:' AND meta('fund') IS NOT NULL "
                f"AND year = {YEAR} GROUP BY month ORDER BY month")
    bars = re.findall(r"<title>(\d+)月 支出 ([\d,.]+) 元", html)
    assert [(int(m), Decimal(v.replace(",", ""))) for m, v in bars] == \
        [(m, dict(spent).get(m, Decimal(0))) for m in range(1, 13)]
    cumulative = re.findall(r"<title>(\d+)月末 累计支出 ([\d,.]+) 元", html)
    assert cumulative[-1] == ("12", yuan(sum(v for _, v in spent)))
    charts = re.findall(r'<svg class="ft-chart".*?</svg>', html, re.S)
    assert len(charts) == 2
    for chart in charts:
        labels = re.findall(r"<text[^>]*>([^<]*)</text>", chart)
        assert [f"{m}月" for m in range(1, 13)] == [t for t in labels if t.endswith("月")]
        assert not re.search(r"January|February|March|April|June|July|August|September|October"
                             r"|November|December", chart)
    idle_funds = [leaf for level in idle["data"]["children"] for leaf in level["children"]]
    assert all(f["account"].startswith("Income:Fund:") and f["balance"]["CNY"] > 0 for f in idle_funds)


def test_project_figures_equal_beanquery(fava, bql, demo_books):
    html = fava.page(f"FundtrailProjects/?time={YEAR}")
    allotted = sums(bql("SELECT leaf(account), neg(sum(number)) WHERE account ~ "
                        f"'^Equity:Allotment:Project:' AND date <= {END} GROUP BY 1"))
    paid = sums(bql(f"SELECT leaf(account), sum(number) WHERE account ~ '^Expenses:Project:' "
                    f"AND date <= {END} GROUP BY 1"))
    paid_in_year = sums(bql("SELECT leaf(account), sum(number) WHERE account ~ '^Expenses:Project:' "
                            f"AND year = {YEAR} GROUP BY 1"))
    rows = tables(html)[0][1:]
    assert {r[0] for r in rows} == set(demo_books.master.projects)  # all 57 on one page
    for row in rows:
        code = row[0]
        budget = demo_books.master.projects[code].budget
        assert row[3:7] == [yuan(budget), yuan(allotted.get(code, 0)), yuan(paid.get(code, 0)),
                            yuan(paid_in_year.get(code, 0))], code
        assert row[8] == yuan(allotted.get(code, 0) - paid.get(code, 0)), code


def test_an_entry_paying_two_projects_counts_each_its_own_share(writable):
    """Fava's journal filter keeps whole entries; the project figures take each posting."""
    main = writable / "main.beancount"
    rows = {r[0]: r for r in tables(FavaClient(main).page(f"FundtrailProjects/?time={YEAR}"))[0][1:]}
    with (writable / "transactions" / "manual.beancount").open("a", encoding="utf-8") as manual:
        manual.write(f"""
{YEAR}-06-30 * "青禾建设公司" "两个项目的合并付款" ^QH2024-001 ^QH2024-002
  Expenses:Project:QH2024-001      1000.00 CNY
    fund: "C2024-048"
  Expenses:Project:QH2024-002       234.56 CNY
    fund: "C2024-048"
  Assets:Bank:ICBC-2345           -1234.56 CNY
""")
    after = {r[0]: r for r in tables(FavaClient(main).page(f"FundtrailProjects/?time={YEAR}"))[0][1:]}
    for code, share in (("QH2024-001", Decimal("1000.00")), ("QH2024-002", Decimal("234.56"))):
        paid = Decimal(rows[code][5].replace(",", ""))
        assert after[code][5] == yuan(paid + share), code
    assert {c: r for c, r in after.items() if c not in ("QH2024-001", "QH2024-002")} == \
        {c: r for c, r in rows.items() if c not in ("QH2024-001", "QH2024-002")}


def test_project_links_open_the_journal_by_link(fava):
    html = fava.page(f"FundtrailProjects/?time={YEAR}&text=QH2024-002")
    rows = tables(html)[0][1:]
    assert [r[0] for r in rows] == ["QH2024-002"]
    assert "journal/?filter=%5EQH2024-002" in html


def test_project_filters(fava, demo_books):
    html = fava.page(f"FundtrailProjects/?time={YEAR}&status=overdue")
    rows = tables(html)[0][1:]
    assert rows and all(r[9] == "逾期未完工" for r in rows)
    town = next(iter(demo_books.master.towns))
    rows = tables(fava.page(f"FundtrailProjects/?time={YEAR}&town={town}"))[0][1:]
    assert {demo_books.master.projects[r[0]].town for r in rows} == {town}


def test_village_figures_equal_beanquery(fava, bql, demo_books):
    html = fava.page(f"FundtrailVillages/?time={YEAR}")
    village_of = "open_meta(subst('^Equity:Allotment:Project', 'Expenses:Project', account), 'village')"
    received = sums(bql(f"SELECT {village_of}, neg(sum(number)) WHERE account ~ "
                        f"'^Equity:Allotment:Project:' AND year = {YEAR} GROUP BY 1"))
    spent = sums(bql(f"SELECT open_meta(account, 'village'), sum(number) WHERE account ~ "
                     f"'^Expenses:Project:' AND year = {YEAR} GROUP BY 1"))
    subsidies = sums(bql("SELECT str(meta('village')), sum(number) WHERE account ~ '^Expenses:Project:' "
                         f"AND meta('beneficiary') IS NOT NULL AND year = {YEAR} GROUP BY 1"))
    rows = {r[0]: r for r in tables(html)[0][1:]}
    master = demo_books.master
    assert len(rows) == len(master.villages) + len(master.towns)
    for code, village in master.villages.items():
        row = rows[village.name]
        assert row[1:3] == [yuan(received.get(code, 0)), yuan(spent.get(code, 0))], village.name
        assert row[5] == yuan(subsidies.get(code, 0)), village.name


def _subsidy_village(demo_books):
    for txn in demo_books.transactions:
        for p in txn.postings:
            if (p.meta or {}).get("beneficiary") and p.account.startswith("Expenses:Project:") \
                    and txn.date.year == YEAR:  # a subsidy row, not an asset-income distribution
                return str(p.meta["village"]), str(p.meta["id_no"]), str(p.meta["card"])
    raise AssertionError("the demo pays household subsidies")


@pytest.mark.parametrize(("environ", "query", "masked"), [
    ({}, "", False),  # localhost without the login layer: internal
    ({"REMOTE_ADDR": "10.1.2.3"}, "", True),
    ({"REMOTE_ADDR": "10.1.2.3", "fundtrail.role": "auditor"}, "", False),
    ({"fundtrail.role": "village"}, "", True),
    ({}, "&public=1", True),
])
def test_household_subsidies_are_masked_unless_internal(fava, demo_books, environ, query, masked):
    village, id_no, card = _subsidy_village(demo_books)
    html = fava.page(f"FundtrailVillages/?time={YEAR}&village={village}{query}",
                     environ_overrides=environ)
    detail = tables(html)[1]
    assert detail[0][:4] == ["日期", "户主", "身份证号", "一卡通账号"]
    shown_ids = {row[2] for row in detail[1:]}
    assert (id_no in html, card in html) == (not masked, not masked)
    if masked:
        assert f"{id_no[:6]}{'*' * 12}" in shown_ids
        assert all(re.fullmatch(r"\d{6}\*{12}", i) for i in shown_ids)
        assert f"{'*' * (len(card) - 4)}{card[-4:]}" in html


def test_findings_desk_lists_every_finding(fava, demo, demo_books):
    found = all_findings(demo_books.entries, demo_books.options)
    html = fava.page("FundtrailFindings/")
    rows = tables(html)[0][1:]
    assert len(rows) == len(found) > 0
    for finding in found:
        assert finding.id in html
    assert f"共 {len(found)} 条" in html
    rule = found[0].rule
    rows = tables(fava.page(f"FundtrailFindings/?rule={rule}&status=open"))[0][1:]
    assert len(rows) == sum(1 for f in found if f.rule == rule and not f.status)


def _first_finding(main):
    entries, _errors, options = loader.load_file(str(main))
    return all_findings(entries, options)[0]


def _post(fava, **form):
    return fava.client.post(fava.url("Fundtrail/disposition"), data=form)


def test_posting_a_disposition_writes_the_directive_through_fava(writable):
    main = writable / "main.beancount"
    fava = FavaClient(main)
    finding = _first_finding(main)
    before = main.read_text("utf-8")
    response = _post(fava, id=finding.id, status="误报", reason='银行冲正, 已核对 "回单"')
    assert response.status_code == 303
    assert "FundtrailFindings" in response.headers["Location"]
    after = main.read_text("utf-8")
    assert after != before and after.startswith(before)
    today = datetime.date.today().isoformat()
    assert f'{today} custom "finding" "{finding.id}" "误报" "银行冲正, 已核对 ”回单”"' in after
    entries, errors, _ = loading.load(main)  # not the demo's pickle cache, copied along
    assert not [e for e in errors if type(e).__name__ != "Finding"]
    customs = [e for e in entries if getattr(e, "type", None) == "finding"]
    assert [v.value for v in customs[-1].values] == [finding.id, "误报", "银行冲正, 已核对 ”回单”"]
    page = fava.page(f"FundtrailFindings/?recorded={finding.id}")  # Fava reloads the ledger
    assert "已将疑点" in page and finding.id in page


def test_a_disposition_sets_the_findings_status_after_reload(writable):
    """The checks plugin reads `custom "finding"`: the desk shows the new status."""
    main = writable / "main.beancount"
    fava = FavaClient(main)
    finding = _first_finding(main)
    assert _post(fava, id=finding.id, status="已整改", reason="已退回").status_code == 303
    entries, _, options = loading.load(main)
    status = {f.id: (f.status, f.reason) for f in all_findings(entries, options)}
    assert status[finding.id] == ("已整改", "已退回")
    rows = tables(fava.page("FundtrailFindings/?status=已整改"))[0][1:]
    assert [finding.id in r[4] for r in rows] == [True]


@pytest.mark.parametrize(("form", "message"), [
    ({"status": "关闭", "reason": "x"}, "无效的处置状态 '关闭'，应为核实中、误报、已整改、分派、复核、溯源、整改之一"),
    ({"status": "误报", "reason": "  "}, "请填写处置理由"),
    ({"status": "误报", "reason": "x" * 501}, "处置理由过长：最多 500 字，现为 501 字"),
    ({"id": "F-0000000000", "status": "误报", "reason": "x"}, "未知的疑点编号 'F-0000000000'"),
    ({"status": "分派", "reason": " "}, "请填写责任人（角色或姓名）"),
    ({"status": "复核", "reason": "x", "due": "下月"}, "期限应为日期（如 2025-03-31），收到的是 '下月'"),
])
def test_a_bad_disposition_is_refused_and_the_ledger_unchanged(writable, form, message):
    main = writable / "main.beancount"
    fava = FavaClient(main)
    form.setdefault("id", _first_finding(main).id)
    before = main.read_text("utf-8")
    response = _post(fava, **form)
    assert response.status_code == 400 and response.get_data(as_text=True) == message
    assert main.read_text("utf-8") == before


def test_a_failure_to_summarise_keeps_fava_usable(demo, monkeypatch):
    import fundtrail.fava_ext as fava_ext

    def broken(entries, options):
        raise RuntimeError("a rule crashed")

    monkeypatch.setattr(fava_ext, "all_findings", broken)
    fava = FavaClient(demo[0] / "main.beancount")
    for page in ("Fundtrail/", "FundtrailProjects/", "FundtrailVillages/", "FundtrailFindings/",
                 "FundtrailAssets/", "FundtrailGate/"):
        html = fava.page(page)
        # the message is Chinese and says what to do; the detail follows, folded, for a maintainer
        shown = re.search(r'<div class="ft-flash ft-failure"><p>(.*?)</p>\s*<details><summary>(.*?)'
                          r'</summary><code class="ft-detail">(.*?)</code></details></div>', html, re.S)
        assert shown, page
        message, summary, detail = shown.groups()
        assert message.startswith("资金数据未能计算，fundtrail 各页暂无数据") and english(message) == []
        assert "fundtrail check 账簿文件" in message and "系统维护人员" in message
        assert "RuntimeError" not in message and "crashed" not in message
        assert summary == "技术信息（供系统维护人员）" and detail == "RuntimeError: a rule crashed"
        assert "账簿中还没有交易" not in html  # the books are not empty: they could not be summarised
    assert fava.client.get(f"/{fava.slug}/journal/").status_code == 200
    text = fava.get("Fundtrail/county_pdf?year=2025", status=503).get_data(as_text=True)
    first, _, rest = text.partition("\n\n")
    assert first.startswith("资金数据未能计算，暂不能生成报告。请在命令行运行 fundtrail check 账簿文件")
    assert english(first) == [] and rest == "技术信息：RuntimeError: a rule crashed"


def test_the_dashboard_is_built_once_per_load(demo, monkeypatch):
    from fundtrail.fava_ext import dashboard

    calls = []
    build = dashboard.Dashboard.build.__func__
    monkeypatch.setattr(dashboard.Dashboard, "build",
                        classmethod(lambda cls, *a, **k: calls.append(1) or build(cls, *a, **k)))
    fava = FavaClient(demo[0] / "main.beancount")
    for page in ("Fundtrail/", "FundtrailProjects/", "FundtrailVillages/", "FundtrailFindings/"):
        fava.page(page)
    assert len(calls) == 1


@pytest.mark.parametrize("query", ["village=370405101203&quarter=2025-3", "village=nowhere&quarter=2025Q3"])
def test_a_bad_download_request_is_refused(fava, query):
    response = fava.get(f"Fundtrail/village_notice?{query}", status=400)
    text = response.get_data(as_text=True)
    assert text in ("季度格式应为 2025Q3，收到的是 '2025-3'", "未知的行政村 'nowhere'"), text


# The downloads render through fundtrail.reports, in the background (tests/test_fava_jobs.py).
@pytest.mark.parametrize(("path", "magic", "mimetype"), [
    ("village_notice?village=370405101203&quarter=2025Q2", b"%PDF-", "application/pdf"),
    ("village_notice?village=370405101203&quarter=2025Q2&poster=1", b"%PDF-", "application/pdf"),
    (f"county_pdf?year={YEAR}", b"%PDF-", "application/pdf"),
    (f"audit_pdf?period={YEAR}", b"%PDF-", "application/pdf"),
    (f"xlsx?year={YEAR}", b"PK", "spreadsheetml"),
])
def test_report_downloads(fava, path, magic, mimetype):
    response = fava.download(f"Fundtrail/{path}")
    assert response.data.startswith(magic)
    assert mimetype in response.mimetype
    assert "attachment" in response.headers["Content-Disposition"]


def test_schedule_is_the_share_of_the_year_gone_by():
    from fundtrail.flows import time_progress as schedule  # the dashboard's 序时进度

    assert schedule(datetime.date(2025, 4, 30)) == Decimal(4) / 12  # 33.3 % at the end of April
    assert schedule(datetime.date(2025, 12, 31)) == 1
    assert schedule(datetime.date(2024, 2, 15)) == (1 + Decimal(15) / 29) / 12


def test_the_desk_names_each_finding_s_original_document_and_row(fava, demo_books):
    """Beside the ledger line, the desk cites the original document as the audit report does:
    a statement's row, a voucher's number."""
    from fundtrail.reports import evidence

    found = [f for f in all_findings(demo_books.entries, demo_books.options)
             if (getattr(f.entry, "meta", None) or {}).get("source")]
    assert found
    html = fava.page("FundtrailFindings/?page=1")
    cited = re.findall(r'<small class="ft-note">([^<]*)</small>', html)
    shown = [f for f in found if f.id in html]
    assert shown
    for f in shown:
        where = evidence.where(demo_books.master, f.entry)
        assert ("第" in where or "凭证号" in where) and where in cited, (f.id, where)
