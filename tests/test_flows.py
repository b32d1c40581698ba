"""The flow index: each posting read once per load into a flow of one kind, with its fund,
project and village, and kept for the same entries however the list is copied."""

from __future__ import annotations

from decimal import Decimal

from ruleledger import load

from fundtrail.books import Books
from fundtrail.flows import (
    ALLOTMENT,
    PASS_DOWN,
    PAYMENT,
    RECEIPT,
    REFUND,
    SUBSIDY,
    TRANSFER,
    FlowIndex,
    payee_key,
)

LEDGER = """\
2023-01-01 open Income:Fund:Province:P2024-007 CNY
2023-01-01 open Equity:Allotment:Fund:C2024-001 CNY
2023-01-01 open Equity:Allotment:Fund:P2024-007 CNY
2023-01-01 open Equity:Allotment:Project:QH-1 CNY
2023-01-01 open Equity:Allotment:Project:QH-2 CNY
2023-01-01 open Expenses:Project:QH-1 CNY
  name: "温室大棚"
  village: "V1"
  fund: "C2024-001"
2023-01-01 open Expenses:Project:QH-2 CNY
  name: "全区道路"
  fund: "P2024-007"
2023-01-01 open Expenses:Other CNY
2023-01-01 open Income:Other CNY
2023-01-01 custom "village" "V2"
  name: "乙村"
  town: "T1"

2024-02-01 * "省财政厅" "指标到位" ^VOU-202452010000001
  Assets:Treasury:PBC-0001   1000000.00 CNY
  Income:Fund:Central:C2024-001
2024-02-01 * "省财政厅" "指标到位"
  voucher: "202452010000003"
  Assets:Treasury:PBC-0001   300000.00 CNY
  Income:Fund:Province:P2024-007
2024-02-10 * "县财政局" "分解下达"
  Equity:Allotment:Fund:C2024-001   500000.00 CNY
  Equity:Allotment:Project:QH-1    -400000.00 CNY
  Equity:Allotment:Project:QH-2    -100000.00 CNY
2024-03-02 * "青禾建工有限公司" "预付款" ^B-1
  Expenses:Project:QH-1   120000.00 CNY
    loan: ""
  Assets:Bank:ICBC-2345
2024-03-05 * "一卡通" "到户补贴" ^R-1
  Expenses:Project:QH-1   500.00 CNY
    id_no: " 37040519800101123x "
    beneficiary: "张三"
    village: "V2"
  Assets:Clearing:YKT
2024-03-05 * "一卡通" "到户补贴" ^R-2
  Expenses:Project:QH-1   500.00 CNY
    id_no: "370405198001011234"
    status: "失败:账户已销户"
  Assets:Clearing:YKT
2024-03-06 * "县交通局" "拨付单位" ^B-2
  Assets:Held:405012   20000.00 CNY
    project: "QH-2"
  Assets:Bank:ICBC-2345
2024-03-07 * "青禾建工有限责任公司" "退回多付" ^B-3
  Expenses:Project:QH-1   -2000.00 CNY
  Assets:Bank:ICBC-2345
2024-03-08 * "银行" "手续费" ^B-4
  Expenses:Other   15.00 CNY
    fund: "C2024-001"
  Income:Other     -5.00 CNY
  Assets:Bank:ICBC-2345
"""


def _index(tmp_path):
    FlowIndex.forget()
    return FlowIndex.of(load(tmp_path, LEDGER))


def test_each_posting_is_one_flow_of_its_kind(tmp_path):
    index = _index(tmp_path)
    kinds = [(f.kind, f.fund, f.project, f.village, f.amount) for f in index.flows]
    assert kinds == [
        (RECEIPT, "C2024-001", "", "", Decimal("1000000.00")),
        (RECEIPT, "P2024-007", "", "", Decimal("300000.00")),
        (ALLOTMENT, "C2024-001", "", "", Decimal("500000.00")),  # the fund leg
        (ALLOTMENT, "C2024-001", "QH-1", "V1", Decimal("400000.00")),  # the fund leg's fund
        (ALLOTMENT, "C2024-001", "QH-2", "", Decimal("100000.00")),  # county-wide project
        (PAYMENT, "C2024-001", "QH-1", "V1", Decimal("120000.00")),  # fund from the project
        (TRANSFER, "", "", "", Decimal("120000.00")),
        (SUBSIDY, "C2024-001", "QH-1", "V2", Decimal("500.00")),  # the household's own village
        (SUBSIDY, "C2024-001", "QH-1", "V1", Decimal("500.00")),
        (PASS_DOWN, "P2024-007", "QH-2", "", Decimal("20000.00")),
        (TRANSFER, "", "", "", Decimal("20000.00")),
        (REFUND, "C2024-001", "QH-1", "V1", Decimal("-2000.00")),
        (PAYMENT, "C2024-001", "", "", Decimal("15.00")),  # outside projects, naming its fund
        (TRANSFER, "", "", "", Decimal("10.00")),
    ]
    assert index.flows[7].person == "37040519800101123X"
    assert index.flows[5].payee == "青禾建工有限公司"


