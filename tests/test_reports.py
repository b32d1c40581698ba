"""The village notice, the county disclosure and the auditor's PDF, read back with pdftotext:
every project's disclosure fields, the quarter's totals as beanquery computes them, 12317 and the
supervision phone, an embedded CJK font, and the audit's findings equal to `fundtrail check --json`."""

import collections
import datetime
import json
import re
from decimal import Decimal

import pytest
from beanquery import connect
from click.testing import CliRunner
from reportkit import flat, page_size, pdf_fonts, pdf_text

from fundtrail.accounts import level_rank
from fundtrail.cli import main
from fundtrail.findings import SEVERITY_LABELS
from fundtrail.reports import audit, county, village
from fundtrail.reports.render import date_cn, yuan

QUARTER, START, END = "2024Q2", datetime.date(2024, 4, 1), datetime.date(2024, 6, 30)


def bql(ledger, query) -> Decimal:
    rows = connect("beancount:" + str(ledger)).execute(query).fetchall()
    return rows[0][0] if rows and rows[0][0] is not None else Decimal(0)


def projects_there(master, code):
    return [p for p in master.projects.values() if p.village == code and p.approved <= END
            and p.end >= datetime.date(2024, 1, 1)]


@pytest.fixture(scope="module")
def chosen(demo, demo_books):
    """Of the villages with a project that quarter, the one with most household subsidies paid."""
    rows = connect("beancount:" + str(demo[0] / "main.beancount")).execute(
        f"SELECT str(meta('village')) AS v, count(position) AS n WHERE account ~ '^Expenses:' "
        f"AND meta('beneficiary') IS NOT NULL AND date >= {START} AND date <= {END} "
        f"GROUP BY v ORDER BY n DESC, v").fetchall()
    return next(v for v, _ in rows if projects_there(demo_books.master, v))


@pytest.fixture(scope="module")
def notice(demo_books, chosen):
    pdf = village.notice_pdf(demo_books, QUARTER, chosen)
    return pdf, pdf_text(pdf)


def test_notice_totals_equal_beanquery(demo, demo_books, chosen, notice):
    ledger = demo[0] / "main.beancount"
    where = f"date >= {START} AND date <= {END}"
    project_village = ("open_meta(subst('^Equity:Allotment:Project', 'Expenses:Project', account), "
                       "'village')")
    received = bql(ledger, f"SELECT neg(sum(number)) WHERE account ~ '^Equity:Allotment:Project:' "
                           f"AND {project_village} = '{chosen}' AND {where}")
    spent = bql(ledger, f"SELECT sum(number) WHERE account ~ '^Expenses:Project:' "
                        f"AND open_meta(account, 'village') = '{chosen}' AND {where}")
    households = bql(ledger, f"SELECT sum(number) WHERE account ~ '^Expenses:' "
                             f"AND str(meta('village')) = '{chosen}' AND {where}")
    assert households > 0
    text = flat(notice[1])
    assert (f"本季度到位资金{yuan(received)}元，项目支出{yuan(spent)}元，"
            f"发放到户补助{yuan(households)}元") in text
    balance = bql(ledger, "SELECT neg(sum(number)) WHERE (account ~ '^Equity:Allotment:Project:' OR "
                          f"account ~ '^Expenses:Project:') AND {project_village} = '{chosen}' "
                          f"AND date <= {END}")
    assert f"项目资金结余{yuan(balance)}元" in text


def test_notice_lists_every_project_with_its_fields(demo_books, chosen, notice):
    master, text = demo_books.master, flat(notice[1])
    place = master.villages[chosen]
    assert flat(place.name) in text and flat(master.place_name(place.town)) in text
    projects = projects_there(master, chosen)
    assert projects
    for label in ("项目名称", "实施地点", "建设任务", "补助标准", "资金来源及规模", "实施期限",
                  "实施单位及责任人", "绩效目标", "联农带农机制"):
        assert text.count(label) >= len(projects), label
    for p in projects:
        for value in (p.code, p.name, p.task, p.standard, p.sources, yuan(p.budget), p.unit,
                      p.manager, p.goal, p.linkage or "未填报", date_cn(p.start), date_cn(p.end)):
            assert flat(value) in text, (p.code, value)


