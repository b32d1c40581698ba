"""Bad input: a clear Chinese + English message naming the file and row, and nothing written."""

import io
import shutil

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import SAMPLES, snapshot

from fundtrail import workspace as ws
from fundtrail.cli import main

ICBC = SAMPLES / "bank/icbc-corporate-2024Q3.csv"
ABC = SAMPLES / "bank/abc-corporate-2024Q3.xlsx"
VOUCHERS = SAMPLES / "treasury/vouchers-2024Q3.xml"


def icbc_lines() -> list[str]:
    return ICBC.read_bytes().decode("gbk").splitlines(keepends=True)


def icbc(lines) -> bytes:
    return "".join(lines).encode("gbk")


def truncated_csv():  # cut in the middle of row 16, outside any quotes
    lines = icbc_lines()
    return "icbc.csv", icbc(lines[:15] + [lines[15].split(',"')[0]]), ["第16行", "截断", "truncated"]


def truncated_excel():
    raw = ABC.read_bytes()
    return "abc.xlsx", raw[: len(raw) // 2], ["Excel", "truncated"]


def truncated_xml():
    raw = VOUCHERS.read_bytes()
    return "vouchers.xml", raw[: len(raw) // 2], ["XML", "truncated"]


def wrong_encoding():
    raw = ICBC.read_bytes().split(b"\n")
    raw[7] = raw[7] + b"\xff\xfe\xfd"
    return "icbc.csv", b"\n".join(raw), ["第8行", "编码", "cannot decode"]


def excel_without_header():
    book = openpyxl.load_workbook(ABC)
    book.active.delete_rows(4)
    out = io.BytesIO()
    book.save(out)
    return "abc.xlsx", out.getvalue(), ["找不到已知的表头", "no known header row"]


def header_missing_a_column():
    book = openpyxl.load_workbook(ABC)
    book.active["C4"] = "备注"
    out = io.BytesIO()
    book.save(out)
    return "abc.xlsx", out.getvalue(), ["第4行", "表头缺少列", "对方账号", "lacks column"]


def malformed_amount():
    lines = icbc_lines()
    lines[8] = lines[8].replace('"307,149.00"', '"307,1a9.00"')
    return "icbc.csv", icbc(lines), ["第9行", "金额格式错误", "malformed amount"]


def malformed_date():
    lines = icbc_lines()
    lines[9] = lines[9].replace("2024-07-11", "2024-13-45")
    return "icbc.csv", icbc(lines), ["第10行", "日期格式错误", "malformed date"]


def duplicated_serial():
    lines = icbc_lines()
    lines[6] = lines[6].replace("03000002", "02000001")
    return "icbc.csv", icbc(lines), ["第7行", "流水号 02000001 重复", "repeated"]


def running_balance_broken():
    lines = icbc_lines()
    lines[10] = lines[10].replace('"3,447,357.42"', '"3,447,457.42"')
    return "icbc.csv", icbc(lines), ["第11行", "余额不连续", "does not add up"]


def voucher_details_do_not_add_up():
    text = VOUCHERS.read_bytes().decode("gbk").replace("<Amt>90065.00</Amt>", "<Amt>90066.00</Amt>")
    return "vouchers.xml", text.encode("gbk"), ["20245201000002", "明细合计", "do not add up"]


def correction_voucher_not_netting():
    text = VOUCHERS.read_bytes().decode("gbk").replace(
        "<PayAmt>243737.00</PayAmt>", "<PayAmt>63607.00</PayAmt>").replace(
        "<Amt>90065.00</Amt>", "<Amt>-90065.00</Amt>")
    return "vouchers.xml", text.encode("gbk"), ["更正凭证 20245201000002", "net to zero"]


def household_count_not_a_number():
    book = openpyxl.load_workbook(SAMPLES / "registers/projects.xlsx")
    book.active["T4"] = "约40户"
    out = io.BytesIO()
    book.save(out)
    return "projects.xlsx", out.getvalue(), ["第4行", "受益户数", "约40户", "cannot read"]


def repeated_fund_document():  # 财农〔2024〕48号 again on row 4, written with other spacing
    lines = (SAMPLES / "registers/fund-allocations.csv").read_text("utf-8").splitlines(keepends=True)
    return "fund-allocations.csv", "".join(lines[:3] + [lines[1].replace("财农〔2024〕48号", "财农〔2024〕 48号")]
                                          ).encode(), ["第4行", "重复(亦见第2行)", "repeated (also row 2)"]


def repeated_household():
    lines = (SAMPLES / "registers/households.csv").read_bytes().decode("utf-8-sig").splitlines(keepends=True)
    return "households.csv", "".join(lines[:4] + [lines[2]]).encode(), ["第5行", "重复(亦见第3行)",
                                                                       "repeated (also row 3)"]


def control_character_in_a_payee():  # a NUL in the counterparty's name on row 8
    lines = icbc_lines()
    lines[7] = lines[7].replace("鲁南路桥工程有限公司", "鲁南路桥\x00工程有限公司", 1)
    return "icbc.csv", icbc(lines), ["第8行", "控制字符", "U+0000", "control characters"]


def escape_sequence_in_a_memo():  # a terminal escape in the memo on row 9
    lines = icbc_lines()
    lines[8] = lines[8].replace("转账支取", "转账\x1b[2J支取", 1)
    return "icbc.csv", icbc(lines), ["第9行", "控制字符", "U+001B", "control characters"]


def control_character_in_a_register():
    lines = (SAMPLES / "registers/households.csv").read_bytes().decode("utf-8-sig").splitlines(keepends=True)
    cells = lines[2].split(",")
    cells[1] = cells[1][:1] + "\u202e" + cells[1][1:]  # a bidi override in the householder's name
    return "households.csv", "".join(lines[:2] + [",".join(cells)] + lines[3:]).encode(), [
        "控制字符", "U+202E", "第3行", "户主姓名"]


def unknown_file():
    return "notes.csv", "说明,内容\n一,二\n".encode(), ["无法识别的文件", "no importer recognises"]


CASES = [truncated_csv, truncated_excel, truncated_xml, wrong_encoding,
         excel_without_header, header_missing_a_column, malformed_amount, malformed_date,
         duplicated_serial, running_balance_broken, voucher_details_do_not_add_up,
         correction_voucher_not_netting, household_count_not_a_number, repeated_fund_document,
         repeated_household, control_character_in_a_payee, escape_sequence_in_a_memo,
         control_character_in_a_register, unknown_file]


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A workspace that already holds the samples (so there is something to protect)."""
    root = tmp_path_factory.mktemp("filled") / "ws"
    workspace = ws.create(root)
    result = CliRunner().invoke(main, ["import", str(workspace), str(SAMPLES), "--account",
                                       "Assets:Bank:PSBC-1188"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def books(filled, tmp_path):
    shutil.copytree(filled, tmp_path / "ws")
    return tmp_path / "ws" / "main.beancount"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_bad_input_names_file_and_row_and_writes_nothing(books, tmp_path, case):
    name, payload, expected = case()
    bad = tmp_path / "in" / name
    bad.parent.mkdir()
    bad.write_bytes(payload)
    good = SAMPLES / "bank/psbc-2024Q3.csv"  # a good file in the same batch is not written either
    before = snapshot(books.parent)
    result = CliRunner().invoke(main, ["import", str(books), str(good), str(bad)])
    assert result.exit_code != 0
    assert name in result.output and "nothing was written" in result.output
    for text in expected:
        assert text in result.output, (text, result.output)
    assert "Traceback" not in result.output
    assert snapshot(books.parent) == before


def test_a_missing_row_is_caught_by_the_balance_assertion(books, tmp_path):
    """October's statement starts 1,000.00 higher than September ended: a row is missing."""
    lines = icbc_lines()
    head = [line.replace("2024-07-01至2024-09-30", "2024-10-01至2024-10-31") for line in lines[:5]]
    rows = ['2024-10-08,08000025,青禾区财政局,4101 0104 0000 001,转账 下达2024年衔接资金,,"10,000.00","1,398,940.42"\n',
            '合计,,,,,"0.00","10,000.00",\n']
    october = tmp_path / "icbc-2024-10.csv"
    october.write_bytes(icbc(head + rows))
    before = snapshot(books.parent)
    result = CliRunner().invoke(main, ["import", str(books), str(october)])
    assert result.exit_code != 0
    assert "导入后账簿无法通过校验" in result.output and "余额断言不符" in result.output
    assert "Assets:Bank:ICBC-2345" in result.output
    assert snapshot(books.parent) == before
