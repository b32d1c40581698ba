"""The flow index's derived views: the household register is read once per load, the asset
book built once, a household's help equals a sum over the ledger's postings, and a malformed
register row is one problem, listed once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount.core import data
from rulebook import ACCOUNTS, registers, subsidy

from fundtrail import registers as register_module
from fundtrail.assets import AssetBook
from fundtrail.books import Books
from fundtrail.fava_ext import assets as asset_pages
from fundtrail.flows import FAILED, HELP_DISTRIBUTION, HELP_INTEREST, HELP_SUBSIDY, FlowIndex
from fundtrail.plugins import checks
from fundtrail.registers import id_no

RED, BLUE = "370405199001010011", "370405199002020022"
DISTRIBUTION = """
2023-01-01 open Income:Asset:ZC-1 CNY
2023-01-01 open Assets:Collective:V1 CNY
2023-01-01 open Expenses:Distribution:V1 CNY
2024-03-01 custom "asset" "ZC-1"
  name: "扶贫车间"
  class: "经营性"
  project: "QH2024-S01"
  village: "V1"
  value: 100000.00 CNY
2024-09-01 * "车间承租方" "租金" ^ZC-1
  Income:Asset:ZC-1  -6000.00 CNY
  Assets:Collective:V1
2024-10-01 * "东村" "分红" ^ZC-1
  Expenses:Distribution:V1  1000.00 CNY
    kind: "分红到户"
    asset: "ZC-1"
    beneficiary: "李二"
    id_no: "370405199002020022"
  Assets:Collective:V1
"""


def _ledger(tmp_path, rows=None) -> str:
    """A small ledger with the checks plugin, a household register of `rows`, two subsidies
    and an asset's income distributed to one household; its path."""
    rows = rows if rows is not None else [
        ("H1", "张一", RED, "东", "东村", "", "监测户(边缘易致贫户)", "", "红", "6231000000000000001", "", "2024-05-01", ""),
        ("H2", "李二", BLUE, "东", "东村", "", "脱贫户", "", "蓝", "6231000000000000002", "", "", "")]
    text = ('plugin "fundtrail.plugins.checks"\n' + ACCOUNTS + registers(tmp_path)
            + subsidy("2024-06-20", "1", "张一", RED, "V1")
            + subsidy("2024-07-20", "2", "李二", BLUE.lower(), "V1") + DISTRIBUTION)
    head = "户编号,户主姓名,身份证号,乡镇,行政村,家庭人口,户类型,主要致贫/返贫原因,风险等级,一卡通账号,联系电话,识别日期,风险消除日期"
    (tmp_path / "households.csv").write_text(
        "\n".join([head, *(",".join(row) for row in rows)]) + "\n", "utf-8")
    path = tmp_path / "main.beancount"
    path.write_text(text, "utf-8")
    return str(path)


def _every_reader(books) -> None:
    """What one load asks of the register and the asset book: the checks (at load and again),
    the Fava pages and the village notice's asset summary."""
    checks.all_findings(books.entries, books.options)
    asset_pages.page(books, [], 2024, datetime.date(2024, 12, 31))
    for internal in (True, False):
        asset_pages.monitored(books, "V1", 2024, datetime.date(2024, 12, 31), internal, "H1")
    from fundtrail import assets
    assets.summary(books.master, books.index.asset_book, "V1", None, datetime.date(2024, 12, 31))


@pytest.fixture
def counted(monkeypatch):
    """Calls of the registers' CSV reader (`read_table`) and of the asset book's builder."""
    calls = {"register": [], "book": 0}
    read, build = register_module.read_table, AssetBook.of.__func__

    def read_counted(path):
        calls["register"].append(path)
        return read(path)

    def build_counted(cls, index, assets):
        calls["book"] += 1
        return build(cls, index, assets)

    monkeypatch.setattr(register_module, "read_table", read_counted)
    monkeypatch.setattr(AssetBook, "of", classmethod(build_counted))
    FlowIndex.forget()
    yield calls
    FlowIndex.forget()


