"""Every spreadsheet and CSV fundtrail writes goes through fundtrail.sheets: a payee a
spreadsheet would take for a formula (=HYPERLINK, +cmd, @SUM, -2+3) planted in the books stays
text in the county workbook, the open-data CSV and the province workbook; amounts are numbers,
dates are dates, headers are Chinese."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from conftest import copy_workspace

from fundtrail import sheets
from fundtrail.books import Books
from fundtrail.reports import export

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd", "@SUM(1)", "-2+3"]
SHARED_ACCOUNT = "6228480012345678901"


def _beancount(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def plant(root, county_code: str, county_name: str, payees: list[str], project, fund) -> None:
    """The county renamed `county_name`, its books paying each payee once, all to one account."""
    county = root / "masterdata" / "county.beancount"
    text = county.read_text("utf-8").replace('custom "county" "370405"', f'custom "county" "{county_code}"')
    county.write_text(re.sub(r'(custom "county" "\d+"\n  name: )"[^"]*"',
                             lambda m: f'{m.group(1)}"{_beancount(county_name)}"', text), "utf-8")
    with open(root / "transactions" / "manual.beancount", "a", encoding="utf-8") as handle:
        for day, payee in enumerate(payees, 10):
            handle.write(f'\n2024-06-{day} * "{_beancount(payee)}" "{_beancount(payee)}"\n'
                         f'  payee_account: "{SHARED_ACCOUNT}"\n'
                         f'  Expenses:Project:{project}   100.00 CNY\n    fund: "{fund}"\n'
                         f'  Equity:Opening   -100.00 CNY\n')


@pytest.fixture(scope="module")
def counties(demo, demo_books, tmp_path_factory):
    """A copy of the demo named =HYPERLINK(...) that pays the four payees, and a small county
    named "@SUM(1)" that pays "+cmd" from the same bank account (a cross-county finding)."""
    project = next(p for p in demo_books.master.projects.values()
                   if p.code.startswith("QH2024") and p.approved.month <= 5)
    first = tmp_path_factory.mktemp("hostile") / "a"
    copy_workspace(demo[0], first)
    plant(first, "370405", HOSTILE[0], HOSTILE, project.code, project.meta["fund"])
    second = tmp_path_factory.mktemp("hostile") / "b"
    second.mkdir()
    (second / "main.beancount").write_text(
        'option "operating_currency" "CNY"\n'
        f'2024-01-01 custom "county" "370499"\n  name: "{HOSTILE[2]}"\n'
        f'2024-01-01 open Expenses:Project:{project.code} CNY\n2024-01-01 open Equity:Opening CNY\n'
        f'2024-06-10 * "{HOSTILE[1]}" "工程款"\n  payee_account: "{SHARED_ACCOUNT}"\n'
        f'  Expenses:Project:{project.code}  100.00 CNY\n  Equity:Opening  -100.00 CNY\n', "utf-8")
    return [first, second]


def formula_cells(book) -> list:
    return [c for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]


def assert_text_cells(book, wanted: set[str]) -> None:
    """No formula anywhere; every cell a spreadsheet would evaluate is a quoted string cell;
    each wanted text is there as it was written."""
    assert not formula_cells(book)
    seen = set()
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(sheets.FORMULA_START):
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate)
                    seen.add(cell.value)
    assert wanted <= seen, wanted - seen


def test_the_county_workbook_and_csv_keep_hostile_payees_as_text(counties, tmp_path):
    books = Books.load(str(counties[0] / "main.beancount"))
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(books, 2024)))
    assert_text_cells(book, set(HOSTILE))
    payments = book["支付"]
    headers = [c.value for c in payments[1]]
    assert headers == list(export.PAYMENT_HEADERS.values())
    rows = [dict(zip(headers, (c for c in row), strict=True)) for row in payments.iter_rows(min_row=2)]
    planted = [r for r in rows if r["收款人"].value in HOSTILE]
    assert len(planted) == 4
    for row in planted:
        assert row["日期"].is_date and row["日期"].value.date() >= datetime.date(2024, 6, 10)
        assert row["金额"].data_type == "n" and row["金额"].value == 100
        assert row["金额"].number_format == "#,##0.00"

    written = export.write_ofdp(books, tmp_path / "ofdp", 2024)
    for path in (p for p in written if p.suffix == ".csv"):
        with path.open(encoding="utf-8") as handle:
            texts = [v for row in csv.DictReader(handle) for k, v in row.items() if k != "amount"]
        assert texts and not [v for v in texts if v.startswith(sheets.FORMULA_START)], path.name
    with (tmp_path / "ofdp" / "payments.csv").open(encoding="utf-8") as handle:
        paid = list(csv.DictReader(handle))
    assert {"'" + p for p in HOSTILE} <= {r["payee"] for r in paid}
    assert any(r["amount"].startswith("-") for r in paid)  # a refund's amount: a number, unguarded


def test_the_province_workbook_keeps_hostile_names_as_text(counties, tmp_path):
    from fundtrail.province.export import export_county
    from fundtrail.province.queries import Province
    from fundtrail.reports.province import province_facts, xlsx_bytes

    out = tmp_path / "out"
    for root in counties:
        export_county(str(root / "main.beancount"), out / "counties", b"k" * 32)
    facts = province_facts(Province(out), 2024)
    assert [c for c in facts["cross"] if c["finding"].rule == "xc-shared-account"
            and "+cmd" in c["finding"].message and "@SUM(1)" in c["finding"].message]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(facts)))
    assert_text_cells(book, {HOSTILE[0], HOSTILE[2]})
    counties_sheet = book["分县"]
    assert [c.value for c in counties_sheet[1]] == ["区划代码", "县区", "到位", "下达", "支出", "结余"]
    total = list(counties_sheet.iter_rows(min_row=2))[-1]
    assert total[1].value == "合计" and total[4].data_type == "n"
    assert book["支出进度"]["F2"].number_format == "0.0%"
    cross = book["跨县疑点"]
    assert cross["F2"].is_date and cross["G2"].number_format == "#,##0.00"


def test_the_sheet_writer_types_every_kind_and_guards_every_text():
    cols = sheets.columns({"who": "收款人", "amount": "金额", "day": "日期", "n": "笔数", "share": "进度"},
                          {"amount": sheets.MONEY, "day": sheets.DATE, "n": sheets.COUNT,
                           "share": sheets.PERCENT})
    rows = [{"who": "\tTAB", "amount": Decimal("-12.50"), "day": "2024-03-01", "n": 3,
             "share": Decimal("0.4567")},
            {"who": "\rCR\x01", "amount": "约100", "day": datetime.date(2024, 3, 2), "n": None,
             "share": None},
            {"who": "王小明", "amount": None, "day": "", "n": "两笔", "share": Decimal(1)}]
    ws = openpyxl.load_workbook(io.BytesIO(sheets.xlsx_bytes([sheets.Sheet("表", cols, rows)])))["表"]
    assert [c.value for c in ws[1]] == ["收款人", "金额", "日期", "笔数", "进度"]
    first, second, third = ws[2], ws[3], ws[4]
    assert first[0].data_type == "s" and first[0].quotePrefix and first[0].value == "\tTAB"
    assert second[0].value == "\rCR" and second[0].quotePrefix  # a control character dropped
    assert not third[0].quotePrefix
    assert first[1].value == Decimal("-12.50") and first[1].number_format == "#,##0.00"
    assert second[1].data_type == "s" and second[1].value == "约100"  # not a number: text
    assert first[2].value == datetime.datetime(2024, 3, 1) and first[2].number_format == "yyyy-mm-dd"
    assert second[2].is_date and third[2].value is None
    assert first[3].value == 3 and third[3].value == "两笔"
    assert first[4].number_format == "0.0%" and third[4].value == 1
    assert ws.freeze_panes == "A2"
    assert [sheets.csv_cell(v) for v in ("=1+1", "-x", "@a", "\tb", "\rc", "a=b", "")] == \
        ["'=1+1", "'-x", "'@a", "'\tb", "'\rc", "a=b", ""]
    assert sheets.csv_cell(Decimal("-5.00"), sheets.MONEY) == "-5.00"
    assert sheets.csv_cell("2024-03-01", sheets.DATE) == "2024-03-01"


def test_the_county_workbook_gives_the_sheet_its_column_and_keeps_the_row_a_number(demo_books):
    """工作表, 行号 and 凭证号 are three columns of the 疑点 and 支付 sheets: 行号 is a number (a
    statement's or a list's row), a voucher's number has its own column, a sheet name its own."""
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(demo_books)))
    for name in ("疑点", "支付"):
        rows = list(book[name].iter_rows(values_only=True))
        header = list(rows[0])
        at = header.index("来源文件")
        assert header[at:at + 4] == ["来源文件", "工作表", "行号", "凭证号"]
        places = [r[at + 1:at + 4] for r in rows[1:] if r[at]]
        assert places and all(row is None or isinstance(row, int) for _, row, _ in places)
        assert all(sheet is None or isinstance(sheet, str) for sheet, _, _ in places)
        assert all(row is None or voucher is None for _, row, voucher in places)
        assert any(isinstance(row, int) for _, row, _ in places)
    payments = list(book["支付"].iter_rows(values_only=True))
    at = payments[0].index("凭证号")
    assert any(r[at] for r in payments[1:])  # the demo's treasury vouchers, by number