def test_notice_households_are_named_and_masked(demo_books, chosen, notice):
    text = flat(notice[1])
    paid = [p for e in demo_books.transactions if START <= e.date <= END for p in e.postings
            if (p.meta or {}).get("village") == chosen and (p.meta or {}).get("beneficiary")]
    assert paid
    for posting in paid:
        assert posting.meta["beneficiary"] in text
        assert posting.meta["id_no"] not in text and posting.meta["card"] not in text
        assert posting.meta["id_no"][:6] + "*" * 12 in text
        assert "*" * (len(posting.meta["card"]) - 4) + posting.meta["card"][-4:] in text


def test_notice_has_posting_period_phones_and_an_embedded_cjk_font(demo_books, notice, tmp_path):
    pdf, text = notice
    assert "12317" in text and demo_books.master.county.phone in text
    period = re.search(r"公示期：(\d+)年(\d+)月(\d+)日至(\d+)年(\d+)月(\d+)日", flat(text))
    first, last = (datetime.date(*map(int, period.groups()[i:i + 3])) for i in (0, 3))
    assert first > END and (last - first).days >= 10
    fonts = [line for line in pdf_fonts(pdf, tmp_path).splitlines() if "CJK" in line]
    assert fonts and all(" yes " in line for line in fonts)


def test_poster_is_a3_and_a4_is_the_default(demo_books, chosen, notice, tmp_path):
    assert page_size(notice[0], tmp_path) == pytest.approx((595.3, 841.9), abs=1)
    poster = village.notice_pdf(demo_books, QUARTER, chosen, poster=True)
    assert page_size(poster, tmp_path) == pytest.approx((841.9, 1190.6), abs=1)


def test_bad_quarter_and_unknown_village_are_refused(demo_books):
    with pytest.raises(ValueError, match="2024Q3"):
        village.notice_pdf(demo_books, "2024-3", "370405102201")
    with pytest.raises(KeyError, match="no such village"):
        village.notice_pdf(demo_books, QUARTER, "999999999999")


def test_county_disclosure_lists_funds_and_projects(demo_books):
    text = flat(pdf_text(county.disclosure_pdf(demo_books, 2024)))
    for fund in demo_books.master.funds.values():
        if fund.issued.year == 2024:
            assert flat(fund.doc_no) in text
    for p in demo_books.master.projects.values():
        if p.approved.year == 2024:
            for value in (p.name, p.task, p.goal, p.unit, p.standard):
                assert flat(value) in text, (p.code, value)
    assert "12317" in text and demo_books.master.county.phone in text


def test_audit_of_the_last_period_lists_check_json(demo, demo_books):
    """For the books' last period the report's findings and the earlier open ones are exactly
    `fundtrail check --json`'s (the books as at 2025-12-31 are the whole books), plus those an
    earlier cut-off of the period found and the checks no longer find, listed as 已消除."""
    from fundtrail.findings import GONE
    from fundtrail.reports import facts

    result = CliRunner().invoke(main, ["check", "--json", str(demo[0] / "main.beancount")])
    found = json.loads(result.stdout)
    assert found, "the demo has findings"
    pdf = audit.audit_pdf(demo_books, "2025")
    text = pdf_text(pdf)
    expected = [f for f in found if f["date"] >= "2025-01-01" or f["status"] in ("open", "核实中")]
    listed = facts.finding_set(demo_books, audit.Period.parse("2025"))
    gone = [f for f in listed.all if f.status == GONE]
    assert gone and {f["id"] for f in expected} | {f.id for f in gone} == listed.ids
    assert collections.Counter(re.findall(r"F-[0-9a-f]{10}", text)) == collections.Counter(listed.ids)
    rows = [line.split() for line in pdf_text(pdf, layout=True).splitlines()]
    current = [f.as_json() for f in listed.current]
    by_rule = collections.Counter((f["title"], f["severity"]) for f in current)
    for (title, severity), count in by_rule.items():
        assert [title, SEVERITY_LABELS[severity], str(count)] in [row[:3] for row in rows], title
    assert ["合计", str(len(current))] in [row[:2] for row in rows]
    for f in expected:
        for link in f["links"]:
            assert link in flat(text)


