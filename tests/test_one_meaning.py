"""One meaning of the books' vocabulary, whoever reads it: a fund's spending (`Flow.fund`),
序时进度 (`flows.time_progress`), first-in-first-out aging (`flows.unspent`) and an ID number
(`idno.id_no`). Each reader gives the same figure on the same books, and the product code
computes each of them in one place; a fund level's spellings are one table (`accounts`)."""

from __future__ import annotations

import ast
import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader

from fundtrail.books import Books, Figures
from fundtrail.flows import FlowIndex, amount_of, since, time_progress, unspent
from fundtrail.idno import id_no
from fundtrail.plugins.checks import RULES, typed_settings
from fundtrail.plugins.rules.context import Context

D = Decimal
ROOT = Path(__file__).resolve().parents[1]

# A project payment without `fund:` (the project carries its fund), a fee naming its fund,
# a bounced subsidy row; project QH-2 overspends, gets more money and a refund.
LEDGER = """\
option "operating_currency" "CNY"
2023-01-01 custom "county" "370405"
  name: "测试县"
2023-01-01 custom "town" "T1"
  name: "甲镇"
2023-01-01 custom "village" "V1"
  name: "甲村"
  town: "T1"
2023-01-01 open Assets:Treasury:PBC-0001 CNY
2023-01-01 open Assets:Clearing:YKT CNY
2023-01-01 open Income:Fund:Central:C2024-001 CNY
  name: "中央衔接资金"
  doc_no: "财农〔2024〕1号"
  amount: 1000.00 CNY
  issued: 2024-01-05
2023-01-01 open Equity:Allotment:Fund:C2024-001 CNY
2023-01-01 open Equity:Allotment:Project:QH-1 CNY
2023-01-01 open Equity:Allotment:Project:QH-2 CNY
2023-01-01 open Expenses:Project:QH-1 CNY
  name: "温室大棚"
  town: "T1"
  village: "V1"
  fund: "C2024-001"
2023-01-01 open Expenses:Project:QH-2 CNY
  name: "道路硬化"
  town: "T1"
  village: "V1"
  fund: "C2024-001"
2023-01-01 open Expenses:Other CNY

2024-01-10 * "省财政厅" "指标到位"
  Assets:Treasury:PBC-0001   1000.00 CNY
  Income:Fund:Central:C2024-001
2024-01-12 * "县财政局" "分解下达"
  Equity:Allotment:Fund:C2024-001   700.00 CNY
  Equity:Allotment:Project:QH-1    -600.00 CNY
  Equity:Allotment:Project:QH-2    -100.00 CNY
2024-02-01 * "路桥公司" "道路硬化进度款"
  Expenses:Project:QH-2   150.00 CNY
    fund: "C2024-001"
  Assets:Treasury:PBC-0001
2024-03-01 * "县财政局" "追加下达"
  Equity:Allotment:Fund:C2024-001   30.00 CNY
  Equity:Allotment:Project:QH-2    -30.00 CNY
2024-03-05 * "青禾建工有限公司" "温室大棚进度款"
  Expenses:Project:QH-1   60.00 CNY
  Assets:Treasury:PBC-0001
2024-03-06 * "一卡通" "到户补贴"
  Expenses:Project:QH-1   5.00 CNY
    id_no: "370405198001011234"
    status: "失败:账户已销户"
  Assets:Clearing:YKT
2024-03-08 * "银行" "手续费"
  Expenses:Other   15.00 CNY
    fund: "C2024-001"
  Assets:Treasury:PBC-0001
2024-04-01 * "县财政局" "追加下达"
  Equity:Allotment:Fund:C2024-001   100.00 CNY
  Equity:Allotment:Project:QH-2    -100.00 CNY
2024-05-01 * "路桥公司" "退回多付"
  Expenses:Project:QH-2   -10.00 CNY
  Assets:Treasury:PBC-0001
"""
FUND = "C2024-001"
SPENT = D("60.00") + D("150.00") + D("15.00") - D("10.00")  # QH-1, QH-2, the fee, the refund
BALANCE = D("1000.00") - SPENT


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The ledger, its books and its province export (read back by DuckDB)."""
    from fundtrail.province.export import export_county
    from fundtrail.province.queries import Province

    folder = tmp_path_factory.mktemp("one-meaning")
    ledger = folder / "main.beancount"
    ledger.write_text(LEDGER, "utf-8")
    FlowIndex.forget()
    books = Books.load(str(ledger))
    assert not books.errors, [e.message for e in books.errors]
    export_county(str(ledger), folder / "prov" / "counties", b"k" * 32)
    return {"books": books, "ledger": ledger, "province": Province(folder / "prov"),
            "out": folder / "prov" / "counties" / "370405"}


def test_a_project_payment_without_fund_is_its_projects_funds_spending_everywhere(county):
    import duckdb

    from fundtrail.reports import county as county_report
    from fundtrail.reports import facts
    from fundtrail.reports.export import payment_rows

    books = county["books"]
    index = books.index
    fig = books.figures("fund")[FUND]
    assert (fig.spent, fig.balance) == (SPENT, BALANCE)
    assert sum(map(amount_of, index.spending(fund=FUND)), D(0)) == SPENT
    # the flow index's own lookup, which idle-funds ages against, counts the same
    assert index.total("receipts", FUND) - index.total("spent_by_fund", FUND) == BALANCE
    # the reports' facts and the county disclosure's fund rows
    assert facts.total([f for f in facts.flows(books) if f.fund == FUND], facts.is_spending) == SPENT
    (row,) = county_report.fund_rows(books, facts.Period.parse("2024"))
    assert (row["spent"], row["balance"]) == (SPENT, BALANCE)
    # the xlsx / open-data payment rows: the project payment is there, with its project's fund
    rows = payment_rows(books, 2024)
    assert sum((r["amount"] for r in rows if r["fund_code"] == FUND), D(0)) == SPENT
    assert {r["project_code"]: r["fund_code"] for r in rows if r["amount"] == D("60.00")} == \
        {"QH-1": FUND}
    assert not [r for r in rows if r["amount"] == D("5.00")]  # the bounced row is no payment
    # the province Parquet, read back as it is and through the province's SQL
    kinds = duckdb.sql(
        f"SELECT kind, fund, project, sum(amount) FROM '{county['out']}/flows.parquet' "
        "WHERE kind IN ('payment', 'subsidy', 'refund') GROUP BY ALL").fetchall()
    assert set(kinds) == {("payment", FUND, None, D("15.00")), ("payment", FUND, "QH-1", D("60.00")),
                          ("payment", FUND, "QH-2", D("150.00")),
                          ("refund", FUND, "QH-2", D("-10.00"))}
    (province,) = [r for r in county["province"].by_fund(2024) if r["fund"] == FUND]
    assert (province["spent"], province["balance"]) == (SPENT, BALANCE)


def test_project_figures_agree_between_books_and_the_province(county):
    books, province = county["books"], county["province"]
    sql = {r["key"]: r for r in province.rows(
        "SELECT key, sum(amount) FILTER (kind = 'spent') AS spent FROM movements "
        "WHERE dimension = 'project' GROUP BY ALL")}
    for code, fig in books.figures("project").items():
        assert sql[code]["spent"] == fig.spent, code
    assert books.figures("project")["QH-1"].spent == D("60.00")  # not the bounced 5.00


@pytest.mark.parametrize("day", [datetime.date(2024, 6, 30), datetime.date(2024, 12, 31)])
def test_the_four_places_of_time_progress_give_one_figure(county, day):
    from fundtrail.fava_ext.charts import progress
    from fundtrail.fava_ext.dashboard import YearView
    from fundtrail.reports.facts import Period

    expected = D(day.month) / 12
    assert time_progress(day) == expected
    period = Period.parse(f"{day.year}Q{(day.month - 1) // 3 + 1}")
    assert period.end == day and period.time_progress == expected  # the reports, the audit
    available = Figures(received=D(1200), balance=D(1200))
    view = YearView(day.year, day, {"fund": {FUND: available}}, {}, [D(0)] * 12, {})
    assert view.schedule == expected  # the Fava dashboard
    point = next(p for p in progress(view)["data"] if p["date"] == day)
    assert point["balance"]["序时进度"] == D(1200) * expected  # the dashboard's chart
    (row,) = county["province"].progress(day.year, as_of=day)
    assert row["timeline"] == expected.quantize(D("0.0001"))  # the province


def test_time_progress_counts_the_month_under_way_by_its_days(county):
    from fundtrail.fava_ext.dashboard import YearView

    assert time_progress(datetime.date(2025, 4, 30)) == D(4) / 12  # 33.3 % at the end of April
    assert time_progress(datetime.date(2024, 2, 15)) == (1 + D(15) / 29) / 12
    assert time_progress(datetime.date(2025, 1, 1)) == D(1) / 31 / 12
    day = datetime.date(2024, 2, 15)
    assert YearView(2024, day, {"fund": {}}, {}, [], {}).schedule == time_progress(day)
    (row,) = county["province"].progress(2024, as_of=day)
    assert row["timeline"] == time_progress(day).quantize(D("0.0001"))


def test_books_and_idle_funds_age_money_alike_through_refunds_and_overspend(county):
    books, index = county["books"], county["books"].index
    # QH-2: 100 in, 150 out (50 overspent), 30 in (20 short), 100 in, 10 refunded -> 90 left:
    # the refund and 80 of the 1 April money; the 30 of 1 March went to the overspend
    lots = unspent(index.allotted_to["QH-2"], index.spent_on["QH-2"])
    assert [(flow.date, amount) for flow, amount in lots] == [
        (datetime.date(2024, 4, 1), D("80.00")), (datetime.date(2024, 5, 1), D("10.00"))]
    fig = books.figures("project")["QH-2"]
    assert fig.balance == D("90.00")
    assert fig.since == since(lots) == datetime.date(2024, 4, 1)
    assert books.figures("project", end=datetime.date(2024, 3, 31))["QH-2"].since is None  # short
    fund_lots = unspent(index.receipts[FUND], index.spent_by_fund[FUND])
    assert books.figures("fund")[FUND].since == since(fund_lots) == datetime.date(2024, 1, 10)
    assert sum((amount for _, amount in fund_lots), D(0)) == books.figures("fund")[FUND].balance
    # the year-end windows of the Fava pages and the province's figures table say the same
    assert books.yearly_figures()[2024]["project"]["QH-2"].since == datetime.date(2024, 4, 1)
    # and idle-funds reports the same money since the same day
    entries, _, _ = loader.load_file(str(county["ledger"]))
    ctx = Context(entries, typed_settings({"as_of": "2026-06-01"}))
    (idle,) = [f for f in RULES["idle-funds"](ctx)
               if dict(f.facets).get("scope") == "project" and "QH-2" in f.links]
    assert (idle.amount, idle.date) == (fig.balance, datetime.date(2026, 4, 2))  # 2 years on


def test_an_id_number_is_one_normal_form_wherever_it_is_read(tmp_path):
    from fundtrail.masking import Masker
    from fundtrail.province.pseudonym import Pseudonymizer
    from fundtrail.registers import HouseholdRegister

    plain = "37040519800101123X"
    for n, written in enumerate((" 37040519800101123x ", "370405 19800101 123X",
                                 "３７０４０５19800101123ｘ", "370405-19800101-123x")):
        assert id_no(written) == plain
        assert Masker().id_no(written) == Masker().id_no(plain)
        assert Pseudonymizer(b"k" * 32).id_no(written) == Pseudonymizer(b"k" * 32).id_no(plain)
        register = tmp_path / f"households-{n}.csv"
        register.write_text(f"户编号,户主姓名,身份证号,行政村\n1,张三,{written},V1\n", "utf-8")
        assert list(HouseholdRegister.read(str(register)).households) == [plain]
    assert id_no(None) == "" and id_no("无") == "无"  # a malformed number stays as written


def test_a_quarter_is_one_span_and_one_name_wherever_it_is_read():
    """The quarter of a day: its first and last day, its label (2024Q3) and its title
    (2024年第三季度) are the same for the cut-offs `fundtrail check` keeps, the reports' periods,
    the village notice, the slow-spending judging days and the Fava pages' titles."""
    from types import SimpleNamespace

    from beancount.core import data as bc

    from fundtrail import periods
    from fundtrail.fava_ext.downloads import period_title
    from fundtrail.plugins.cutoffs import last_quarter
    from fundtrail.reports import village
    from fundtrail.reports.facts import Period

    ends = list(periods.quarter_ends(datetime.date(2023, 12, 31), datetime.date(2025, 12, 31)))
    assert len(ends) == 8
    for end in ends:
        first = end.replace(day=1, month=end.month - 2)
        day = first + datetime.timedelta(days=40)
        label = periods.quarter_label(day)
        assert label == f"{end.year}Q{end.month // 3}"
        txn = bc.Transaction({}, day, "*", None, "", bc.EMPTY_SET, bc.EMPTY_SET, [])
        assert last_quarter(SimpleNamespace(entries=[txn])) == (first, end)
        assert (Period.parse(label).start, Period.parse(label).end) == (first, end)
        assert village.quarter(label) == Period.parse(label)
        assert Period.parse(label).label == period_title(label) == periods.quarter_title(
            *periods.quarter_of(day))
    assert periods.quarter_title(2024, 3) == "2024年第三季度"
    assert village.month("2024-12").end == periods.month_end(2024, 12) == datetime.date(2024, 12, 31)
    assert periods.month_end(2024, 2) == datetime.date(2024, 2, 29)