def test_lookups_leave_a_bounced_subsidy_out_of_the_spending(tmp_path):
    index = _index(tmp_path)
    assert [f.amount for f in index.spent_on["QH-1"]] == [Decimal("120000.00"), Decimal("500.00"),
                                                          Decimal("-2000.00")]
    assert list(index.by_person) == ["37040519800101123X"]
    assert [f.amount for f in index.spent_by_fund["C2024-001"]] == [
        Decimal("120000.00"), Decimal("500.00"), Decimal("-2000.00"), Decimal("15.00")]
    assert [f.project for f in index.allotted_to["QH-1"]] == ["QH-1"]
    assert [f.amount for f in index.allotted["C2024-001"]] == [Decimal("500000.00")]
    # the books hold the bounced row: the project's paid total counts it, as beancount does
    first, paid = index.project_paid["QH-1"]
    assert paid == Decimal("121000.00") and first.payee == "青禾建工有限公司"
    assert index.held_for == {"QH-2": Decimal("20000.00")}
    # the pass-downs per project, dated: what held_for sums and the reports cut at a date
    assert {code: [(f.kind, f.amount) for f in flows] for code, flows in index.held_on.items()} == {
        "QH-2": [(PASS_DOWN, Decimal("20000.00"))]}
    assert index.bank_balance["Assets:Bank:ICBC-2345"] == Decimal("-138010.00")
    assert [n for n, _ in index.voucher_links + index.voucher_meta] == [
        "202452010000001", "202452010000003"]


def test_payments_match_payees_by_their_name_without_the_legal_form(tmp_path):
    index = _index(tmp_path)
    assert [(p.project, p.amount, p.payee) for p in index.payments] == [
        ("QH-1", Decimal("120000.00"), "青禾建工"), ("QH-2", Decimal("20000.00"), "县交通局")]
    assert payee_key("青禾建工（有限责任公司）") == payee_key("青禾 建工有限公司") == "青禾建工"


def test_a_project_paid_its_spending_or_its_positive_payments_bounced_rows_and_pass_downs(tmp_path):
    """A project whose payments are all positive spending paid its spending's total; one with a
    refund or a bounced row (QH-1: the bounced row counts) or a pass-down (QH-2) is summed
    from its positive flows."""
    ledger = LEDGER.replace("2023-01-01 open Expenses:Other CNY", """\
2023-01-01 open Expenses:Project:QH-3 CNY
  name: "村道"
2023-01-01 open Expenses:Other CNY""") + """\
2024-04-01 * "青禾建工有限公司" "进度款" ^B-5
  Expenses:Project:QH-3   3000.10 CNY
    payee_account: "6222"
  Assets:Bank:ICBC-2345
2024-04-02 * "一卡通" "到户补贴" ^R-3
  Expenses:Project:QH-3   200.00 CNY
    id_no: "370405198001011234"
  Assets:Clearing:YKT
2024-04-03 * "青禾建工（有限公司）" "尾款" ^B-6
  payee_account: "6333"
  Expenses:Project:QH-3   100.00 CNY
  Assets:Bank:ICBC-2345
"""
    FlowIndex.forget()
    index = FlowIndex.of(load(tmp_path, ledger))
    paid = index.project_paid
    assert {code: amount for code, (_, amount) in paid.items()} == {
        "QH-1": Decimal("121000.00"), "QH-2": Decimal("20000.00"), "QH-3": Decimal("3300.10")}
    assert paid["QH-3"][0].narration == "进度款" and paid["QH-2"][0].narration == "拨付单位"
    assert [(p.project, p.amount, p.payee, p.entry.narration) for p in index.payments] == [
        ("QH-1", Decimal("120000.00"), "青禾建工", "预付款"),
        ("QH-2", Decimal("20000.00"), "县交通局", "拨付单位"),
        ("QH-3", Decimal("3000.10"), "青禾建工", "进度款"),
        ("QH-3", Decimal("100.00"), "青禾建工", "尾款")]
    assert index.payments[0].flow is index.spent_on["QH-1"][0]
    # the payee and the account paid into as the entry writes them: the posting's, else the entry's
    assert [(p.name, p.account) for p in index.payments] == [
        ("青禾建工有限公司", None), ("县交通局", None), ("青禾建工有限公司", "6222"),
        ("青禾建工（有限公司）", "6333")]


