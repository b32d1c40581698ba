"""The collective layer's own records: asset income records (资产收益明细) and distribution rosters
(资产收益分配明细), CSV and Excel with the header variants villages use, post through the
collective accounts into transactions/collective.beancount; a re-import adds nothing; a bad row
names its file and row and writes nothing. The demo builds its collective layer through them,
with the same figures and findings as when the books were written directly."""

import csv
import importlib.util
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from beancount import loader
from beancount.core import data
from click.testing import CliRunner
from conftest import copy_workspace, snapshot

from fundtrail.books import Books
from fundtrail.cli import main
from fundtrail.importers.errors import BadInput
from fundtrail.importers.pipeline import run_import

COLLECTIVE = "transactions/collective.beancount"
EAST, WEST = "370405101201", "370405101202"
REGISTER = [["资产编号", "资产名称", "资产类别", "项目编号", "行政村", "所有权人", "资产价值(元)", "管护主体",
             "预期年收益(元)", "登记日期"],
            ["ZC2024-003", "东村光伏电站", "经营性", "", "东村", "东村股份经济合作社", "812400", "东村村委会",
             "48000", "2024-08-20"],
            ["ZC2024-004", "东村道路", "公益性", "", "东村", "东村村民委员会", "1200000", "东村村委会", "",
             "2024-09-01"],
            ["ZC2024-010", "西村冷库", "经营性", "", "西村", "西村股份经济合作社", "355000", "西村村委会",
             "20000", "2024-08-01"]]


def write(path: Path, rows, encoding="utf-8", title=None) -> Path:
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        if title:
            sheet.append([title])
        for row in rows:
            sheet.append(row)
        book.save(path)
    else:
        with path.open("w", encoding=encoding, newline="") as handle:
            if title:
                handle.write(title + "\n")
            csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


@pytest.fixture
def county(workspace, tmp_path):
    """A workspace with two villages and three registered assets (two operating)."""
    with open(workspace.parent / "masterdata/county.beancount", "a", encoding="utf-8") as handle:
        handle.write(f'\n2023-01-01 custom "village" "{EAST}"\n  name: "东村"\n'
                     f'\n2023-01-01 custom "village" "{WEST}"\n  name: "西村"\n')
    run_import(workspace, [write(tmp_path / "台账.csv", REGISTER)])
    return workspace


def entries(workspace) -> list[data.Transaction]:
    loaded, errors, _ = loader.load_file(str(workspace))
    assert not [e for e in errors if type(e).__name__ != "Finding"], errors
    return [e for e in loaded if isinstance(e, data.Transaction)
            and e.meta["filename"].endswith("collective.beancount")]


# Income records: (file name, title, rows, encoding); each holds 1,000.00 + 2,500.00 for
# ZC2024-003 (东村) and 800.00 for ZC2024-010 (西村), and the columns read past.
INCOME = [
    ("收益-a.xlsx", "2024年资产收益明细表",
     [["序号", "收益编号", "资产编号", "资产名称", "行政村", "收益类型", "收益金额(元)", "到账日期", "付款单位",
       "摘要", "备注"],
      [1, "SY-A1", "ZC2024-003", "东村光伏电站", "东村", "发电收益", 1000.0, "2024-09-25", "国网青禾供电公司",
       "东村光伏电站 9月发电收益", ""],
      [2, "SY-A2", "ZC2024-003", "东村光伏电站", "东村", "发电收益", "2,500.00", "2024/12/25", "国网青禾供电公司",
       "", "季度结算"],
      [3, "SY-A3", "ZC2024-010", "西村冷库", "西村", "租金", 800, "2024年12月20日", "西村果蔬合作社", "", ""]],
     "utf-8", "序号、备注"),  # an income's 序号 is written nowhere: ignored
    ("收益-b.csv", None,
     [["资产代码", "收款日期", "收入金额", "收入类型", "缴款单位", "票据号", "经办人"],
      ["ZC2024-003", "20240925", "1000", "发电收益", "国网青禾供电公司", "PJ-0001", "王会计"],
      ["ZC2024-003", "20241225", "2500.00", "发电收益", "国网青禾供电公司", "PJ-0002", "王会计"],
      ["ZC2024-010", "20241220", "800", "租金", "西村果蔬合作社", "PJ-0003", "李会计"],
      ["合计", "", "4300.00", "", "", "", ""]],
     "gb18030", "经办人"),
    ("收益-c.csv", "西村、东村资产收益台账",
     [["日期", "资产编号", "金额(万元)", "收益来源", "承租方", "所在村", "乡镇", "年度"],
      ["2024-09-25", "ZC2024-003", "0.1", "发电收益", "国网青禾供电公司", "东村", "", "2024"],
      ["2024-12-25", "ZC2024-003", "0.25", "发电收益", "国网青禾供电公司", "东村", "", "2024"],
      ["2024-12-20", "ZC2024-010", "0.08", "租金", "西村果蔬合作社", "西村", "", "2024"]],
     "utf-8-sig", "年度"),
]


