"""One reading of a date cell (importers.cells): an Excel serial number in a date column reads as
the day Excel counts, in every importer; a number in an amount column stays a number."""

from __future__ import annotations

import datetime
from decimal import Decimal

import openpyxl
import pytest
from conftest import SAMPLES

from fundtrail.importers import cells
from fundtrail.importers.context import ImportContext
from fundtrail.importers.registers import PersonRegisterImporter
from fundtrail.importers.rosters import RosterImporter

D = datetime.date


@pytest.mark.parametrize("cell, day", [
    (45474, D(2024, 7, 1)), (45474.0, D(2024, 7, 1)), ("45474", D(2024, 7, 1)),
    ("45474.0", D(2024, 7, 1)), ("４５４７４", D(2024, 7, 1)), (20000, D(1954, 10, 3)),
    ("2024-07-01", D(2024, 7, 1)), ("2024年7月1日", D(2024, 7, 1)),
    (datetime.datetime(2024, 7, 1, 9, 30), D(2024, 7, 1)), (D(2024, 7, 1), D(2024, 7, 1)),
])
def test_a_date_cell_reads_text_dates_and_excel_serials(cell, day):
    assert cells.day(cell) == day
    assert cells.when(cell)[0].date() == day


def test_a_serials_fraction_is_its_time_of_day():
    assert cells.when(45474.75) == (datetime.datetime(2024, 7, 1, 18, 0), True)
    assert cells.when(45474) == (datetime.datetime(2024, 7, 1), False)


@pytest.mark.parametrize("cell", [19999, 80001, 123, "12345", "4547", True, "45474x"])
def test_an_implausible_serial_is_no_date(cell):
    with pytest.raises(cells.CellError):
        cells.when(cell)


def test_the_callers_own_formats_come_before_a_serial():
    assert cells.when("12524", ("%m%d%y",))[0].date() == D(2024, 12, 5)


def test_empty_date_cells_are_none():
    assert cells.day(None) is None and cells.day("") is None and cells.day("  ") is None


def test_an_amount_is_never_read_as_a_date():
    assert cells.amount(45474) == Decimal("45474.00")
    assert cells.amount("45474") == Decimal("45474.00")


def _roster(tmp_path):
    book = openpyxl.load_workbook(SAMPLES / "rosters/yikatong-roster-2024Q3.xlsx")
    sheet = book.active
    header = [c.value for c in sheet[2]]
    date, amount = header.index("发放日期") + 1, header.index("发放金额(元)") + 1
    sheet.cell(3, date).value = 45519  # 2024-08-15 in a General-format cell
    sheet.cell(4, date).value = "45520"  # the same kept as text
    sheet.cell(3, amount).value = 45474  # an amount that looks like a serial
    path = tmp_path / "roster.xlsx"
    book.save(path)
    return path


def test_serial_dates_in_a_roster_read_and_its_amounts_stay_amounts(tmp_path):
    path = _roster(tmp_path)
    ex = RosterImporter(tmp_path).read(path, ImportContext(tmp_path, [], batch="T"))
    first, second = ex.entries[0], ex.entries[1]
    assert first.date == D(2024, 8, 15) and second.date == D(2024, 8, 16)
    assert first.postings[0].units.number == Decimal("45474.00")


def test_serial_dates_in_a_household_register_read(tmp_path):
    lines = (SAMPLES / "registers/households.csv").read_text("utf-8").splitlines()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(lines[0].split(",") + ["识别日期", "风险消除日期"])
    sheet.append(lines[1].split(",") + [45474, "45658"])
    sheet.append(lines[2].split(",") + ["2024-07-02", None])
    path = tmp_path / "households.xlsx"
    book.save(path)
    ex = PersonRegisterImporter("households", tmp_path).read(path, ImportContext(tmp_path, [], batch="T"))
    rows = ex.registers["households"][2]
    assert [(r["识别日期"], r["风险消除日期"]) for r in rows] == [
        ("2024-07-01", "2025-01-01"), ("2024-07-02", "")]
    assert rows[0]["家庭人口"] == lines[1].split(",")[5]


def test_a_serial_in_a_csv_register_reads_too(tmp_path):
    lines = (SAMPLES / "registers/households.csv").read_text("utf-8").splitlines()
    path = tmp_path / "households.csv"
    path.write_text("\n".join([lines[0] + ",识别日期", lines[1] + ",45474"]) + "\n", "utf-8")
    ex = PersonRegisterImporter("households", tmp_path).read(path, ImportContext(tmp_path, [], batch="T"))
    assert ex.registers["households"][2][0]["识别日期"] == "2024-07-01"


def test_a_serial_date_time_in_a_bank_statement_reads(tmp_path):
    from fundtrail.importers.layout import builtin
    from fundtrail.importers.statement import StatementImporter

    book = openpyxl.load_workbook(SAMPLES / "bank/abc-corporate-2024Q3.xlsx")
    sheet = book.active
    assert sheet.cell(5, 1).value == "2024-07-03 08:54:32"
    sheet.cell(5, 1).value = 45476 + (8 * 3600 + 54 * 60 + 32) / 86_400  # the same, as Excel counts it
    path = tmp_path / "abc.xlsx"
    book.save(path)
    ex = StatementImporter(builtin("abc-corporate")).read(path, ImportContext(tmp_path, [], batch="T"))
    first = ex.entries[0]
    assert first.date == D(2024, 7, 3) and "ABC-2345-20240703085432" in first.links
