"""一卡通 rosters as townships write them (importers.rosters): a workbook with a sheet per town is
read sheet by sheet, a sheet that is no roster is named as not read; 序号, 批次号 and 发放状态 are
optional; a roster without ID numbers is refused, naming the column."""

from __future__ import annotations

import ast
import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from fundtrail import masking
from fundtrail.importers import payrows
from fundtrail.importers.batch import TO_PAY
from fundtrail.importers.context import ImportContext
from fundtrail.importers.errors import BadInput
from fundtrail.importers.rosters import RosterImporter

IMPORTERS = Path(__file__).resolve().parents[1] / "importers"

HEADER = ["序号", "姓名", "身份证号", "一卡通账号", "行政村", "补贴项目", "发放金额(元)", "发放日期", "批次号", "发放状态"]
ROWS = {
    "涧东镇": [[1, "韩秀英", "370405196503124529", "6231561888016470011", "涧东新村", "到户产业奖补", 1000,
                "2024-09-10", "JD-02", "成功"],
               [2, "刘桂兰", "370405195801204629", "6231561888016470045", "涧东北村", "到户产业奖补", 500,
                "2024-09-10", "JD-02", "成功"]],
    "张山镇": [[1, "胡玉山", "370405196208084579", "6231561888016470078", "张山南村", "到户产业奖补", 1500,
                "2024-09-12", "ZS-02", "成功"]],
}


def _book(tmp_path, sheets, name="roster.xlsx"):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def _read(tmp_path, path):
    return RosterImporter(tmp_path).read(path, ImportContext(tmp_path, [], batch="T"))


def test_every_roster_sheet_of_a_workbook_is_read(tmp_path):
    path = _book(tmp_path, {t: [[f"{t}发放明细"], HEADER, *rows, ["合计"]] for t, rows in ROWS.items()})
    ex = _read(tmp_path, path)
    got = sorted((e.meta["sheet"], int(e.meta["row"]), e.postings[0].units.number) for e in ex.entries)
    assert got == [("张山镇", 3, Decimal("1500.00")), ("涧东镇", 3, Decimal("1000.00")),
                   ("涧东镇", 4, Decimal("500.00"))]
    assert sorted(reason for _, reason in ex.skipped) == ["工作表「张山镇」合计行 totals row",
                                                          "工作表「涧东镇」合计行 totals row"]
    assert not any("未读取" in w for w in ex.warnings)


def test_a_sheet_that_is_no_roster_is_named_not_dropped(tmp_path):
    path = _book(tmp_path, {"涧东镇": [HEADER, *ROWS["涧东镇"]], "说明": [["本表由镇财政所填报"]], "空表": []})
    ex = _read(tmp_path, path)
    assert len(ex.entries) == 2
    assert any("工作表未读取" in w and "「说明」" in w and "「空表」" in w for w in ex.warnings)


def test_an_error_on_a_later_sheet_names_the_sheet(tmp_path):
    bad = [list(r) for r in ROWS["张山镇"]]
    bad[0][6] = "1,5OO.00"
    path = _book(tmp_path, {"涧东镇": [HEADER, *ROWS["涧东镇"]], "张山镇": [HEADER, *bad]})
    with pytest.raises(BadInput) as caught:
        _read(tmp_path, path)
    assert "工作表「张山镇」" in caught.value.zh and caught.value.row == 2


def _csv(tmp_path, lines, name="roster.csv"):
    path = tmp_path / name
    path.write_text("\n".join(",".join(line) for line in lines) + "\n", encoding="utf-8")
    return path


def test_seq_batch_and_status_are_optional(tmp_path):
    lines = [["姓名", "身份证号码", "银行账号", "所属村组", "补贴项目名称", "应发金额", "实发金额", "发放日期"],
             ["韩秀英", "370405196503124529", "6231561888016470011", "涧东新村二组", "耕地地力保护补贴", "800.00",
              "800.00", "2024/7/18"],
             ["葛玉珍", "37040519690922460x", "6231561888016470128", "泥河东村二组", "耕地地力保护补贴", "800.00",
              "750.00", "2024/7/18"]]
    path = _csv(tmp_path, lines)
    assert RosterImporter(tmp_path).score(path) == 100
    first, second = _read(tmp_path, path).entries
    assert second.postings[0].units.number == Decimal("750.00")  # 实发金额, not 应发金额
    assert second.postings[0].meta["id_no"] == "37040519690922460X"  # the ID's normal form
    assert first.postings[0].meta["village"] == "涧东新村"  # the village, without its group
    batches = {link for e in (first, second) for link in e.links if not link.startswith("YKT-")}
    assert batches == {"FF20240718"}  # no 批次号: the pay day's batch
    again = _read(tmp_path, _csv(tmp_path, [lines[0], lines[2], lines[1]], "again.csv")).entries
    assert {lk for e in again for lk in e.links} == {lk for e in (first, second) for lk in e.links}
    # the keys existing ledgers carry, byte for byte
    assert [sorted(e.links) for e in (first, second)] == [["FF20240718", "YKT-FF20240718-R04F93-9B96DC"],
                                                          ["FF20240718", "YKT-FF20240718-R039EE-4B3556"]]