@pytest.mark.parametrize("name,title,rows,encoding,ignored", INCOME, ids=["xlsx", "csv-gbk", "csv-wan"])
def test_income_records_post_to_the_collective_accounts(county, tmp_path, name, title, rows, encoding,
                                                        ignored):
    path = write(tmp_path / name, rows, encoding, title)
    summary = run_import(county, [path])
    report = summary.files[0]
    assert (report.new, report.transactions, "、".join(report.ignored)) == (3, 3, ignored)
    assert f"忽略的列(不入账) columns ignored: {ignored}" in "\n".join(summary.lines())
    got = entries(county)
    assert len(got) == 3
    for entry in got:
        assert {"source", "sha256", "row", "batch"} <= set(entry.meta)
        assert entry.meta["source"].startswith("documents/Assets/Collective/")
        held, earned = entry.postings
        assert held.account.startswith("Assets:Collective:") and earned.account.startswith("Income:Asset:")
        assert held.units.number == -earned.units.number > 0
        assert earned.meta["kind"] in ("发电收益", "租金")
        assert acc_leaf(earned.account) in entry.links
    book = Books.load(str(county)).index.asset_book.by_village()
    assert book[EAST]["received"] == Decimal("3500.00") == book[EAST]["held"]
    assert book[WEST]["received"] == Decimal("800.00")
    rows_seen = sorted(int(e.meta["row"]) for e in got)
    first = 3 if title else 2  # the physical row a person sees
    assert rows_seen == [first, first + 1, first + 2]


def acc_leaf(account: str) -> str:
    return account.rsplit(":", 1)[1]


DISTRIBUTION_CSV = [
    ["序号", "批次号", "资产编号", "乡镇", "行政村", "分配类型", "姓名", "身份证号", "一卡通账号", "分配金额(元)",
     "发放日期", "发放状态", "摘要", "备注"],
    ["1", "FP202501-101201", "ZC2024-003", "", "东村", "分红到户", "王秀英", "37040519580912002x",
     "6231000000000000027", "700.00", "2025-01-20", "成功", "", ""],
    ["2", "FP202501-101201", "ZC2024-003", "", "东村", "公益岗位", "赵大成", "370405196203150031",
     "6231000000000000031", "200.00", "2025-01-20", "成功", "", "保洁员"],
    ["3", "FP202501-101201", "ZC2024-003", "", "东村", "村级公益事业", "", "", "", "100.00", "2025-01-20",
     "成功", "用于村内道路保洁", ""],
    ["4", "FP202501-101201", "ZC2024-003", "", "东村", "分红到户", "李四", "370405197001010055",
     "6231000000000000055", "700.00", "2025-01-20", "失败:账户冻结", "", ""],
]
DISTRIBUTION_XLSX = [
    ["序号", "资产代码", "村", "分配用途", "户主姓名", "身份证号码", "社保卡号", "发放金额", "分配日期", "领取人签字"],
    [1, "ZC2024-003", "东村", "分红", "王秀英", "37040519580912002X", "6231000000000000027", 700.0,
     "2025-01-20", None],
    [2, "ZC2024-003", "东村", "公益岗位工资", "赵大成", "370405196203150031", "6231000000000000031", 200,
     "2025-01-20", None],
    [3, "ZC2024-003", "东村", "公益事业", "东村村民委员会", None, None, "100", "2025-01-20", None],
]


@pytest.mark.parametrize("name,rows,title,ignored,skipped", [
    ("分配.csv", DISTRIBUTION_CSV, None, "备注", 1),
    ("分配.xlsx", DISTRIBUTION_XLSX, "东村2025年上半年资产收益分配花名册", "领取人签字", 0)])
