"""The asset register (资产台账, Excel) becomes master data: assets, income accounts, the
collectives' accounts and disposals; a changed register updates in place; a bad row names its
file and row and writes nothing."""

import openpyxl
from beancount import loader
from click.testing import CliRunner
from conftest import snapshot

from fundtrail.cli import main
from fundtrail.importers.pipeline import run_import
from fundtrail.masterdata import MasterData

HEADER = ["序号", "资产编号", "资产名称", "资产类别", "项目编号", "乡镇", "所在村", "产权归属",
          "资产原值(万元)", "管护主体", "预期年收益(元)", "确权日期", "处置方式", "处置日期", "处置批准文号"]
ROWS = [
    [1, "ZC2024-003", "东村光伏电站", "经营性资产", "QH2024-003", "东镇", "东村", "东村股份经济合作社",
     "81.24", "东村村委会", "48,000.00", "2024-08-20", None, None, None],
    [2, "ZC2024-004", "东村道路", "公益性", "QH2024-004", "东镇", "东村", "东村村民委员会",
     120, "东村村委会", None, "2024/09/01", None, None, None],
    [3, "ZC2023-009", "西村冷库", "经营性", "QH2023-009", "西镇", "西村", "西村股份经济合作社",
     "35.5", "西村村委会", "20000", "2023-12-01", "报废", "2025-06-30", None],
]


def register(path, rows=ROWS, header=HEADER):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["青禾区扶贫项目资产台账（截至2025年6月30日）"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append(["合计", None, None, None, None, None, None, None, "236.74"])
    book.save(path)
    return path


def master(workspace) -> MasterData:
    entries, errors, _ = loader.load_file(str(workspace))
    assert not [e for e in errors if type(e).__name__ != "Finding"], errors
    return MasterData.from_entries(entries)


def villages(workspace):
    with open(workspace.parent / "masterdata/county.beancount", "a", encoding="utf-8") as handle:
        handle.write('\n2023-01-01 custom "village" "370405101201"\n  name: "东村"\n')


def test_the_register_becomes_master_data(workspace, tmp_path):
    villages(workspace)
    summary = run_import(workspace, [register(tmp_path / "台账.xlsx")])
    report = summary.files[0]
    assert (report.read, len(report.skipped)) == (4, 1)  # the totals row is skipped
    md = master(workspace)
    solar, road, store = (md.assets[c] for c in ("ZC2024-003", "ZC2024-004", "ZC2023-009"))
    assert (solar.cls, solar.value, solar.expected_income, solar.village) == (
        "经营性", 812400, 48000, "370405101201")
    assert store.village == "西村" and any("西村" in w for w in report.warnings)
    assert (road.cls, road.value, road.registered.isoformat()) == ("公益性", 1200000, "2024-09-01")
    assert md.disposals["ZC2023-009"].kind == "报废" and md.disposals["ZC2023-009"].approval == ""
    accounts = set(md.accounts)
    assert {"Income:Asset:ZC2024-003", "Income:Asset:ZC2023-009", "Assets:Collective:370405101201",
            "Expenses:Distribution:370405101201"} <= accounts
    assert not [a for a in accounts if a.startswith("Assets:Collective:") and not a.isascii()]
    assert "Income:Asset:ZC2024-004" not in accounts  # a road earns nothing


def test_importing_again_changes_in_place(workspace, tmp_path):
    run_import(workspace, [register(tmp_path / "a.xlsx")])
    again = run_import(workspace, [register(tmp_path / "a.xlsx")])
    assert again.files[0].present == 3 and again.files[0].updated == 0
    rows = [list(r) for r in ROWS]
    rows[0][8] = "90"
    rows[2][14] = "青禾乡振〔2025〕9号"
    changed = run_import(workspace, [register(tmp_path / "b.xlsx", rows)])
    assert changed.files[0].updated >= 1
    text = (workspace.parent / "masterdata/assets.beancount").read_text("utf-8")
    assert text.count('custom "asset" "ZC2024-003"') == 1 and "value: 900000.00 CNY" in text
    assert text.count('custom "asset-disposal" "ZC2023-009"') == 1
    assert master(workspace).disposals["ZC2023-009"].approval == "青禾乡振〔2025〕9号"


def test_a_bad_row_names_file_and_row_and_writes_nothing(workspace, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][3] = "其他"
    bad = register(tmp_path / "台账.xlsx", rows)
    before = snapshot(workspace.parent)
    result = CliRunner().invoke(main, ["import", str(workspace), str(bad)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "台账.xlsx 第4行" in result.output and "资产类别" in result.output
    assert snapshot(workspace.parent) == before
    rows = [list(r) for r in ROWS]
    rows[0][1] = "光伏-01"
    result = CliRunner().invoke(main, ["import", str(workspace), str(register(tmp_path / "c.xlsx", rows))])
    assert result.exit_code != 0 and "第3行" in result.output and "资产编号" in result.output