def test_fund_levels_are_in_one_order_in_every_table():
    """中央 → 省级 → 市级 → 县级 → 社会捐赠 → 帮扶单位 (accounts.FUND_LEVELS): the reports rank
    by it, and so do the Fava overview's chart of idle money and the province's level table."""
    from types import SimpleNamespace

    from fundtrail import accounts as acc
    from fundtrail.fava_ext import charts
    from fundtrail.fava_ext.dashboard import YearView
    from fundtrail.reports import village

    order = list(acc.FUND_LEVELS)
    assert [acc.level_rank(level) for level in order] == list(range(len(order)))
    assert acc.level_rank("省") == acc.level_rank("省级") and acc.level_rank("区级") == acc.level_rank("县级")
    assert acc.level_rank("") == acc.level_rank("其他") == len(order)
    funds = {f"F{n}": SimpleNamespace(level=level, account=acc.fund_account(level, f"F{n}"))
             for n, level in enumerate(reversed(order))}
    master = SimpleNamespace(funds=funds)
    assert [funds[code].level for code in sorted(funds, key=lambda c: village.fund_order(master, c))] \
        == order
    figures = {code: Figures(received=D(1), balance=D(1)) for code in funds}
    view = YearView(2024, datetime.date(2024, 12, 31), {"fund": figures}, {}, [D(0)] * 12, {})
    shown = [node["account"].rsplit(":", 1)[-1] for node in charts.idle(view, master)["data"]["children"]]
    assert [acc.LEVEL_BY_COMPONENT[c] for c in shown] == order