def test_distribution_rosters_pay_out_of_the_collective(county, tmp_path, name, rows, title, ignored,
                                                        skipped):
    income = write(tmp_path / "收益.xlsx", INCOME[0][2], title="收益")
    run_import(county, [income])
    summary = run_import(county, [write(tmp_path / name, rows, title=title)])
    report = summary.files[0]
    assert (report.read, report.new, len(report.skipped), report.ignored) == (3 + skipped, 3, skipped,
                                                                              [ignored])
    paid = [e for e in entries(county) if e.postings[0].account.startswith("Expenses:Distribution:")]
    assert len(paid) == 3
    by_kind = {e.postings[0].meta["kind"]: e for e in paid}
    assert set(by_kind) == {"分红到户", "公益岗位工资", "村级公益事业"}
    dividend = by_kind["分红到户"]
    assert dividend.postings[0].account == f"Expenses:Distribution:{EAST}"
    assert dividend.postings[1].account == f"Assets:Collective:{EAST}"
    meta = dividend.postings[0].meta
    assert (meta["asset"], meta["beneficiary"], meta["id_no"], meta["card"]) == (
        "ZC2024-003", "王秀英", "37040519580912002X", "6231000000000000027")
    batch = "FP202501-101201"
    assert dividend.links == {f"YKT-{batch}-001", f"YKT-{batch}", "ZC2024-003"}
    works = by_kind["村级公益事业"]
    assert "beneficiary" not in works.postings[0].meta and works.payee == "东村村民委员会"
    book = Books.load(str(county)).index.asset_book
    figures = book.by_village()[EAST]
    assert (figures["received"], figures["distributed"], figures["held"]) == (
        Decimal("3500.00"), Decimal("1000.00"), Decimal("2500.00"))
    household = [m for m in book.distributions if m.person == "37040519580912002X"]
    assert [m.amount for m in household] == [Decimal("700.00")]


def test_income_and_register_in_one_batch_and_a_reimport_adds_nothing(workspace, tmp_path):
    with open(workspace.parent / "masterdata/county.beancount", "a", encoding="utf-8") as handle:
        handle.write(f'\n2023-01-01 custom "village" "{EAST}"\n  name: "东村"\n'
                     f'\n2023-01-01 custom "village" "{WEST}"\n  name: "西村"\n')
    files = [write(tmp_path / "台账.csv", REGISTER), write(tmp_path / "收益.csv", INCOME[1][2], "gb18030"),
             write(tmp_path / "分配.csv", DISTRIBUTION_CSV)]
    first = run_import(workspace, files)  # the register is read first, whatever the order given
    assert first.transactions == 6
    root = workspace.parent
    before = snapshot(root / "transactions")
    again = run_import(workspace, files)
    assert again.transactions == 0
    assert [(f.new, f.present) for f in again.files[1:]] == [(0, 3), (0, 3)]
    assert snapshot(root / "transactions") == before
    assert len(entries(workspace)) == 6
    # a copy of the same file under another name is the same rows: nothing new either
    copy = tmp_path / "copy"
    copy.mkdir()
    renamed = write(copy / "收益明细(复制).csv", INCOME[1][2], "gb18030")
    assert run_import(workspace, [renamed]).transactions == 0


def _bad(rows, at, column, value):
    rows = [list(r) for r in rows]
    rows[at][rows[0].index(column)] = value
    return rows


BAD = [
    ("income", _bad(INCOME[1][2], 2, "收入金额", "25OO.00"), "收益金额无法识别", 3),
    ("income", _bad(INCOME[1][2], 2, "收入金额", "-2500"), "收益金额应为正数", 3),
    ("income", _bad(INCOME[1][2], 3, "资产代码", "ZC2099-001"), "资产编号 'ZC2099-001' 不在项目资产台账中", 4),
    ("income", _bad(INCOME[1][2], 1, "收入类型", ""), "收益类型为空", 2),
    ("income", _bad(INCOME[1][2], 1, "资产代码", "ZC2024-004"), "不是经营性资产", 2),
    ("income", _bad(INCOME[1][2], 2, "收款日期", "2024-13-45"), "收益日期无法识别", 3),
    ("distribution", _bad(DISTRIBUTION_CSV, 2, "分配金额(元)", "二百元"), "分配金额无法识别", 3),
    ("distribution", _bad(DISTRIBUTION_CSV, 1, "行政村", "南村"), "行政村 '南村' 不在区划代码表中", 2),
    ("distribution", _bad(DISTRIBUTION_CSV, 3, "行政村", "西村"), "与本行行政村 西村 不符", 4),
    ("distribution", _bad(DISTRIBUTION_CSV, 2, "资产编号", "ZC9999"), "资产编号 'ZC9999' 不在项目资产台账中", 3),
    ("distribution", _bad(DISTRIBUTION_CSV, 1, "分配类型", "奖励"), "分配类型 '奖励' 应为", 2),
    ("distribution", _bad(DISTRIBUTION_CSV, 1, "身份证号", ""), "分红到户应付到户", 2),
    ("distribution", _bad(DISTRIBUTION_CSV, 2, "序号", "1"), "批次 FP202501-101201 序号 1 重复(亦见第2行)", 3),
    ("distribution", _bad(DISTRIBUTION_CSV, 0, "备注", "核发日期"), "列“核发日期”像是日期", 1),
    ("income", _bad(INCOME[1][2], 0, "经办人", "结算金额(元)"), "[income] \"结算金额(元)\"", 1),
]


