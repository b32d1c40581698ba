"""The micro-loan register importer: the shapes banks and counties keep give the same
directives for the same loans; bad rows are refused naming the file and the row."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from fundtrail.importers.cells import CellError
from fundtrail.importers.context import ImportContext
from fundtrail.importers.errors import BadInput
from fundtrail.importers.loans import LOANS_FILE, LoanRegisterImporter, months_between, rate_of

CORPUS = Path(__file__).parent / "corpus" / "field" / "loans"
SHAPES = {
    "a": ["loans-a-bank-ledger-gbk.csv", "loans-a-bank-ledger-utf8.csv", "loans-a-bank-ledger.xlsx"],
    "b": ["loans-b-county-ledger-gbk.csv", "loans-b-county-ledger-utf8.csv", "loans-b-county-ledger.xlsx"],
    "c": ["loans-c-export-gbk.txt", "loans-c-export.txt", "loans-c-export.xlsx"],
}


def directives(path: Path, tmp_path: Path):
    importer = LoanRegisterImporter(tmp_path)
    assert importer.score(path) == 100
    ex = importer.read(path, ImportContext(tmp_path, [], batch="T"))
    return ex, ex.masterdata[LOANS_FILE]


def as_dicts(entries, *, status_date=True):
    out = []
    for e in entries:
        meta = {k: v for k, v in e.meta.items() if k not in ("filename", "lineno")}
        if not status_date and e.type == "loan-status":
            meta.pop("subsidy_to", None)
        out.append((e.type, e.values[0].value, e.date if status_date or e.type == "loan" else None, meta))
    return out


@pytest.mark.parametrize("shape", SHAPES)
def test_the_variants_of_one_shape_give_the_same_directives(tmp_path, shape):
    """GBK or UTF-8, comma or tab, title and 合计 rows, dates as text, cells or serial numbers."""
    got = [as_dicts(directives(CORPUS / name, tmp_path)[1], status_date=shape == "a") for name in SHAPES[shape]]
    assert got[0] == got[1] == got[2]
    assert len(got[0]) == {"a": 20, "b": 16, "c": 16}[shape]


def test_what_the_bank_ledger_row_becomes(tmp_path):
    ex, entries = directives(CORPUS / "loans-a-bank-ledger-gbk.csv", tmp_path)
    loan = next(e for e in entries if e.type == "loan" and e.values[0].value == "PSBC2021031006")
    status = next(e for e in entries if e.type == "loan-status" and e.values[0].value == "PSBC2021031006")
    assert loan.date == datetime.date(2021, 3, 10)
    assert loan.meta["amount"].number == Decimal("50000.00") and loan.meta["rate"] == Decimal("3.85")
    assert loan.meta["term_months"] == 48 and loan.meta["due"] == datetime.date(2025, 3, 9)
    assert loan.meta["bank"] == "中国邮政储蓄银行青禾区支行"  # from the title line
    assert status.date == datetime.date(2024, 12, 20)  # 统计截止日期
    assert status.meta["subsidy_paid"].number == Decimal("7384.51")
    assert ex.skipped == [(15, "合计行 totals row")]


def test_the_county_ledger_in_wan_yuan_with_no_loan_numbers(tmp_path):
    ex, entries = directives(CORPUS / "loans-b-county-ledger.xlsx", tmp_path)
    loans = {e.meta["borrower"]: e for e in entries if e.type == "loan"}
    assert loans["何丽娟"].meta["amount"].number == Decimal("70000.00")
    assert loans["何丽娟"].values[0].value.startswith("LN20240401-")
    overdue = next(e for e in entries if e.type == "loan-status" and e.values[0].value == loans["胡军"].values[0].value)
    assert overdue.meta["status"] == "逾期" and overdue.meta["overdue"].number == Decimal("8000.00")
    assert (12, "说明行 note line") in ex.skipped  # the 填表人 footer
    assert {e.date for e in entries if e.type == "loan-status"} == {datetime.date(2024, 12, 25)}  # 填报日期


LOANS = [  # loan number, borrower, ID, amount, issue, maturity, purpose, rate %, subsidy paid, status
    ("QH-001", "张秀英", "370405197204031079", "30000", "2024-03-15", "2027-03-14", "养殖肉牛", "3.45", "850.50",
     "正常"),
    ("QH-002", "赵小红", "370405197508151560", "20000", "2023-06-15", "2024-06-14", "种植", "3.65", "740.14",
     "逾期"),
]


def _bank_xlsx(path: Path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["中国农业银行青禾支行 脱贫人口小额信贷台账"])
    sheet.merge_cells("A1:J1")
    sheet.append(["统计截止日期：2024-12-20"])
    sheet.append(["借据编号", "借款人姓名", "借款人身份证号", "放款金额", "贷款日期", "到期日", "借款用途", "执行利率",
                  "财政贴息金额", "贷款状态"])
    for number, name, person, amount, issue, due, purpose, rate, paid, state in LOANS:
        sheet.append([number, name, person, int(amount), datetime.date.fromisoformat(issue),
                      datetime.date.fromisoformat(due), purpose, float(rate), float(paid), state])
    book.save(path)


def _county_csv(path: Path):
    lines = ["青禾区脱贫人口小额信贷台账（统计截止日期:2024年12月20日）,,,,,,,,,,",
             "序号,户主姓名,借款人姓名,证件号码,贷款编号,贷款金额(万元),发放时间,到期时间,贷款用途,利率,累计贴息(元),是否逾期"]
    for n, (number, name, person, amount, issue, due, purpose, rate, paid, state) in enumerate(LOANS, 1):
        wan = Decimal(amount) / 10000
        lines.append(f"{n},{name},{name},{person},{number},{wan},{issue.replace('-', '.')},{due.replace('-', '.')},"
                     f"{purpose},{rate}%,{paid},{'是' if state == '逾期' else '否'}")
    lines.append("合计,,,,,5,,,,,,")
    path.write_text("\n".join(lines) + "\n", "utf-8-sig")


def _export_tsv_gbk(path: Path):
    lines = ["青禾农商银行贷款系统导出\t\t\t\t\t\t\t\t\t\t", "统计日期:20241220",
             "客户名称\t证件号码\t借据号\t合同金额\t起息日\t止息日\t借款用途\t年利率\t累计财政贴息\t贷款状态"]
    for number, name, person, amount, issue, due, purpose, rate, paid, state in LOANS:
        lines.append("\t".join([name, person, number, f"{amount}.00", issue.replace("-", ""), due.replace("-", ""),
                                purpose, str(Decimal(rate) / 100), paid, state]))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


def test_three_shapes_give_the_same_directives_for_the_same_loans(tmp_path):
    """A bank's ledger (xlsx, its own headers, merged title), the county's 台账 (CSV, Chinese
    headers, 万元, dates 2024.3.15) and a system export (tab separated GBK, a title row, rate as a
    fraction, dates 20240315)."""
    files = [tmp_path / "bank.xlsx", tmp_path / "county.csv", tmp_path / "export.txt"]
    _bank_xlsx(files[0])
    _county_csv(files[1])
    _export_tsv_gbk(files[2])
    got = [as_dicts(directives(f, tmp_path)[1]) for f in files]
    assert [m.get("head") for t, _, _, m in got[1] if t == "loan"] == ["张秀英", "赵小红"]  # 户主姓名
    for shape in got:  # the bank is named by the first file's title only, the head by the county's
        for _, _, _, meta in shape:
            meta.pop("bank", None)
            meta.pop("head", None)
    assert got[0] == got[1] == got[2]
    loan = dict(got[0][0][3])
    assert loan["amount"].number == Decimal("30000.00") and loan["rate"] == Decimal("3.45")
    assert loan["term_months"] == 36
    assert [m["status"] for t, _, _, m in got[0] if t == "loan-status"] == ["正常", "逾期"]


def test_a_bad_row_names_the_file_and_the_row(tmp_path):
    path = tmp_path / "county.csv"
    _county_csv(path)
    text = path.read_text("utf-8-sig").replace("2024.03.15", "2024.13.15")
    path.write_text(text, "utf-8-sig")
    with pytest.raises(BadInput) as error:
        directives(path, tmp_path)
    assert "放款日期" in str(error.value) and error.value.row == 3 and "county.csv" in str(error.value)
    path.write_text(text.replace("2024.13.15", "2024.03.15").replace("370405197204031079", ""), "utf-8-sig")
    with pytest.raises(BadInput, match="身份证号为空"):
        directives(path, tmp_path)


def test_a_control_character_in_a_cell_names_the_row_and_the_column_as_written(tmp_path):
    """A NUL or an escape in a borrower's name: refused at its row, under the column's own
    heading, not the field's name in the code."""
    path = tmp_path / "county.csv"
    _county_csv(path)
    path.write_text(path.read_text("utf-8-sig").replace(",赵小红,", ",赵\x00小\x1b红,", 1), "utf-8-sig")
    with pytest.raises(BadInput) as error:
        directives(path, tmp_path)
    message = str(error.value)
    assert error.value.row == 4 and "county.csv" in message and "户主姓名" in message
    assert "U+0000" in message and "控制字符" in message and "borrower" not in message and "head" not in message

