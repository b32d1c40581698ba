"""What people read of the findings: one root cause is one finding, the audit report covers its
period and states each figure once, no English sentence or rule id in any PDF, evidence numbers
readable and personal numbers masked, and findings are not ledger errors."""

import collections
import csv
import datetime
import re
import shutil

from beancount import loader
from fava.core import FavaLedger
from reportkit import flat, pdf_text
from ruleledger import load

from fundtrail import catalogue, findings
from fundtrail.plugins import checks
from fundtrail.plugins.checks import DEFAULTS, RULES, run_rules
from fundtrail.reports import audit, county, export, facts, village

YEAR = 2024


def roster_rows(count: int) -> str:
    """A 一卡通 roster batch whose subsidy item (庭院经济奖补) no classification rule places."""
    rows = []
    for n in range(1, count + 1):
        rows.append(
            f'2024-06-20 * "户主{n:02d}" "庭院经济奖补 QH2024Q2-09 第{n}号" ^YKT-QH2024Q2-09-{n:03d}\n'
            f'  source: "documents/Assets/Clearing/YKT/2024-06-20.yikatong-QH2024Q2-09.xlsx"\n'
            f"  row: {n + 2}\n"
            f"  Expenses:Suspense  {500 + n}.00 CNY\n"
            f'    item: "庭院经济奖补"\n'
            f"  Assets:Clearing:YKT\n")
    return "2023-01-01 open Expenses:Suspense CNY\n" + "".join(rows)


def test_an_unclassified_roster_batch_is_one_finding_with_its_rows(tmp_path):
    entries = load(tmp_path, roster_rows(44),
                   '2024-07-02 * "某公司" "往来款" ^ICBC-2345-07000001\n'
                   '  source: "documents/Assets/Bank/ICBC-2345/2024-09-30.icbc.csv"\n  row: 9\n'
                   "  Expenses:Suspense  9000.00 CNY\n  Assets:Bank:ICBC-2345\n")
    found = [f for f in run_rules(entries, dict(DEFAULTS))[0] if f.rule == "unclassified"]
    roster = [f for f in found if f.count > 1]
    assert len(found) == 2 and len(roster) == 1
    batch = roster[0]
    total = sum(500 + n for n in range(1, 45))
    assert batch.count == 44 and batch.amount == total and len(batch.links) == 44
    assert "共44笔" in batch.message and f"{total:,}.00元" in batch.message
    assert "庭院经济奖补" in batch.message and [r["row"] for r in batch.rows][:2] == ["3", "4"]
    five = batch.five()
    assert "庭院经济奖补" in five["cause"] and f"{total:,}.00元" in five["effect"]
    # the group keeps its id when the batch grows by a row
    more = [f for f in run_rules(load(tmp_path, roster_rows(45)), dict(DEFAULTS))[0]
            if f.rule == "unclassified"]
    assert [f.id for f in more] == [batch.id] and more[0].count == 45


def test_the_demo_findings_fill_every_template(demo_books):
    found = checks.all_findings(demo_books.entries, demo_books.options)
    assert len(found) >= 40
    for f in found:
        rule = catalogue.rule(f.rule, f.variant)
        assert f.rule in catalogue.rules(), f.rule
        for part in ("condition", "cause", "effect", "recommendation"):
            assert not catalogue.missing(getattr(rule, part), dict(f.facts)), (f.rule, part)
        assert rule.criteria and not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", f.message), f.message
    causes = {f.five()["cause"] for f in found if f.rule == "negative-list"}
    assert len(causes) == len([f for f in found if f.rule == "negative-list"])  # not one sentence per rule


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end)]