def test_running_sums_of_a_long_list_are_the_same_sums_worked_out_where_asked(tmp_path, monkeypatch):
    from fundtrail import flows

    monkeypatch.setattr(flows, "_LONG", 1)  # every list of more than one flow counts as long
    index = _index(tmp_path)
    assert index.total("spent_on", "QH-1") == Decimal("118500.00")  # before any running sums
    sums = index.running("spent_on")["QH-1"]
    expected = [Decimal(0), Decimal("120000.00"), Decimal("120500.00"), Decimal("118500.00")]
    assert [sums[i] for i in (2, 1, 3, 0, -1, -2)] == [expected[i] for i in (2, 1, 3, 0, -1, -2)]
    assert len(sums) == 4 and list(sums) == expected and max(sums) == Decimal("120500.00")
    assert str(sums[-1]) == "118500.00" and sums[1] == expected[1]
    fund = index.running("spent_by_fund")["C2024-001"]
    assert fund[-1] == index.total("spent_by_fund", "C2024-001") == Decimal("118515.00")
    assert fund[4] == Decimal("118515.00") and fund[2] == Decimal("120500.00")


def test_the_index_is_kept_for_the_same_entries_in_a_new_list(tmp_path):
    entries = load(tmp_path, LEDGER)
    FlowIndex.forget()
    index = FlowIndex.of(entries)
    assert FlowIndex.of(list(entries)) is index
    assert Books(list(entries)).index is index
    shorter = entries[:-1]
    assert FlowIndex.of(shorter) is not index
    assert FlowIndex.of(shorter).flows[-1].kind == REFUND


def test_books_figures_are_queries_over_the_index(tmp_path):
    FlowIndex.forget()
    books = Books(load(tmp_path, LEDGER))
    fund = books.figures("fund")["C2024-001"]
    # a fund's spending is its flows' (Flow.fund, docs/ledger-model.md): the project QH-1's
    # payment, subsidy and refund carry its fund, the fee names it; the bounced row is no spending
    assert (fund.received, fund.passed_down, fund.spent) == (
        Decimal("1000000.00"), Decimal("500000.00"), Decimal("118515.00"))
    project = books.figures("project")["QH-1"]
    assert (project.received, project.spent, project.balance) == (  # the bounced 500 left out
        Decimal("400000.00"), Decimal("118500.00"), Decimal("281500.00"))
    assert books.figures("project")["QH-2"].passed_down == Decimal("20000.00")
    parts = books.reconcile(books.transactions[-1].date)
    assert parts["cash"] == parts["unallotted"] + parts["projects"] + parts["other"]


def test_only_the_flow_index_walks_the_entries(tmp_path):
    """The plugin, the figures, the report facts and the dashboard read the index, not the
    entries (benchmarks/entry_passes.py prints the same count on a whole workspace)."""
    import collections
    import datetime
    import sys

    from fundtrail.fava_ext.dashboard import Dashboard
    from fundtrail.plugins import checks
    from fundtrail.reports import facts, village

    walkers = collections.Counter()

    class Counted(list):
        def __iter__(self):
            walkers[sys._getframe(1).f_globals["__name__"]] += 1
            return super().__iter__()

    entries = Counted(load(tmp_path, LEDGER))
    FlowIndex.forget()
    checks.checks(entries, {"filename": str(tmp_path / "main.beancount")})
    index = FlowIndex.of(entries)
    index.transactions = Counted(index.transactions)
    books = Books(entries)
    books.all_figures()
    books.reconcile(datetime.date(2024, 12, 31))
    village.notice_context(books, facts.Period.parse("2024Q1"), "V1")
    Dashboard.build(books, checks.all_findings(entries, {}), today=datetime.date(2024, 12, 31))
    assert set(walkers) == {"fundtrail.flows"}