def test_an_id_number_an_excel_sheet_holds_as_a_number_is_refused_at_its_row(tmp_path):
    """Excel keeps 15 significant digits: an 18-digit ID typed as a number has lost its last
    digits, and is never written as a (wrong) ID number."""
    path = tmp_path / "bank.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "贷款编号", "借款人", "身份证号", "贷款金额(元)", "贷款期限(月)", "放款日期", "到期日期"])
    sheet.append([1, "QH-001", "张秀英", "370405197204031079", 30000, 36, "2024-03-15", "2027-03-14"])
    sheet.append([2, "QH-002", "赵小红", 370405197508151560, 20000, 12, "2023-06-15", "2024-06-14"])
    book.save(path)
    with pytest.raises(BadInput) as error:
        directives(path, tmp_path)
    assert error.value.row == 3 and "bank.xlsx" in str(error.value) and "身份证号" in str(error.value)
    assert "15位" in str(error.value)

def test_an_unmapped_money_column_stops_the_import(tmp_path):
    path = tmp_path / "county.csv"
    _county_csv(path)
    lines = path.read_text("utf-8-sig").splitlines()
    lines[1] += ",担保费(元)"
    lines[2] += ",120.00"
    path.write_text("\n".join(lines) + "\n", "utf-8-sig")
    with pytest.raises(BadInput, match="担保费"):
        directives(path, tmp_path)
    (tmp_path / "columns.toml").write_text('[loans]\n"担保费(元)" = "ignore"\n', "utf-8")
    ex, _ = directives(path, tmp_path)
    assert "担保费(元)" in ex.columns.ignored