def test_a_long_roster_without_seq_keeps_its_rows_apart_and_masks_no_link(tmp_path):
    lines = [["姓名", "身份证号", "一卡通账号", "行政村", "补贴项目", "发放金额(元)", "发放日期"]]
    for i in range(3000):  # one programme, one day, one amount: the rows differ only by person
        person = f"370405196{i // 1000 % 10}{(i // 100) % 10 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}"
        lines.append([f"户{i}", person + "X", f"62315618880164{i:05d}", "涧东新村", "耕地地力保护补贴",
                      "800.00", "2024/7/18"])
    entries = _read(tmp_path, _csv(tmp_path, lines)).entries
    links = [lk for e in entries for lk in e.links if lk.startswith("YKT-")]
    assert len(entries) == 3000 and len(set(links)) == 3000
    assert all(masking.LINK.fullmatch(lk) for lk in links), links[:3]


def test_paid_and_returned_statuses(tmp_path):
    header = ["序号", "姓名", "身份证号", "卡号", "行政村", "补贴项目", "发放金额", "发放日期", "状态"]
    rows = [["1", "韩秀英", "370405196503124529", "6231561888016470011", "涧东新村", "耕地地力保护补贴", "800",
             "2024-07-18", "已发放"],
            ["2", "刘庆余", "370405197906114530", "6231561888016470052", "涧东北村", "耕地地力保护补贴", "800",
             "2024-07-18", "退回"],
            ["3", "孟凡东", "370405197109034554", "6231561888016470037", "涧东新村", "耕地地力保护补贴", "800",
             "2024-07-18", "发放失败（卡号有误）"]]
    ex = _read(tmp_path, _csv(tmp_path, [header, *rows]))
    assert [int(e.meta["row"]) for e in ex.entries] == [2]
    assert [row for row, _ in ex.skipped] == [3, 4]


def test_a_roster_without_id_numbers_is_refused_naming_the_column(tmp_path):
    lines = [["姓名", "银行卡号", "村组", "补贴项目", "金额", "发放日期"],
             ["胡玉山", "6231561888016470078", "张山南村二组", "公益性岗位补贴", "600.00", "20240920"]]
    path = _csv(tmp_path, lines)
    assert RosterImporter(tmp_path).score(path) > 0  # read as a roster, to say what it lacks
    with pytest.raises(BadInput) as caught:
        _read(tmp_path, path)
    assert caught.value.zh.startswith("表头缺少列: 身份证号。") and "核查" in caught.value.zh
    assert caught.value.row == 1


def test_a_payment_request_list_is_no_roster(tmp_path):
    lines = [["日期", "收款人", "收款账号", "项目", "金额", "用途"],
             ["2024-07-18", "青禾建工有限公司", "6231561888016470078", "QH2024-S01", "1000", "工程款"]]
    assert RosterImporter(tmp_path).score(_csv(tmp_path, lines)) == 0


def test_a_two_sheet_roster_rederives_without_differences(workspace):
    from beancount import loader

    from fundtrail.importers.pipeline import run_import
    from fundtrail.importers.rederive import rederive

    path = _book(workspace.parent.parent, {t: [HEADER, *rows, ["合计"]] for t, rows in ROWS.items()},
                 "ykt-two-towns.xlsx")
    summary = run_import(workspace, [path])
    assert summary.files[0].new == 3
    entries, _, _ = loader.load_file(str(workspace))
    result = rederive(entries, workspace.parent)
    assert result.differences == []


def test_a_finding_on_a_two_sheet_roster_names_each_rows_sheet(workspace):
    """The same person paid on two towns' sheets: the finding's evidence (the audit report's
    line and row table, the spreadsheet's 工作表 and 行号 columns) says which sheet each row 2
    is on; the spreadsheet's 行号 stays a number."""
    import io

    import openpyxl
    from beancount import loader

    from fundtrail import findings
    from fundtrail.books import Books
    from fundtrail.importers.pipeline import run_import
    from fundtrail.masterdata import MasterData
    from fundtrail.plugins.checks import all_findings
    from fundtrail.reports import evidence
    from fundtrail.reports.export import xlsx_bytes

    paid = ROWS["张山镇"][0]
    twice = {"涧东镇": [HEADER, [1, *paid[1:8], "JD-02", "成功"]], "张山镇": [HEADER, paid]}
    run_import(workspace, [_book(workspace.parent.parent, twice, "ykt-twice.xlsx")])
    entries, _, options = loader.load_file(str(workspace))
    found = [f for f in all_findings(entries, options) if f.rule == "duplicate-subsidy"]
    assert len(found) == 1
    entry = found[0].entry
    master = MasterData.from_entries(entries)
    assert f"工作表「{entry.meta['sheet']}」 第2行" in evidence.where(master, entry)
    row = findings.evidence_row(found[0])
    assert (row["sheet"], row["row"]) == (entry.meta["sheet"], "2")
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(Books(entries, [], options, str(workspace)))))
    rows = list(book["疑点"].iter_rows(values_only=True))
    header, found_row = rows[0], next(r for r in rows[1:] if r[0] == found[0].id)
    cells = dict(zip(header, found_row, strict=True))
    assert header[header.index("来源文件"):header.index("来源文件") + 4] == ("来源文件", "工作表", "行号", "凭证号")
    assert (cells["来源文件"], cells["工作表"], cells["行号"], cells["凭证号"]) == (
        entry.meta["source"], entry.meta["sheet"], 2, None)