def test_the_household_register_is_read_once_per_load(tmp_path, counted):
    books = Books.load(_ledger(tmp_path), trust_caches=False)
    _every_reader(books)
    assert counted["register"] == [str(tmp_path / "households.csv"), str(tmp_path / "officials.csv")]
    assert set(books.index.household_register.households) == {RED, BLUE}
    assert books.index.household_register.households[BLUE].card == "6231000000000000002"


def test_the_asset_book_is_built_once_per_load(tmp_path, counted):
    books = Books.load(_ledger(tmp_path), trust_caches=False)
    _every_reader(books)
    assert counted["book"] == 1
    assert [m.purpose for m in books.index.asset_book.distributions] == ["分红到户"]


def test_a_new_load_reads_again(tmp_path, counted):
    path = _ledger(tmp_path)
    Books.load(path, trust_caches=False)
    ledger = tmp_path / "main.beancount"
    ledger.write_text(ledger.read_text("utf-8") + "\n", "utf-8")
    Books.load(path, trust_caches=False)  # the plugin reads the register of the new load
    assert [p for p in counted["register"] if p.endswith("households.csv")] == \
        [str(tmp_path / "households.csv")] * 2


def test_a_malformed_row_is_one_problem_listed_once(tmp_path):
    rows = [("H1", "张一", RED, "东", "东村", "", "脱贫户", "", "蓝", "", "", "2024-13-01", ""),
            ("H2", "李二", BLUE, "东", "东村", "", "脱贫户", "", "蓝", "", "", "", "")]
    FlowIndex.forget()
    books = Books.load(_ledger(tmp_path, rows), trust_caches=False)
    _every_reader(books)
    problems = [e for e in books.errors if "脱贫户/监测户登记册“" in str(e.message)]
    assert len(problems) == 1, [e.message for e in books.errors]
    assert problems[0].message.startswith("主数据有误：")
    why = problems[0].message.split("主数据有误：", 1)[1]
    # Chinese, naming the register by its file inside the workspace, no machine path
    assert why == "脱贫户/监测户登记册“households.csv”第1条记录：识别日期格式应如 2024-05-01：2024-13-01"
    assert problems[0].source["lineno"] > 0  # at the register's directive
    found, errors = checks.review(books.entries, checks.parse_settings(None))
    assert [e.message for e in errors if "脱贫户/监测户登记册“" in e.message] == [problems[0].message]
    register = books.index.household_register
    assert len(register.problems) == 1 and register.usable
    assert register.households[RED].identified is None  # the field is lost, not the household
    FlowIndex.forget()


def test_an_unreadable_register_is_one_problem_and_reads_as_empty(tmp_path):
    path = _ledger(tmp_path)
    (tmp_path / "households.csv").write_bytes("户主姓名,身份证号\n韦云鹏,1\n".encode("gbk"))
    FlowIndex.forget()
    books = Books.load(path, trust_caches=False)
    register = books.index.household_register
    assert not register.usable and register.households == {} and "UTF-8" in register.problem
    assert sum("UTF-8" in str(e.message) for e in books.errors
               if type(e).__name__ == "MasterDataProblem") == 1
    FlowIndex.forget()


def _received_by_postings(books, person: str) -> tuple[Decimal, int]:
    """What the ledger's postings say `person` received: expense postings naming their ID
    (subsidies, distributions) and those naming a loan of theirs (interest subsidies),
    bounced rows left out."""
    loans = {code for code, loan in books.master.loans.items() if id_no(loan.borrower_id) == person}
    total, count = Decimal(0), 0
    for entry in books.entries:
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            meta = posting.meta or {}
            if not posting.account.startswith("Expenses:") or FAILED in str(meta.get("status", "")):
                continue
            if id_no(meta.get("id_no")) == person or str(meta.get("loan", "")) in loans:
                total, count = total + posting.units.number, count + 1
    return total, count