# -- each meaning computed in one place of the product code --------------------------------
PRODUCT = ("core", "plugins", "reports", "fava_ext", "province", "importers", "web", "cli",
           "ledgers")
# An ID number normalised: `.strip().upper()` anywhere, or upper-casing / full-width folding
# on a line (or in a function) about an ID number.
_ID_WORDS = re.compile(r"id_no|身份证|borrower_id|\bperson\b|\bID\b")
_FOLDING = ("upper", "translate", "normalize")
# A card or bank account number cleaned: separators dropped or full-width folded on a line (or in
# a function) about a card or account.
_CARD_WORDS = re.compile(r"card|account|卡号|账号", re.I)
_CLEANING = ("sub", "replace", "translate", "normalize")
_SEPARATOR = re.compile(r"""\\s|["']-["']|["'] ["']|NFKC|_SEPARATORS|_FULL_WIDTH""")
# A share of a year: a month or day count divided by 12, 365, 366, a year constant or a count
# of days.
_TIME = re.compile(r"month|\bdays?\b|\.days\b", re.I)
_YEAR_LENGTH = re.compile(r"^(12|365|366|Decimal\((12|365|366)\)|_?YEAR|.*days.*)$")


def _sites(root: Path) -> dict[str, set[str]]:
    """Where the product code normalises an ID number, works out a share of the year, and
    takes money first in, first out (a loop that takes a non-constant amount off a running
    figure it also compares or passes to min()), builds a masker (calls `Masker(...)`), and
    works out a day's quarter (a month divided by 3), as `path:function`."""
    found: dict[str, set[str]] = {"id_no": set(), "share of year": set(), "fifo": set(),
                                  "masker": set(), "quarter": set(), "account_no": set()}
    for folder in PRODUCT:
        for path in sorted((root / folder).rglob("*.py")):
            text = path.read_text("utf-8")
            lines = text.splitlines()
            for fn in ast.walk(ast.parse(text)):
                if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                where = f"{path.relative_to(root).as_posix()}:{fn.name}"
                for node in ast.walk(fn):
                    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Masker":
                        found["masker"].add(where)
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                            and node.func.attr in _CLEANING \
                            and (_CARD_WORDS.search(fn.name) or _CARD_WORDS.search(lines[node.lineno - 1])) \
                            and _SEPARATOR.search(ast.get_source_segment(text, node) or ""):
                        found["account_no"].add(where)
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                            and node.func.attr in _FOLDING:
                        code = ast.get_source_segment(text, node) or ""
                        if ".strip().upper()" in code or _ID_WORDS.search(lines[node.lineno - 1]) \
                                or _ID_WORDS.search(fn.name):
                            found["id_no"].add(where)
                    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                        left = ast.get_source_segment(text, node.left) or ""
                        right = ast.get_source_segment(text, node.right) or ""
                        if _TIME.search(left) and _YEAR_LENGTH.match(right):
                            found["share of year"].add(where)
                    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv):
                        left = ast.get_source_segment(text, node.left) or ""
                        if "month" in left and ast.get_source_segment(text, node.right) == "3":
                            found["quarter"].add(where)
                    elif isinstance(node, ast.For | ast.While) and _takes_lots(node, text):
                        found["fifo"].add(where)
    return found