def test_audit_has_charts_reconciliation_and_sample(demo_books):
    context = audit.audit_context(demo_books, audit.Period.parse("2024Q3"))
    assert context["progress_chart"].count("<rect") == len(audit.progress(demo_books, context["period"]))
    levels = [label.split()[0] for label, _, _ in audit.progress(demo_books, context["period"])]
    assert len(set(levels)) > 4 and levels == sorted(levels, key=level_rank)  # the order of every table
    assert "序时进度 75.0%" in context["progress_chart"]
    aged = audit.aging(demo_books, context["period"])
    assert sum(amount for _, amount, _ in aged) == sum(
        f.balance for f in demo_books.figures("fund", end=context["period"].end).values() if f.balance > 0)
    links = audit.flow_links(demo_books, context["period"])
    allotted = sum(f.passed_down for f in demo_books.figures(
        "fund", start=context["period"].start, end=context["period"].end).values())
    assert allotted > 0 and sum(a for (s, _), a in links.items() if not s.endswith("类")) == allotted
    assert sum(a for (s, _), a in links.items() if s.endswith("类")) == allotted
    assert context["flow_chart"].count("<path") == len(links)
    for row in context["reconciliation"]:
        assert row["difference"] in (None, 0), row
    sample = context["sample"]
    assert sample["items"] and sum(i["hits"] for i in sample["items"]) == sample["size"]


def test_audit_shows_dispositions_and_any_rule(demo_books, monkeypatch):
    """Whatever rules exist: a disposed finding shows its status and reason; a rule without a
    catalogue entry gets the default title and five elements."""
    from fundtrail import catalogue, findings

    period = audit.Period.parse("2024")
    real, _ = audit.period_findings(demo_books, period, audit.settings_of(demo_books))
    entry = real[0].entry
    extra = [findings.emit("brand-new-rule", "k", entry, amount=Decimal("123.45"))._replace(
        message="新规则疑点 身份证370405196211119250", severity="critical")]
    extra += [findings.emit(rule, rule, entry, amount=Decimal(1))._replace(severity="high")
              for rule in catalogue.rules() if rule not in ("default", "unclassified")]
    listed = [real[0]._replace(status="误报", reason="经核实为正常退款"), *real[1:], *extra]
    monkeypatch.setattr(audit, "period_findings", lambda books, period, settings: (listed, []))
    pdf = audit.audit_pdf(demo_books, "2024")
    text = pdf_text(pdf)
    rows = [line.split() for line in pdf_text(pdf, layout=True).splitlines()]
    assert "经核实为正常退款" in flat(text) and "处理：误报" in flat(text)
    assert [catalogue.rule("default").title, "严重", "1"] in [r[:3] for r in rows]
    for f in extra[1:]:  # every rule's own title, one row per rule and severity, even the long ones
        count = sum(1 for g in listed if (g.rule, g.severity) == (f.rule, "high"))
        assert [catalogue.title(f.rule), "高", str(count)] in [r[:3] for r in rows]
        assert f.id in text
    assert "370405196211119250" not in text and "身份证370405************" in flat(text)
    assert flat(catalogue.rule("default").recommendation) in flat(text)


def test_periods_without_money_still_render(demo_books):
    code = sorted(demo_books.master.villages)[0]
    assert "本村截至本季度末无下达项目资金" in pdf_text(village.notice_pdf(demo_books, "2022Q1", code))
    assert "本期无支付" in flat(pdf_text(audit.audit_pdf(demo_books, "2022")))