def test_a_households_help_equals_the_sum_of_its_postings(demo_books):
    index = demo_books.index
    subsidized = list(index.by_person)[:3]
    distributed = next(m.person for m in index.asset_book.distributions if m.person)
    borrower = next(id_no(loan.borrower_id) for loan in demo_books.master.loans.values()
                    if any(h.channel == HELP_INTEREST for h in index.help_of(id_no(loan.borrower_id))))
    people = [*subsidized, distributed, borrower]
    channels = set()
    for person in people:
        got = index.help_of(person)
        assert (sum((h.amount for h in got), Decimal(0)), len(got)) == \
            _received_by_postings(demo_books, person), person
        assert [h.date for h in got] == sorted(h.date for h in got)
        channels.update(h.channel for h in got)
    assert channels == {HELP_SUBSIDY, HELP_INTEREST, HELP_DISTRIBUTION}
    assert index.help_of("not an id") == []


def test_the_officials_register_is_read_once_per_load(tmp_path, counted):
    """The checks (the related-party rule, the rules that leave cadres' relatives out), the
    village notice's marks and the province export all read the flow index's one view."""
    from fundtrail.province.export import CountyExport
    from fundtrail.province.pseudonym import Pseudonymizer
    from fundtrail.reports import village
    from fundtrail.reports.facts import Period

    path = _ledger(tmp_path)
    (tmp_path / "officials.csv").write_text(
        "姓名,身份证号,单位/村,职务,关系人姓名,关系人身份证号,关系\n"
        f"王五,370405197001010099,东村,主任,李二,{BLUE},女婿\n", "utf-8")
    books = Books.load(path, trust_caches=False)
    _every_reader(books)
    village.notice_context(books, Period.parse("2024Q3"), "V1")
    exported = CountyExport(books, Pseudonymizer(b"k" * 32))._officials()
    assert [(r["role"], r["name"]) for r in exported] == [("cadre", "王五"), ("relative", "李二")]
    assert [p for p in counted["register"] if p.endswith("officials.csv")] == [str(tmp_path / "officials.csv")]
    known = books.index.officials
    assert known.role({"id_no": BLUE}) == "relative" and known.problem == ""
    assert known.accounts["6231000000000000002"].startswith("系东村主任王五")  # the household register's card
    found = [f for f in checks.all_findings(books.entries, books.options) if f.rule == "related-party"]
    assert [f.date for f in found] == [datetime.date(2024, 7, 20)]  # 李二's subsidy


def test_an_unusable_register_is_named_by_its_file_in_the_workspace_in_chinese(tmp_path):
    path = _ledger(tmp_path)
    (tmp_path / "officials.csv").unlink()
    (tmp_path / "screening.csv").write_text("类别,身份证号,姓名,日期,金额\n医疗,,,2024-13-01,x\n", "utf-8")
    with open(path, "a", encoding="utf-8") as ledger:
        ledger.write(f'2023-01-01 custom "register" "screening" "{tmp_path / "screening.csv"}"\n')
    FlowIndex.forget()
    books = Books.load(path, trust_caches=False)
    found = checks.all_findings(books.entries, books.options)
    (missing,) = [f for f in found if f.rule == "related-party"]
    assert "登记册文件“officials.csv”不存在" in missing.message
    assert str(tmp_path) not in missing.message and "not found" not in missing.message
    unread = [str(e.message) for e in books.errors if type(e).__name__ == "MasterDataProblem"]
    assert [m for m in unread if "officials.csv" in m] == [
        "主数据有误：登记册文件“officials.csv”不存在"]
    (row,) = [m for m in unread if "部门筛查预警名单“" in m]  # listed once, no longer dropped
    assert row.endswith("部门筛查预警名单“screening.csv”第1条记录：日期格式应如 2024-05-01：2024-13-01；"
                        "金额应为数字：x；缺少身份证号和姓名")
    assert not any(str(tmp_path) in m for m in unread)
    FlowIndex.forget()
