"""Every input column is accounted for: mapped to a field (under the names the national monitoring
system and county spreadsheets use, or the workspace's own columns.toml), or named in the import
report as ignored; an unmapped column holding dates, ID numbers, amounts or card numbers stops the
import and nothing is written."""

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import snapshot
from rulebook import findings, fund, subsidy

from fundtrail.cli import main
from fundtrail.importers.columns import looks_like
from fundtrail.importers.pipeline import run_import
from fundtrail.masterdata import MasterData, read_register

RED, BLUE = "370405198001010011", "370405198202020022"
# The monitoring system's export: other names for every register column, plus columns not booked.
HEADER = ["序号", "户编码", "户主", "证件号码", "乡(镇)", "所在村", "家庭人口数", "监测对象类别", "致贫原因",
          "风险类型", "一卡通卡号", "手机号码", "纳入监测时间", "风险消除时间", "性别", "备注"]
ROWS = [
    ["1", "HH1", "王一", RED, "东镇", "东村", "3", "监测户(边缘易致贫户)", "因病", "红", "6231000000000000001",
     "13800000001", "2024-05-01", "", "男", ""],
    ["2", "HH2", "李二", BLUE, "东镇", "东村", "2", "脱贫户", "缺劳力", "蓝", "6231000000000000002",
     "13800000002", "", "", "女", "搬迁"],
]


def households(path, header=HEADER, rows=ROWS):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def with_column(label, values, path):
    """The register with one more column `label` holding `values` (one a row)."""
    return households(path, HEADER + [label], [r + [v] for r, v in zip(ROWS, values, strict=True)])


def test_other_header_names_keep_the_dates_and_the_red_tier_rule_sees_them(workspace, tmp_path):
    summary = run_import(workspace, [households(tmp_path / "监测户信息.csv")])
    report = summary.files[0]
    assert (report.new, report.read) == (2, 2)
    rows = read_register(str(workspace.parent / "registers/households.csv"))
    assert [(r["户编号"], r["身份证号"], r["风险等级"], r["识别日期"], r["一卡通账号"]) for r in rows] == [
        ("HH1", RED, "红", "2024-05-01", "6231000000000000001"),
        ("HH2", BLUE, "蓝", "", "6231000000000000002")]
    assert ("纳入监测时间", "识别日期") in report.mapped and ("户编码", "户编号") in report.mapped
    # the imported register, read by the red-tier rule: identified 05-01, first help 35 days later
    text = (fund("C2024-056", "2024-03-11")
            + f'2023-01-01 custom "register" "households" "{workspace.parent / "registers/households.csv"}"\n'
            + "2023-01-01 open Expenses:Project:QH2024-S01 CNY\n  name: \"到户产业奖补\"\n"
            + "2023-01-01 open Equity:Allotment:Project:QH2024-S01 CNY\n"
            + subsidy("2024-06-05", "1", "王一", RED, "V1"))
    found = findings(text, "red-unassisted")
    assert len(found) == 1 and "2024-06-05" in found[0].message


def test_ignored_columns_are_named_in_the_report(workspace, tmp_path):
    result = CliRunner().invoke(main, ["import", str(workspace), str(households(tmp_path / "h.csv"))])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "忽略的列" in x)
    assert all(name in line for name in ("序号", "性别", "备注")) and "户编码" not in line
    read = next(x for x in result.output.splitlines() if "读取的列" in x)
    assert "纳入监测时间→识别日期" in read and "风险消除时间→风险消除日期" in read


UNMAPPED = {  # a column the books model, by its header words or by its values
    "date": ("帮扶核查日", ["2024-06-01", "2024/7/1"], "日期"),
    "id": ("配偶", ["370405198102020021", "37040519830303003X"], "身份证号"),
    "amount": ("人均纯收入(元)", ["9000", "12000.50"], "金额"),
    "card": ("社保代发", ["6217000011112222333", "6217 0000 1111 2222 444"], "卡号或账号"),
}


