"""Findings across periods: the audit report, the spreadsheet and the findings desk of a period list
one set (fundtrail.periods), a later report accounts for every finding of an earlier one, an id
names one fact; the report's figures agree with themselves; reconciliation says 未对账 where no
statement of the period's end was compared; downloads refuse a period without data."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from reportkit import flat, pdf_text

from fundtrail import catalogue
from fundtrail.findings import GONE, is_closed
from fundtrail.reports import audit, export, facts
from fundtrail.reports.facts import Period

PERIODS = ("2024Q3", "2024", "2025")
FAVA_TIME = {"2024Q3": "2024-Q3", "2024": "2024", "2025": "2025"}
IDS = re.compile(r"F-[0-9a-f]{10}")


@pytest.fixture(scope="module")
def reports(demo_books):
    return {p: pdf_text(audit.audit_pdf(demo_books, p), layout=True) for p in PERIODS}


@pytest.fixture(scope="module")
def sets(demo_books):
    return {p: facts.finding_set(demo_books, Period.parse(p)) for p in PERIODS}


@pytest.fixture(scope="module")
def fava(demo):
    from fava_pages import FavaClient

    return FavaClient(demo[0] / "main.beancount")


def desk_ids(fava, time: str) -> list[str]:
    ids, page = [], 1
    while True:
        html = fava.page(f"FundtrailFindings/?time={time}&page={page}")
        found = IDS.findall(html.split("<table", 1)[1].split("</table>", 1)[0])
        ids += list(dict.fromkeys(found))
        if f"page={page + 1}" not in html:
            return ids
        page += 1


def test_report_desk_and_spreadsheet_list_one_set_per_period(demo_books, reports, sets, fava):
    for period in PERIODS:
        listed = sets[period]
        assert len(listed.ids) == len(listed.all), period  # one row per finding
        assert set(IDS.findall(reports[period])) == listed.ids, period
        assert set(desk_ids(fava, FAVA_TIME[period])) == listed.ids, period
        for f in listed.current:
            assert f.date is None or Period.parse(period).start <= f.date <= Period.parse(period).end
        for f in listed.carried:  # every earlier finding open at the end, with its status
            assert f.date < Period.parse(period).start and not is_closed(f)
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(demo_books, 2024)))
    rows = list(book["疑点"].iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == sets["2024"].ids


def test_a_later_report_accounts_for_every_finding_of_an_earlier_one(sets, reports):
    q3, year, later = sets["2024Q3"], sets["2024"], sets["2025"]
    assert q3.ids <= year.ids  # the quarter's findings, carried into the year with their status
    gone = [f for f in year.all if f.status == GONE]
    assert gone and all("最后一次发现于" in f.reason for f in gone)
    still_open = {f.id for f in year.all if not is_closed(f)}
    assert still_open <= later.ids  # open at 2024's end: listed in 2025 with what became of it
    closed = [f for f in later.closed if f.id in still_open]
    assert closed and all(f.status == GONE for f in closed)
    for f in closed:
        assert f.id in reports["2025"] and "检查已不再发现" in flat(reports["2025"])



def test_the_false_alarm_table_counts_what_is_no_longer_found_apart(sets, fava):
    """A period's 已消除 findings (earlier ones the checks no longer find) are a column of their
    own in the 误报率 table, not 未结; the desk shows the same numbers."""
    from html import unescape

    from fundtrail.workflow import false_alarms

    listed = sets["2025"].all
    rows = false_alarms(listed)
    assert sum(r.gone for r in rows) == sum(f.status == GONE for f in listed) > 0
    for r in rows:
        mine = [f for f in listed if f.rule == r.rule and f.title == r.title]
        assert r.found == len(mine) == r.false_alarms + r.resolved + r.gone + r.open
        assert r.open == sum(not is_closed(f) for f in mine)
    page = unescape(fava.page("FundtrailFindings/?time=2025"))
    assert '<th class="num">已消除</th>' in page
    for r in rows:
        if r.gone:
            cells = "".join(f'<td class="num">{n}</td>' for n in (r.found, r.false_alarms, r.resolved,
                                                                   r.gone, r.open))
            assert f"{r.title}</a></td>{cells}" in page, r.title

def test_an_id_names_one_fact(sets, demo_books):
    from fundtrail.plugins.checks import all_findings

    seen: dict[str, tuple] = {}
    every = [f for s in sets.values() for f in s.all] + all_findings(demo_books.entries, demo_books.options)
    for f in every:
        if f.rule == "idle-funds":  # money that ages into the next band stays one finding
            key = (f.rule, tuple(kv for kv in f.facets if kv[0] != "band"), f.links)
        else:
            key = (f.rule, f.facets, f.variant)
        assert seen.setdefault(f.id, key) == key, f.id
    benford = {f.id: f for f in every if f.rule == "benford"}
    assert benford
    for f in benford.values():  # a population is a scope's payments of one year
        facets = dict(f.facets)
        assert facets["year"] == str(f.date.year) and f.message.startswith(f"{facets['year']}年")
    by_key = {(dict(f.facets)["scope"], dict(f.facets)["year"]): f.id for f in benford.values()}
    assert len(set(by_key.values())) == len(by_key)


def test_every_figure_printed_twice_is_printed_with_one_value(reports, sets):
    from report_numbers import disagreements, figures

    for period, text in reports.items():
        found = figures(text)
        assert len(found) >= 15, (period, found)
        assert not disagreements(text), (period, disagreements(text))
        assert found["本期疑点"][0] == str(len(sets[period].current))
    # the reader sees a contradiction as the script does
    broken = reports["2025"].replace("本期检查发现疑点", "本期检查发现疑点1", 1)
    assert "本期疑点" in disagreements(broken)


def test_conclusion_keeps_this_period_and_earlier_ones_apart(reports, sets):
    for period, text in reports.items():
        conclusion = flat(text).split("审计结论", 1)[1].split("三、疑点汇总", 1)[0]
        current_open = [f for f in sets[period].current if not is_closed(f)]
        worst = {f.severity for f in current_open}
        if "critical" not in worst:
            assert "本期衔接资金管理存在严重问题" not in conclusion, period
        for f in sets[period].carried:
            if f.severity == "critical":
                assert "以前期间的严重问题" in conclusion
    # accepted but not settled is not "overdue, unfinished"
    settled = [f for s in sets.values() for f in s.all if f.rule == "overdue-project" and f.variant == "payment"]
    assert settled and all(f.title == "项目已验收未结算" for f in settled)
    assert all("已验收" not in f.message for s in sets.values() for f in s.all
               if f.title == catalogue.title("overdue-project"))


def test_an_amount_is_counted_once_in_a_total(demo_books, sets):
    from fundtrail.periods import at_risk

    found = sets["2025"].current
    same = [f for f in found if f.amount == 834427 and "QH2025-006" in f.links]
    assert len(same) == 2  # overdue and behind schedule: one project's unspent money
    assert at_risk(same) == 834427
    assert at_risk(found) < sum(f.amount or 0 for f in found)
    context = audit.audit_context(demo_books, Period.parse("2025"))
    assert context["summary"]["at_risk"] == at_risk(found)


def test_stale_and_missing_statements_are_unreconciled_and_named(demo_books):
    context = audit.audit_context(demo_books, Period.parse("2025Q2"))
    rows = context["reconciliation"]
    stale = [r for r in rows if r["statement_date"] and r["statement_date"] < datetime.date(2025, 6, 27)]
    missing = [r for r in rows if r["statement_date"] is None]
    assert stale and missing
    conclusion = "".join(context["conclusion"])
    for r in stale + missing:
        assert r["status"] == "未对账" and r["difference"] is not None or r["statement"] is None
        assert f"{r['name'] or r['account']}{r['why']}" in conclusion
    assert all(r["status"] == "未对账" for r in stale + missing)
    assert any("对账单截至2024-12-31" in r["why"] for r in stale)
    compared = [r for r in rows if r["status"] != "未对账"]
    assert f"一致的{sum(r['status'] == '一致' for r in compared)}个" in conclusion
    assert f"未对账的{len(stale) + len(missing)}个" in conclusion


def test_export_of_a_year_lists_the_years_findings_in_chinese_with_dates(demo, tmp_path, sets):
    from click.testing import CliRunner

    from fundtrail.cli import main

    out = tmp_path / "2024.xlsx"
    result = CliRunner().invoke(main, ["export", "xlsx", str(demo[0] / "main.beancount"), "--year", "2024",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out)["疑点"].iter_rows(values_only=True))
    header, rows = rows[0], rows[1:]
    col = {name: n for n, name in enumerate(header)}
    assert "规则编号" not in col
    titles = {t for _, t in ((r, catalogue.rule(r).title) for r in catalogue.rules())}
    titles |= {v.get("title") for r in catalogue.rules().values() for v in r.variants.values()}
    open_earlier = {f.id for f in sets["2024"].carried}
    for r in rows:
        day = r[col["发生日期"]]
        assert isinstance(day, datetime.datetime), r
        assert day.year == 2024 or (day.year < 2024 and r[0] in open_earlier), r
        assert r[col["疑点类型"]] in titles and r[col["所属期间"]] in ("本期", "以前期间")
        assert "2025-" not in (r[col["疑点描述"]] or ""), r  # judged at 2024's end
    assert {r[0] for r in rows} == sets["2024"].ids


@pytest.mark.parametrize("path", ["county_pdf?year=2019", "audit_pdf?period=2019",
                                  "audit_pdf?period=2019Q2", "xlsx?year=2019",
                                  "village_notice?quarter=2019Q1&village={village}"])
def test_downloads_refuse_a_period_without_data_as_the_cli_does(fava, demo_books, path):
    village = sorted(demo_books.master.villages)[0]
    response = fava.get("Fundtrail/" + path.format(village=village), status=404)
    assert "账簿中没有 2019" in response.get_data(as_text=True)


def test_audit_download_takes_a_quarter(fava):
    response = fava.download("Fundtrail/audit_pdf?period=2024Q3")
    assert response.mimetype == "application/pdf"
    assert "第三季度" in pdf_text(response.get_data())


def test_a_signed_report_renders_the_same_after_later_entries(demo, tmp_path):
    """What is recorded after a period's end (a disposition, a payment) changes later reports,
    not the period's: the 2024 report is the books as at 2024-12-31; the 2025 report lists the
    2024 finding with the disposition recorded in 2025."""
    from conftest import copy_workspace

    from fundtrail import findings
    from fundtrail.cli.commands.common import load_books

    copy_workspace(demo[0], tmp_path / "ws")
    main = tmp_path / "ws" / "main.beancount"
    before = load_books(str(main))
    signed = pdf_text(audit.audit_pdf(before, "2024"))
    target = next(f for f in facts.finding_set(before, Period.parse("2024")).current
                  if f.severity == "critical")
    with main.open("a", encoding="utf-8") as ledger:
        ledger.write("\n" + findings.disposition_directive(target.id, "已整改", "已追回全部补助",
                                                           date=datetime.date(2025, 3, 2), by="审计员"))
    after = load_books(str(main))
    assert pdf_text(audit.audit_pdf(after, "2024")) == signed
    later = facts.finding_set(after, Period.parse("2025"))
    closed = [f for f in later.closed if f.id == target.id]
    assert closed and closed[0].status == "已整改" and closed[0].reason == "已追回全部补助"
    text = flat(pdf_text(audit.audit_pdf(after, "2025")))
    assert target.id in text and "已追回全部补助" in text
    assert "以前期间的严重问题" not in text  # the only earlier critical one is settled