def _level_tables(root: Path) -> set[str]:
    """Where the product code writes a table of fund-level spellings, as `path:name` (the
    assigned name or the function): a collection pairing a level's spelling (中央, 省级, 区级 ...)
    with its account component (Central, ...), or a dict from one spelling to another."""
    from fundtrail import accounts as acc

    spellings = set(acc.LEVEL_ALIASES) | set(acc.FUND_LEVELS)
    components = set(acc.LEVEL_BY_COMPONENT)

    def constants(node) -> set:
        return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}

    def is_table(node) -> bool:
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            values = {v.value for v in node.values if isinstance(v, ast.Constant)}
            if keys & spellings and values & spellings:
                return True
        held = constants(node)
        return bool(held & spellings and held & components)

    found = set()
    for folder in PRODUCT:
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text("utf-8"))
            for scope in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]:
                for statement in scope.body:
                    if isinstance(statement, ast.FunctionDef | ast.ClassDef):
                        continue
                    name = scope.name if isinstance(scope, ast.FunctionDef) else next(
                        (t.id for t in getattr(statement, "targets", [getattr(statement, "target", None)])
                         if isinstance(t, ast.Name)), "")
                    if any(is_table(n) for n in ast.walk(statement)
                           if isinstance(n, ast.Tuple | ast.List | ast.Set | ast.Dict)):
                        found.add(f"{path.relative_to(root).as_posix()}:{name}")
    return found