def test_the_audit_report_covers_its_period_and_states_each_figure_once(demo, demo_books):
    pdf = audit.audit_pdf(demo_books, str(YEAR))
    text = flat(pdf_text(pdf, layout=True))  # table rows stay on one line
    whole = checks.all_findings(demo_books.entries, demo_books.options)
    at_end = {f.id for f in facts.checks_at(demo_books, datetime.date(YEAR, 12, 31))}
    later = {f.id for f in whole if f.date and f.date.year > YEAR} - at_end  # not yet found then
    assert later and not later & set(re.findall(r"F-[0-9a-f]{10}", text))
    current, earlier = audit.period_findings(demo_books, audit.Period.parse(str(YEAR)),
                                             audit.settings_of(demo_books))
    listed = re.findall(r"F-[0-9a-f]{10}", _section(text, "四、本期疑点明细", "五、以前期间"))
    assert collections.Counter(listed) == collections.Counter(f.id for f in current)
    assert all(f.date.year == YEAR for f in current)
    # the idle band is judged at the period's end: 1 year, not 2, for money received in 2023
    idle = [f for f in current if f.rule == "idle-funds"]
    assert idle and all("截至2024-12-31" in f.message and "超过1年" in f.message for f in idle)
    # payments: page one and the sample's population are the same figure
    spent, count = re.search(r"本期支付（元）([\d,.]+)（(\d+)笔）", text).groups()
    population = re.search(r"总体：本期支付(\d+)笔，合计([\d,.]+)元", text).groups()
    assert population == (count, spent)
    assert f"支付{count}笔{spent}元" in text  # the conclusion
    # findings: cover, summary table, total row and conclusion agree
    n, at_risk = re.search(r"本期疑点(\d+)项，涉及金额([\d,.]+)元", text).groups()
    assert int(n) == len(current)
    assert f"本期疑点/涉及金额{n}项/{at_risk}元" in text
    assert f"本期检查发现疑点{n}项，涉及金额{at_risk}元" in text
    assert f"合计{n}{at_risk}" in _section(text, "三、疑点汇总", "四、本期疑点明细")


# two words: a sentence, not a file name, nor its extension before the next column or an evidence
# link ("….xml    QH2024-009", "xlsx QH2024-S01")
ENGLISH = re.compile(r"(?<![\w.-])[A-Za-z]{2,}[,;!?]? +[A-Za-z]{2,}(?![\w-])")


def test_no_pdf_line_holds_an_english_sentence_or_a_rule_id(demo_books):
    code = max(demo_books.master.villages, key=lambda c: len(
        [p for p in demo_books.master.projects.values() if p.village == c]))
    pdfs = {"audit": audit.audit_pdf(demo_books, str(YEAR)),
            "county": county.disclosure_pdf(demo_books, YEAR),
            "village": village.notice_pdf(demo_books, f"{YEAR}Q3", code)}
    slugs = [rule for rule in RULES if "-" in rule] + ["benford", "unclassified"]
    for name, pdf in pdfs.items():
        for line in pdf_text(pdf, layout=True).splitlines():
            assert not ENGLISH.search(line), (name, line)
            assert not [s for s in slugs if s in line], (name, line)


def test_voucher_numbers_and_bank_serials_stay_readable_personal_numbers_do_not(demo, demo_books, tmp_path):
    text = flat(pdf_text(audit.audit_pdf(demo_books, "2025")))
    assert "缺少2个编号（20255201000020至20255201000021）" in text
    assert re.search(r"VOU-2025\d{10}", text) and re.search(r"ICBC-2345-\d{8}", text)
    out = export.write_ofdp(demo_books, tmp_path, 2025)
    payments = next(p for p in out if p.name == "payments.csv")
    links = " ".join(row["links"] for row in csv.DictReader(payments.open(encoding="utf-8")))
    assert re.search(r"VOU-2025\d{10}", links) and re.search(r"ICBC-2345-\d{8}", links)
    assert "*" not in links
    ids = {str(p.meta["id_no"]) for e in demo_books.transactions for p in e.postings
           if p.meta and p.meta.get("id_no")}
    cards = {str(p.meta["card"]) for e in demo_books.transactions for p in e.postings
             if p.meta and p.meta.get("card")}
    body = payments.read_text("utf-8") + text
    assert ids and cards and not [n for n in ids | cards if n in body]