def test_a_system_exports_dates_with_a_time_are_read_as_their_day(tmp_path):
    path = tmp_path / "export.txt"
    _export_tsv_gbk(path)
    plain = directives(path, tmp_path)[1]
    text = path.read_bytes().decode("gbk")
    for *_, issue, due, _purpose, _rate, _paid, _state in LOANS:
        text = text.replace(f"\t{issue.replace('-', '')}\t", f"\t{issue} 00:00:00\t")
        text = text.replace(f"\t{due.replace('-', '')}\t", f"\t{due} 00:00:00\t")
    assert "2024-03-15 00:00:00" in text
    path.write_bytes(text.encode("gbk"))
    assert as_dicts(directives(path, tmp_path)[1]) == as_dicts(plain)


def test_a_term_in_words_is_refused_at_its_row_not_a_traceback(tmp_path):
    path = tmp_path / "county.csv"
    _county_csv(path)
    lines = path.read_text("utf-8-sig").splitlines()
    lines[1] = lines[1].replace("序号,", "序号,贷款期限,")
    lines[2:] = [line.replace(",", ",三年," if n == 3 else ",36个月,", 1) for n, line in enumerate(lines[2:], 2)]
    path.write_text("\n".join(lines) + "\n", "utf-8-sig")
    with pytest.raises(BadInput) as caught:
        directives(path, tmp_path)
    assert "county.csv" in str(caught.value) and "第4行" in str(caught.value) and "三年" in str(caught.value)


def test_rates_and_terms():
    assert rate_of("3.45%", "利率") == rate_of(0.0345, "年利率") == rate_of(3.45, "执行利率(%)") == Decimal("3.45")
    for bad in ("NaN", "nan%", "Infinity", "三厘"):
        with pytest.raises(CellError):
            rate_of(bad, "利率")
    assert months_between(datetime.date(2023, 3, 15), datetime.date(2026, 3, 14)) == 36
    assert months_between(datetime.date(2021, 7, 1), datetime.date(2024, 7, 1)) == 36
    assert months_between(datetime.date(2021, 3, 10), datetime.date(2025, 3, 9)) == 48


def test_a_subsidy_column_in_wan_yuan_is_read_in_yuan(tmp_path):
    path = tmp_path / "county.csv"
    _county_csv(path)
    text = path.read_text("utf-8-sig").replace("累计贴息(元)", "累计贴息(万元)")
    for *_, paid, _state in LOANS:
        text = text.replace(f",{paid},", f",{Decimal(paid) / 10000},")
    path.write_text(text, "utf-8-sig")
    _, entries = directives(path, tmp_path)
    paid = sorted(e.meta["subsidy_paid"].number for e in entries if e.type == "loan-status")
    assert paid == [Decimal("740.14"), Decimal("850.50")]