def test_two_towns_numbering_their_rows_from_1_in_one_batch_are_two_sets_of_rows(tmp_path):
    same = {town: [HEADER, *([*row[:8], "JD-02", "成功"] for row in rows)] for town, rows in ROWS.items()}
    links = [lk for e in _read(tmp_path, _book(tmp_path, same)).entries for lk in e.links
             if lk.startswith("YKT-")]
    assert sorted(links) == ["YKT-JD-02-001", "YKT-JD-02-002", "YKT-JD-02-S2-001"]
    assert all(masking.LINK.fullmatch(lk) for lk in links)


def test_a_later_sheets_own_column_is_named_in_the_report(tmp_path):
    sheets = {"涧东镇": [HEADER, *ROWS["涧东镇"]],
              "张山镇": [[*HEADER, "备注"], *([*row, "补发"] for row in ROWS["张山镇"])]}
    columns = _read(tmp_path, _book(tmp_path, sheets)).columns
    assert "备注" in columns.ignored and len(columns.mapped) == len(set(columns.mapped))


@pytest.mark.parametrize("status, paid, to_pay", [
    ("成功", True, False), ("已发放", True, True), ("支付成功", True, True), ("已到账（补发）", True, True),
    ("发放失败（卡号有误）", False, False), ("已发放后退回", False, False), ("退票", False, False),
    ("未发放", False, True), ("待发放", False, True), ("待支付", False, True), ("处理中", False, False)])
def test_a_paid_status_is_one_reading(status, paid, to_pay):
    """The roster, the distribution roster and the gate's batch read a 发放状态 by one test."""
    assert payrows.paid(status) is paid
    assert payrows.paid(status, TO_PAY) is (paid or to_pay)


def _paying_row_sites() -> set[str]:
    """Where importers/ spells a paying row's statuses (a tuple holding 已发放 or 退回), hashes a
    row's parts (text joined by the unit separator) or restates a header specification's
    columns (`Spec(x.kind, x.fields, ...)`), as `file: what`."""
    found = set()
    for path in sorted(IMPORTERS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Tuple) and {"已发放", "退回"} & {
                    c.value for c in node.elts if isinstance(c, ast.Constant)}:
                found.add(f"{path.name}: statuses")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "join" and getattr(node.func.value, "value", None) == "\x1f":
                found.add(f"{path.name}: row digest")
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Spec" and len(node.args) > 1 \
                    and [getattr(a, "attr", "") for a in node.args[:2]] == ["kind", "fields"]:
                found.add(f"{path.name}: restated spec")
    return found


def test_a_paying_rows_status_and_key_are_written_in_one_place():
    """The paid statuses and the digest of a row without 序号 are importers/payrows.py's, which
    the roster and the distribution roster both read; a test of what a table is asks the
    specification for its columns (`Spec.requiring`, `headers.ROSTER_PAYS`), never restates it."""
    assert _paying_row_sites() == {"payrows.py: statuses", "payrows.py: row digest"}
    assert payrows.roster_key("耕地地力保护补贴", "370405196503124529", "6231561888016470011",
                              Decimal("800.00"), datetime.date(2024, 7, 18)) == "R04F93-9B96DC"


def test_an_import_run_opens_a_many_sheet_workbook_once(workspace, monkeypatch):
    """Scoring a roster reads every sheet's head, importing it every sheet: one opening of the
    workbook serves the run."""
    from fundtrail.importers import sniff
    from fundtrail.importers.pipeline import run_import

    opened = []
    real = sniff._workbook
    monkeypatch.setattr(sniff, "_workbook", lambda path: opened.append(path) or real(path))
    sheets = {**{t: [HEADER, *rows, ["合计"]] for t, rows in ROWS.items()}, "说明": [["本表由镇财政所填报"]]}
    summary = run_import(workspace, [_book(workspace.parent.parent, sheets, "ykt-towns.xlsx")], dry_run=True)
    assert summary.files[0].new == 3 and len(opened) == 1
