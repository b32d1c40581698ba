"""Village notices that explain themselves, on the demo: a negative balance comes with its
cause, households are counted once however many payments, every yuan of the funds table is a
project row's, cadres and their registered relatives among recipients are marked (and masked as
the rest), and a village can post a monthly notice with the same template."""

import collections
import datetime

from click.testing import CliRunner
from reportkit import flat, pdf_text

from fundtrail.cli import main
from fundtrail.reports import facts, village

QUARTERS = [f"{year}Q{q}" for year in (2024, 2025) for q in range(1, 5)]


def contexts(books):
    for label in QUARTERS:
        period = village.quarter(label)
        for code in village.village_codes(books):
            yield label, code, village.notice_context(books, period, code)


def test_a_negative_balance_is_printed_with_its_cause(demo_books):
    negative = [(label, code, ctx) for label, code, ctx in contexts(demo_books)
                if ctx["totals"]["balance"] < 0]
    assert negative  # the demo pays some projects before their money is allotted
    for label, code, ctx in negative:
        assert ctx["short"], (label, code)
        for row in ctx["short"]:
            assert row["balance"] < 0 and row["short"]["short"] == -row["balance"]
            assert row["short"]["since"] <= ctx["period"].end
    label, code, ctx = max(negative, key=lambda n: -n[2]["totals"]["balance"])
    text = flat(pdf_text(village.notice_pdf(demo_books, label, code)))
    row = ctx["short"][0]
    assert "结余为负数的原因" in text and row["p"].code in text
    assert f"{row['short']['short']:,.2f}" in text and "先支付、后下达" in text
    # no notice prints a negative balance without the footnote
    assert "（※负数，原因见下）" in text


def test_households_are_counted_once_however_many_payments(demo_books):
    twice = None
    for label, code, ctx in contexts(demo_books):
        people = {h["id_no"] for h in ctx["households"]}
        assert ctx["totals"]["households"] == len(people)
        assert ctx["totals"]["payments"] == len(ctx["households"])
        if len(people) < len(ctx["households"]):
            twice = twice or (label, code, ctx)
    assert twice, "the demo pays one person twice in a quarter"
    label, code, ctx = twice
    text = flat(pdf_text(village.notice_pdf(demo_books, label, code)))
    counts = ctx["totals"]
    assert f"到户补助发放情况（本季度{counts['households']}户，{counts['payments']}笔）" in text


def test_every_yuan_of_the_funds_table_is_a_project_rows(demo_books):
    for label, code, ctx in contexts(demo_books):
        rows, totals = ctx["projects"], ctx["totals"]
        assert sum(r["received"] for r in rows) == totals["received_cum"], (label, code)
        assert sum(r["spent"] for r in rows) == totals["spent_cum"], (label, code)
        listed = {r["p"].code for r in rows}
        moving = {f.project for f in facts.by_village(demo_books).get(code, ())
                  if ctx["period"].start <= f.date <= ctx["period"].end and f.kind != "subsidy"}
        assert moving <= listed, (label, code, moving - listed)


def test_cadres_and_relatives_among_recipients_are_marked_and_masked(demo_books):
    known = demo_books.index.officials  # as the related-party rule reads it
    related = [f for f in facts.flows(demo_books) if f.kind == "subsidy" and known.role(f.meta)]
    assert related  # the demo plants subsidies paid to a cadre's relative
    for flow in related:
        label = f"{flow.date.year}-{flow.date.month:02d}"
        period = village.month(label)
        ctx = village.notice_context(demo_books, period, flow.village)
        row = next(h for h in ctx["households"] if h["id_no"] == flow.meta["id_no"])
        assert row["mark"] in ("干部本人", "干部亲属")
        text = flat(pdf_text(village.notice_pdf(demo_books, label, flow.village)))
        assert row["mark"] in text and "按村务公开要求予以标明" in text
        # masked as the rest: the name as village practice prints it, never the numbers
        assert flow.meta["id_no"] not in text and str(flow.meta["card"]).replace(" ", "") not in text
        assert flat(row["id_no"][:6] + "*") in text
    unrelated = next(c for label, code, c in contexts(demo_books) if c["households"])
    assert not unrelated["marked"] or any(h["mark"] for h in unrelated["households"])


def test_a_monthly_notice_from_the_command_line(demo, demo_books, tmp_path):
    code = next(f.village for f in facts.flows(demo_books)
                if f.kind == "subsidy" and f.date.year == 2024 and f.date.month == 11)
    ledger = str(demo[0] / "main.beancount")
    result = CliRunner().invoke(main, ["report", "village", ledger, "--month", "2024-11",
                                       "--village", code, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [written] = tmp_path.glob(f"2024-11-{code}-*.pdf")
    text = flat(pdf_text(written.read_bytes()))
    name = demo_books.master.villages[code].name
    assert f"{name}2024年11月衔接资金和项目公告公示" in text
    assert "2024年11月1日至2024年11月30日" in text and "本月" in text and "本季度" not in text
    ctx = village.notice_context(demo_books, village.month("2024-11"), code)
    assert ctx["households"] and all(h["date"].month == 11 for h in ctx["households"])
    assert ctx["posted"] > datetime.date(2024, 11, 30)
    paid = collections.Counter(h["date"].month for h in village.notice_context(
        demo_books, village.quarter("2024Q4"), code)["households"])
    assert len(ctx["households"]) == paid[11]
    for bad, hint in (("2024-13", "月份格式应为 2024-07"), ("2024Q3", "月份格式")):
        result = CliRunner().invoke(main, ["report", "village", ledger, "--month", bad,
                                           "--village", code, "--out", str(tmp_path / "x")])
        assert result.exit_code == 2 and hint in result.output, result.output
    result = CliRunner().invoke(main, ["report", "village", ledger, "--month", "2024-11",
                                       "--quarter", "2024Q4", "--village", code])
    assert result.exit_code == 2 and "--quarter 或 --month" in result.output
    assert not (tmp_path / "x").exists()


def test_marks_by_number_never_by_name():
    from fundtrail.registers import Officials

    rows = [{"姓名": "张三", "身份证号": "370405197001010011", "单位/村": "泥河前村", "职务": "主任",
             "关系人姓名": "张小三", "关系人身份证号": "370405199501010022", "关系": "儿子",
             "银行卡号": "6228 0000 1111 2222"}]
    known = Officials(rows, {})
    assert village._mark(known, {"id_no": "370405197001010011"}) == "干部本人"
    assert village._mark(known, {"id_no": "370405199501010022"}) == "干部亲属"
    assert village._mark(known, {"card": "6228000011112222"}) == "干部本人"
    assert village._mark(known, {"beneficiary": "张小三", "id_no": "370405199901010033"}) == ""
    assert village._mark(Officials(), {"id_no": "370405197001010011"}) == ""