def _fava_errors(path) -> list:
    return FavaLedger(str(path)).errors


def test_findings_are_not_ledger_errors_until_a_balance_breaks(demo, tmp_path):
    root = tmp_path / "books"
    shutil.copytree(demo[0], root, ignore=shutil.ignore_patterns("reports", ".git", "*.picklecache"))
    main = root / "main.beancount"
    assert _fava_errors(main) == []
    _, errors, _ = loader.load_file(str(main))
    assert errors == []
    with main.open("a", encoding="utf-8") as ledger:
        ledger.write(f"\n{datetime.date(2025, 12, 31)} balance Assets:Bank:ICBC-2345  1.00 CNY\n")
    assert len(_fava_errors(main)) == 1
    # a county that wants critical findings as ledger errors says so
    text = main.read_text("utf-8").replace('plugin "fundtrail.plugins.checks"',
                                           "plugin \"fundtrail.plugins.checks\" \"{'ledger_errors_from': 'critical'}\"", 1)
    main.write_text(text, "utf-8")
    errors = _fava_errors(main)
    critical = [f for f in checks.all_findings(*loader.load_file(str(main))[::2]) if f.severity == "critical"]
    assert critical and len(errors) == 1 + len(critical)



def test_fava_time_filter_scopes_the_findings_desk_and_the_overview_count(demo, demo_books):
    """A year's desk lists the year's findings as its audit report does (fundtrail.periods):
    its own, earlier ones still open, those closed in it; later ones are not in it."""
    from fava_pages import FavaClient, tables

    from fundtrail.reports import facts

    found = checks.all_findings(demo_books.entries, demo_books.options)
    fava = FavaClient(demo[0] / "main.beancount")
    every = tables(fava.page("FundtrailFindings/"))[0][1:]
    in_2024 = facts.finding_set(demo_books, audit.Period.parse(str(YEAR)))
    rows = tables(fava.page(f"FundtrailFindings/?time={YEAR}"))[0][1:]
    assert len(every) == len(found) > len(rows) == len(in_2024.all) > 0
    at_end = {f.id for f in facts.checks_at(demo_books, datetime.date(YEAR, 12, 31))}
    assert all(not [f for f in found if f.date.year > YEAR and f.id not in at_end and f.id in r[4]]
               for r in rows)
    overview = fava.page(f"Fundtrail/?time={YEAR}")
    from fundtrail.fava_ext import desk

    shown = desk.period_findings(demo_books, found, datetime.date(YEAR, 1, 1), datetime.date(YEAR + 1, 1, 1))
    assert {f.id for f in shown} == in_2024.ids
    still_open = [f for f in shown if not findings.is_closed(f)]  # today's dispositions (none in the demo)
    assert len(still_open) < len([f for f in in_2024.all if not findings.is_closed(f)])  # some no longer found
    assert re.search(rf"未结疑点 \(含核实中\)</span><b>{len(still_open)}</b>", overview)


def test_every_rule_has_a_catalogue_entry_listed_in_the_docs():
    from pathlib import Path

    docs = (Path(__file__).parent.parent / "docs" / "checks.md").read_text("utf-8")
    for rule_id in RULES:
        rule = catalogue.rules().get(rule_id)
        assert rule and rule.title and rule.criteria and rule.message_en, rule_id
        assert f"| `{rule_id}` | {rule.title} | {rule.severity} |" in docs, rule_id
        for criterion in rule.criteria:
            assert criterion.document in docs and criterion.text in docs, (rule_id, criterion)


def test_a_county_document_is_cited_as_one_the_county_must_confirm():
    # 本县… criteria are the county's own rules: the audit report marks them （须本县确认）
    for rule_id, rule in catalogue.rules().items():
        for criterion in rule.criteria:
            if criterion.document.startswith("本县"):
                assert criterion.local, (rule_id, criterion.document)