@pytest.mark.parametrize("label,values,what", UNMAPPED.values(), ids=UNMAPPED.keys())
def test_an_unmapped_data_column_stops_the_import_until_mapped(workspace, tmp_path, label, values, what):
    path = with_column(label, values, tmp_path / "监测户.csv")
    before = snapshot(workspace.parent)
    result = CliRunner().invoke(main, ["import", str(workspace), str(path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "监测户.csv 第1行" in result.output and f"列“{label}”像是{what}" in result.output
    assert "columns.toml" in result.output and "ignore" in result.output
    assert snapshot(workspace.parent) == before
    # the county says what it is: ignored, and listed as such
    (workspace.parent / "columns.toml").write_text(f'[households]\n"{label}" = "ignore"\n', "utf-8")
    summary = run_import(workspace, [path])
    assert label in summary.files[0].ignored and summary.files[0].new == 2


def test_columns_toml_maps_a_countys_own_header_to_a_field(workspace, tmp_path):
    header = [("监测首日" if h == "纳入监测时间" else h) for h in HEADER]
    path = households(tmp_path / "h.csv", header)
    result = CliRunner().invoke(main, ["import", str(workspace), str(path)])
    assert result.exit_code != 0 and "监测首日" in result.output  # a date column, not mapped
    (workspace.parent / "columns.toml").write_text(
        '# 本县监测系统导出的表头\n[households]\n"监测首日" = "识别日期"\n', "utf-8")
    summary = run_import(workspace, [path])
    assert ("监测首日", "识别日期") in summary.files[0].mapped
    rows = read_register(str(workspace.parent / "registers/households.csv"))
    assert rows[0]["识别日期"] == "2024-05-01"


BAD_MAPPINGS = {
    "unknown field": ('[households]\n"监测首日" = "识别日期"\n"户类别2" = "household_kind"\n', 3, "没有这个字段"),
    "unknown table": ('[households]\n"监测首日" = "识别日期"\n\n[household]\n"x" = "ignore"\n', 4, "未知的表"),
    "not TOML": ('[households]\n"监测首日" = 识别日期\n', 2, "TOML"),
    "not text": ('[households]\n"监测首日" = 3\n', 2, "ignore"),
}


@pytest.mark.parametrize("text,line,words", BAD_MAPPINGS.values(), ids=BAD_MAPPINGS.keys())
def test_a_bad_mapping_file_names_the_file_and_the_line(workspace, tmp_path, text, line, words):
    (workspace.parent / "columns.toml").write_text(text, "utf-8")
    before = snapshot(workspace.parent)
    result = CliRunner().invoke(main, ["import", str(workspace), str(households(tmp_path / "h.csv"))])
    assert result.exit_code != 0 and "Traceback" not in result.output, result.output
    assert f"columns.toml 第{line}行" in result.output and words in result.output
    assert snapshot(workspace.parent) == before


@pytest.mark.parametrize("label", ["预计年收益", "年预期收益", "预期收益(元/年)"])
def test_the_asset_registers_expected_income_is_read_under_other_names(workspace, tmp_path, label):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["资产编号", "资产名称", "资产类别", "所在村", "资产原值(元)", label, "确权日期", "坐落位置"])
    sheet.append(["ZC2024-003", "东村光伏电站", "经营性", "东村", "812400", "48,000.00", "2024-08-20", "东山"])
    book.save(tmp_path / "台账.xlsx")
    summary = run_import(workspace, [tmp_path / "台账.xlsx"])
    assert (label, "预期年收益") in summary.files[0].mapped and summary.files[0].ignored == ["坐落位置"]
    from beancount import loader

    entries, _, _ = loader.load_file(str(workspace))
    assert MasterData.from_entries(entries).assets["ZC2024-003"].expected_income == 48000


def test_a_statements_columns_are_mapped_by_its_layout_or_ignored(workspace, tmp_path, demo):
    source = next((demo[0] / "documents/Assets/Bank/ICBC-2345").glob("2023-06-30*.csv"))
    lines = source.read_bytes().decode("gbk").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("日期,"))
    extra = ["对方开户行", "6217000011112222333"]
    lines = [line + ("," + (extra[0] if i == at else extra[1] if i > at and line[:1].isdigit() else ""))
             for i, line in enumerate(lines)]
    path = tmp_path / "icbc.csv"
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    summary = run_import(workspace, [path], dry_run=True)
    assert summary.files[0].ignored == ["对方开户行"]  # known, not booked, whatever it holds
    assert ("凭证号", "交易流水号") in summary.files[0].mapped
    shutil.copy(path, tmp_path / "icbc2.csv")
    lines[at] = lines[at].replace("对方开户行", "代发卡")
    (tmp_path / "icbc2.csv").write_bytes("\r\n".join(lines).encode("gbk"))
    result = CliRunner().invoke(main, ["import", "--dry-run", str(workspace), str(tmp_path / "icbc2.csv")])
    assert result.exit_code != 0 and "列“代发卡”像是卡号或账号" in result.output


def test_looks_like_judges_headers_and_values():
    assert looks_like("联系电话", ["13800000001"]) == ""  # a phone number is no card
    assert looks_like("村代码", ["370405101201"]) == ""
    assert looks_like("户类型", ["脱贫户"]) == ""
    assert looks_like("开户账户名", ["东村村委会"]) == ""
    assert looks_like("X", ["2024年5月1日", ""]) == "日期"
    assert looks_like("资产价值(万元)", []) == "金额"


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_register_split_by_semicolons_or_tabs_is_read(workspace, tmp_path, separator):
    path = tmp_path / "h.txt"
    path.write_text("\n".join(separator.join(r) for r in [HEADER, *ROWS]) + "\n", "utf-8")
    summary = run_import(workspace, [path])
    assert summary.files[0].new == 2 and ("纳入监测时间", "识别日期") in summary.files[0].mapped


def test_register_dates_are_kept_as_iso_dates_and_wan_yuan_values_to_the_cent(workspace, tmp_path):
    rows = [r[:12] + ["2024.05.01", "2024年6月1日"] + r[14:] for r in ROWS]
    run_import(workspace, [households(tmp_path / "h.csv", HEADER, rows)])
    rows = read_register(str(workspace.parent / "registers/households.csv"))
    assert (rows[0]["识别日期"], rows[0]["风险消除日期"]) == ("2024-05-01", "2024-06-01")
    book = openpyxl.Workbook()
    book.active.append(["资产编号", "资产名称", "资产类别", "所在村", "资产原值(万元)", "确权日期"])
    book.active.append(["ZC2024-011", "电商服务站", "经营性", "东村", "38.7939", "2024-10-02"])
    book.active.append(["ZC2024-012", "冷库", "经营性", "东村", 12.3456, "2024-10-02"])
    book.save(tmp_path / "台账.xlsx")
    run_import(workspace, [tmp_path / "台账.xlsx"])
    from beancount import loader

    assets = MasterData.from_entries(loader.load_file(str(workspace))[0]).assets
    assert (assets["ZC2024-011"].value, assets["ZC2024-012"].value) == (387939, 123456)


def test_a_vouchers_elements_are_read_or_named_as_ignored(workspace, tmp_path):
    sample = Path(__file__).parent / "samples" / "treasury" / "vouchers-2024Q3.xml"
    report = run_import(workspace, [sample], dry_run=True).files[0]
    assert ("PayeeAcctNo", "收款账号") in report.mapped and ("Detail/Amt", "明细金额") in report.mapped
    assert "AgencyName" in report.ignored and "Detail/ExpEcoName" in report.ignored
    # an element the county's treasury system adds, holding a date: stops until columns.toml says
    text = sample.read_bytes().decode("gbk").replace(
        "<Remark>", "<ApproveDate>20240701</ApproveDate><Remark>")
    path = tmp_path / "vouchers.xml"
    path.write_bytes(text.encode("gbk"))
    before = snapshot(workspace.parent)
    result = CliRunner().invoke(main, ["import", str(workspace), str(path)])
    assert result.exit_code != 0 and "列“ApproveDate”像是日期" in result.output, result.output
    assert snapshot(workspace.parent) == before
    (workspace.parent / "columns.toml").write_text('[vouchers]\n"ApproveDate" = "ignore"\n', "utf-8")
    assert "ApproveDate" in run_import(workspace, [path], dry_run=True).files[0].ignored
    (workspace.parent / "columns.toml").write_text('[vouchers]\n"ApproveDate" = "凭证日期"\n', "utf-8")
    result = CliRunner().invoke(main, ["import", "--dry-run", str(workspace), str(path)])
    assert result.exit_code != 0 and "[vouchers] 只能写" in result.output, result.output


def test_amounts_in_wan_yuan_keep_their_fen_whether_text_or_excel_numbers(workspace, tmp_path):
    """38.7939 万元 is 387,939.00 元: the unit is applied before the amount is rounded to the fen."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["资产编号", "资产名称", "资产类别", "所在村", "资产原值(万元)", "预期年收益(万元)", "确权日期"])
    sheet.append(["ZC2024-003", "东村光伏电站", "经营性", "东村", 81.2437, "4.8125", "2024-08-20"])
    book.save(tmp_path / "台账.xlsx")
    run_import(workspace, [tmp_path / "台账.xlsx"])
    from beancount import loader

    entries, _, _ = loader.load_file(str(workspace))
    asset = MasterData.from_entries(entries).assets["ZC2024-003"]
    assert (asset.value, asset.expected_income) == (Decimal("812437.00"), Decimal("48125.00"))