def test_one_font_configuration_per_thread_serves_every_pdf_it_renders():
    """fontconfig's list and pango's font map are made once a thread (a tenth of a notice's cost
    when made anew for each); another thread (a server's background render) has its own."""
    import threading

    from fundtrail.reports import render

    first = render._font_config()
    assert render._font_config() is first
    other = []
    thread = threading.Thread(target=lambda: other.append(render._font_config()))
    thread.start()
    thread.join()
    assert other and other[0] is not first
    html = "<html><body><p>第一页 公告</p></body></html>"
    assert render.pdf_of(html).startswith(b"%PDF") and render.pdf_of(html).startswith(b"%PDF")
    assert render._font_config() is first


def test_elements_get_no_styles_for_footnote_and_note_pseudo_elements_and_the_pdf_is_the_same(monkeypatch):
    """weasyprint's user-agent rules for `::marker`, footnotes and notes match every element and
    gave each six pseudo-element styles of its own (1.2 GB for the 100k county disclosure's
    112,000 elements); the reports have no footnotes, and only `li` has a marker: the same PDF."""
    import weasyprint
    from weasyprint.css import StyleFor

    from fundtrail.reports import render

    rows = "".join(f'<tr><td>项目{n}</td><td class="num">{yuan(n * 1000)}</td></tr>' for n in range(300))
    html = ("<html><head><style>@page { @bottom-center { content: '第 ' counter(page) ' 页 / 共 ' "
            "counter(pages) ' 页' } } html { font-family: " + render.FONT_FAMILY + " } "
            "td.num { font-variant-numeric: tabular-nums }</style></head><body><h1>公告</h1>"
            "<ol><li>第一条</li><li>第二条</li></ol><p>监督电话<br>12317</p><table><thead><tr><th>项目</th>"
            f"<th>金额</th></tr></thead><tbody>{rows}</tbody></table></body></html>")
    weasyprints_own = weasyprint.HTML(string=html, base_url=str(render.TEMPLATES)).write_pdf(
        font_config=render._font_config())
    pseudo = collections.Counter()
    styled = StyleFor.set_computed_styles

    def counted(self, element, parent, root=None, pseudo_type=None, **rest):
        pseudo[pseudo_type] += pseudo_type is not None
        return styled(self, element, parent, root=root, pseudo_type=pseudo_type, **rest)

    monkeypatch.setattr(StyleFor, "set_computed_styles", counted)
    pdf = render.pdf_of(html)
    assert pdf == weasyprints_own
    text = pdf_text(pdf)
    assert "1. 第一条" in text and "项目299" in text and "第2页/共9页" in flat(text)
    assert pseudo["marker"] == 2 and pseudo["before"] == 1  # the list items' and the <br>'s
    assert not {"footnote-call", "footnote-marker", "note-call", "note-marker", "note-callback"} & set(pseudo)


def test_the_evidence_line_beside_a_message_names_the_links_the_message_does_not():
    from types import SimpleNamespace

    finding = SimpleNamespace(links=("REQ-1", "REQ-12", "QH2024-0001", "VOU-9"),
                              message="付款REQ-12，项目QH2024-0001。")
    assert audit.unnamed_links(finding) == ["REQ-1", "VOU-9"]  # REQ-1 is not named by REQ-12


def test_a_local_bank_s_code_is_named_in_chinese(demo_books):
    """The reconciliation names each account's bank in Chinese: a known code by its name, a local
    bank's code (QHRCB) by its kind (农商银行), never the ASCII code."""
    from fundtrail import banks
    from fundtrail.reports import evidence

    local = [a for a, e in demo_books.master.accounts.items() if (e.meta or {}).get("bank") == "QHRCB"]
    assert local
    for account in local:
        label = evidence.bank_label(demo_books.master, account)
        assert label.startswith("农商银行　账号尾号") and "QHRCB" not in label
    assert banks.name("icbc") == "工商银行" and banks.code_in("中国农业银行对公账户") == "ABC"
    assert banks.name("青禾农商行") == "青禾农商行"  # a name already Chinese stays as it is