def test_fund_levels_are_spelled_in_one_table():
    """中央/省级/市级/县级 and their other spellings (省, 区级, 社会帮扶 ...) are one table,
    core/accounts.py's, which every importer and report reads (normalize_level, level_in,
    level_rank); a label naming a level is read the same way wherever it is."""
    from fundtrail import accounts as acc

    assert _level_tables(ROOT) == {"core/accounts.py:FUND_LEVELS", "core/accounts.py:LEVEL_ALIASES"}
    for text, level in (("其中:中央衔接资金", "中央"), ("省级衔接资金", "省级"), ("区级配套", "县级"),
                        ("县配套资金", "县级"), ("社会帮扶资金", "社会捐赠"), ("帮扶单位资金", "帮扶单位"),
                        ("驻村帮扶", "帮扶单位"), ("捐赠", "社会捐赠"), ("省市配套", "省级")):
        assert acc.level_in(text) == level, text
        assert acc.level_rank(level) == acc.level_rank(acc.normalize_level(level))
    assert acc.level_in("资金来源文号") is None and acc.level_in("") is None
    for spelling in (*acc.FUND_LEVELS, *acc.LEVEL_ALIASES):  # a spelling alone: its level, as the fund list reads it
        assert acc.level_in(spelling) == acc.normalize_level(spelling)