@pytest.mark.parametrize("kind,rows,message,row", BAD, ids=[f"{b[0]}-{b[2][:8]}" for b in BAD])
def test_a_bad_row_is_refused_with_file_and_row_and_nothing_written(county, tmp_path, kind, rows,
                                                                   message, row):
    if kind == "distribution":
        run_import(county, [write(tmp_path / "收益.csv", INCOME[1][2], "gb18030")])
    root = county.parent
    before = snapshot(root)
    path = write(tmp_path / f"{kind}.csv", rows, "gb18030" if kind == "income" else "utf-8")
    with pytest.raises(BadInput) as caught:
        run_import(county, [path])
    assert message in caught.value.zh and caught.value.row == row
    assert f"{kind}.csv 第{row}行" in str(caught.value)
    assert snapshot(root) == before
    result = CliRunner().invoke(main, ["import", str(county), str(path)])
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output
    assert snapshot(root) == before


# -- the demo -------------------------------------------------------------------------------------
def _figures_module():
    path = Path(__file__).parent.parent / "benchmarks" / "collective_figures.py"
    spec = importlib.util.spec_from_file_location("collective_figures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_imports_its_collective_layer_with_the_same_figures(demo, tmp_path):
    """The demo's collective.beancount comes from its spreadsheets under documents/; written the
    old way (the scenario's entries rendered straight into the file) the books give the same
    figures: every village's 资产收益分配 notice section for every quarter, the 资产 page, what each
    household received, and the same findings."""
    from fundtrail.ledgers.demo.build import planned, transaction
    from fundtrail.plugins.checks import all_findings

    root, _ = demo
    imported = entries(root / "main.beancount")
    assert len(imported) > 200
    assert all(e.meta["source"].startswith("documents/Assets/Collective/") and "row" in e.meta
               and e.meta["batch"] == "IMP-DEMO" for e in imported)
    assert {Path(e.meta["source"]).suffix for e in imported} == {".xlsx", ".csv"}
    direct = copy_workspace_path(root, tmp_path / "direct")
    rendered = [t for t in planned(20241).txns if t.file == "collective"]
    assert len(rendered) == len(imported)
    (direct / COLLECTIVE).write_text("; 村集体资产收益及分配 (asset income and its distribution)\n\n"
                                     + "\n".join(transaction(t) for t in rendered), "utf-8")
    figures = _figures_module().figures
    before, after = figures(direct / "main.beancount"), figures(root / "main.beancount")
    assert before["households"] and before["notices"] and before["page"]["2025"]["rows"]
    assert after == before
    found = {}
    for name, ledger in (("direct", direct), ("imported", root)):
        loaded, _, options = loader.load_file(str(ledger / "main.beancount"))
        found[name] = sorted(f.id for f in all_findings(loaded, options))
    assert found["imported"] == found["direct"]


def copy_workspace_path(source: Path, target: Path) -> Path:
    copy_workspace(source, target)
    return target


def test_only_a_file_naming_assets_is_taken_for_one_lacking_a_column(county, tmp_path):
    from fundtrail.importers.collective import DistributionImporter, IncomeRecordImporter

    statement = write(tmp_path / "对账单.csv", [["日期", "金额", "摘要"], ["2025-01-02", "100.00", "利息"]])
    assert IncomeRecordImporter().score(statement) == DistributionImporter().score(statement) == 0
    with pytest.raises(BadInput, match="无法识别的文件"):
        run_import(county, [statement])
    partial = write(tmp_path / "收益.csv", [["资产编号", "日期", "金额"], ["ZC2024-003", "2025-01-02", "100"]])
    assert 0 < IncomeRecordImporter().score(partial) < 100
    with pytest.raises(BadInput, match="表头缺少列: 收益类型"):
        run_import(county, [partial])


def test_an_asset_name_other_than_the_registers_is_a_note(county, tmp_path):
    rows = _bad(INCOME[0][2], 1, "资产名称", "东村光伏发电站")
    summary = run_import(county, [write(tmp_path / "收益.xlsx", rows)])
    assert summary.files[0].warnings == [
        "第2行 资产名称 东村光伏发电站 与台账中 ZC2024-003 的名称 东村光伏电站 不同 / row 2: the asset name "
        "differs from the register's"]
    assert summary.transactions == 3


def test_the_workspaces_column_mapping_names_a_countys_own_headers(county, tmp_path):
    run_import(county, [write(tmp_path / "收益.csv", INCOME[1][2], "gb18030")])
    rows = [list(r) for r in DISTRIBUTION_CSV]
    rows[0][rows[0].index("发放日期")] = "领款日期"
    rows[0][rows[0].index("备注")] = "村民小组长"
    path = write(tmp_path / "分配.csv", rows)
    with pytest.raises(BadInput, match="表头缺少列: 发放日期"):
        run_import(county, [path])
    (county.parent / "columns.toml").write_text(
        '[distributions]\n"领款日期" = "发放日期"\n"村民小组长" = "ignore"\n', "utf-8")
    report = run_import(county, [path]).files[0]
    assert (report.new, report.ignored) == (3, ["村民小组长"])
    assert ("领款日期", "发放日期") in report.mapped


def test_by_asset_name_without_row_numbers_and_paid_statuses(county, tmp_path):
    """A township's roster naming the asset by name, no 序号 and no 批次号, 已发放 for paid: every
    row is known by what it pays, so importing it again (rows reordered) adds nothing."""
    run_import(county, [write(tmp_path / "收益.csv", [
        ["资产名称", "所在村", "入账日期", "收益金额（元）", "收益方式", "承租方"],
        ["东村光伏电站", "东村", "20241010", "2000.00", "发电收益", "国网青禾供电公司"]])])
    rows = [["资产名称", "村名称", "领取人", "公民身份号码", "一卡通卡号", "金额", "用途", "发放时间", "发放结果"],
            ["东村光伏电站", "东村", "王秀英", "370405195809120027", "6231000000000000027", "600.00", "分红",
             "2025年1月20日", "已发放"],
            ["东村光伏电站", "东村", "赵大成", "370405196203150031", "6231000000000000031", "600.00", "分红",
             "2025年1月20日", "已发放"],
            ["东村光伏电站", "东村", "李四", "370405197001010055", "6231000000000000055", "600.00", "分红",
             "2025年1月20日", "发放失败"]]
    first = run_import(county, [write(tmp_path / "分配.csv", rows)]).files[0]
    assert (first.new, len(first.skipped)) == (2, 1)
    paid = [e for e in entries(county) if e.postings[0].account.startswith("Expenses:Distribution:")]
    assert {e.postings[0].meta["asset"] for e in paid} == {"ZC2024-003"}
    assert all("分红" in e.narration and "东村光伏电站" in e.narration for e in paid)
    assert sorted(lk for e in paid for lk in e.links if lk.count("-") == 3) == [  # as ledgers carry them
        "YKT-FP202501-101201-R36c3a5a8", "YKT-FP202501-101201-Re55a743f"]
    again = run_import(county, [write(tmp_path / "分配2.csv", [rows[0], rows[2], rows[1], rows[3]])])
    assert again.transactions == 0 and again.files[0].present == 2
    with pytest.raises(BadInput, match="与第2行重复"):
        run_import(county, [write(tmp_path / "分配3.csv", [rows[0], rows[1], rows[1]])])


def test_income_before_the_registration_opens_its_account_earlier_and_the_register_keeps_it(
        county, tmp_path):
    early = [["资产编号", "收益日期", "收益金额", "收益类型"], ["ZC2024-003", "2024-07-01", "500", "发电收益"]]
    summary = run_import(county, [write(tmp_path / "早.csv", early)])
    assert summary.transactions == 1 and "早于其登记日期 2024-08-20" in summary.files[0].warnings[0]
    text = (county.parent / "masterdata/assets.beancount").read_text("utf-8")
    assert "2024-07-01 open Income:Asset:ZC2024-003" in text
    again = run_import(county, [write(tmp_path / "台账2.csv", REGISTER)])  # the register re-imported
    assert again.files[0].updated == 0
    assert "2024-07-01 open Income:Asset:ZC2024-003" in (
        county.parent / "masterdata/assets.beancount").read_text("utf-8")
    assert len(entries(county)) == 1