def _a_size(value) -> bool:
    """`len(...)`: bytes or items counted off (a buffer, a queue), not money."""
    return isinstance(value, ast.Call) and getattr(value.func, "id", "") == "len"


def _takes_lots(loop, text: str) -> bool:
    compared = [ast.get_source_segment(text, n) or "" for n in ast.walk(loop)
                if isinstance(n, ast.Compare)
                or (isinstance(n, ast.Call) and getattr(n.func, "id", "") == "min")]
    for node in ast.walk(loop):
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Sub) \
                and not isinstance(node.value, ast.Constant) and not _a_size(node.value):
            target = ast.get_source_segment(text, node.target) or ""
            if any(target in code for code in compared):
                return True
    return False


def test_each_meaning_is_computed_in_one_place():
    assert _sites(ROOT) == {
        "id_no": {"core/idno.py:id_no"},
        # 序时进度, and slow-spending's own, different measure: the share of the first year
        # since the money arrived (docs/checks-1-8.md)
        "share of year": {"core/flows.py:time_progress",
                          "plugins/rules/progress.py:share_of_first_year",
                          # the demo's micro-loan interest: the banks' actual/365 day count
                          "ledgers/demo/scenario.py:_loans"},
        "fifo": {"core/flows.py:unspent"},
        "masker": {"core/masking.py:_public_masker"},  # what masker_for(books, role) builds
        "quarter": {"core/periods.py:quarter_of"},  # its span, label and title: core/periods.py
        # a card or account number as compared and hashed; a payment request keeps the payee's
        # account as written but for its spaces (the comparisons read it through account_no)
        "account_no": {"core/idno.py:account_no", "importers/requests.py:read"},
    }


def test_the_level_scan_finds_a_second_table(tmp_path):
    (tmp_path / "importers").mkdir()
    (tmp_path / "importers" / "a.py").write_text(
        'HINTS = (("中央", "Central"), ("省", "Province"))\n\n\n'
        'def column(label):\n    return {"区级": "县级"}.get(label)\n', "utf-8")
    assert _level_tables(tmp_path) == {"importers/a.py:HINTS", "importers/a.py:column"}


def test_the_scan_finds_each_way_of_writing_them(tmp_path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "a.py").write_text(
        "def person(meta):\n    return str(meta.get('id_no') or '').strip().upper()\n\n\n"
        "def households(rows):\n    return {r['身份证号'].upper(): r for r in rows}\n\n\n"
        "def schedule(as_of):\n    return Decimal(as_of.month) / 12\n\n\n"
        "def timeline(as_of, start, end):\n"
        "    return Decimal((as_of - start).days + 1) / Decimal((end - start).days + 1)\n\n\n"
        "def outflow(lots, amount):\n    while amount > 0 and lots:\n"
        "        taken = min(lots[0][1], amount)\n        amount -= taken\n\n\n"
        "def counts(errors, left):\n    for e in errors:\n        if left[e] > 0:\n"
        "            left[e] -= 1\n\n\n"
        "def sizes(pieces, left):\n    for p in pieces:\n        if left > 0:\n"
        "            left -= len(p)\n\n\n"
        "def page(ledger):\n    return Masker(MaskPolicy.from_entries(ledger.all_entries))\n\n\n"
        "def label(day):\n    return f'{day.year}Q{(day.month + 2) // 3}'\n\n\n"
        "def card_of(meta):\n    return str(meta.get('card') or '').replace(' ', '')\n\n\n"
        "def officials(row):\n    return {re.sub(r'[\\s-]', '', row['账号']): row}\n", "utf-8")
    assert _sites(tmp_path) == {
        "id_no": {"core/a.py:person", "core/a.py:households"},
        "share of year": {"core/a.py:schedule", "core/a.py:timeline"},
        "fifo": {"core/a.py:outflow"}, "masker": {"core/a.py:page"}, "quarter": {"core/a.py:label"},
        "account_no": {"core/a.py:card_of", "core/a.py:officials"}}


if __name__ == "__main__":  # python tests/test_one_meaning.py: the count of places per meaning
    for meaning, places in {**_sites(ROOT), "level table": _level_tables(ROOT)}.items():
        print(f"{meaning:14} {len(places)}  {', '.join(sorted(places))}")
