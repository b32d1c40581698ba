"""Bank layouts are data: the variants of the primer (one signed column, 借贷标志 + amount,
two-row headers, full-width labels, dates with or without time) and the encodings (UTF-8,
UTF-8 with BOM, GB18030, UTF-16), each read from a workspace's own layouts/*.toml."""

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from beancount import loader
from beancount.core import data
from conftest import SAMPLES

from fundtrail.findings import Finding
from fundtrail.importers.pipeline import run_import

DOCS = Path(__file__).parent.parent / "docs/importers.md"


def docs_example() -> str:
    text = DOCS.read_text("utf-8")
    return re.search(r"<!-- layout-example -->\n```toml\n(.*?)```", text, re.S).group(1)


def ledger(workspace):
    entries, errors, _ = loader.load_file(str(workspace))
    assert [e for e in errors if not isinstance(e, Finding)] == []
    return entries


def bank_rows(entries, account):
    return sorted((e.date, next(p.units.number for p in e.postings if p.account == account), e.links)
                  for e in entries if isinstance(e, data.Transaction)
                  and any(p.account == account for p in e.postings) and "opening" not in e.narration)


def test_direction_flag_full_width_labels_gb18030_from_the_docs_example(workspace, tmp_path):
    (workspace.parent / "layouts").mkdir(exist_ok=True)
    (workspace.parent / "layouts/qhrcb.toml").write_text(docs_example(), "utf-8")
    text = ("账号：6230 0000 1111 7788\n户名：青禾区财政局帮扶资金户\n期间：2024-07-01至2024-07-31\n"
            "交易日期,对方　户名,对方账号,摘要,借贷标志,发生额（元）,余额（元）\n"
            "20240702,青禾区财政局,4101,转账,贷,\"１,０００.００\",\"1,500.00\"\n"
            "20240705,青禾建工有限公司,3701,转账支取,借,200.50,1299.50\n"
            "20240705,青禾建工有限公司,3701,转账支取,借,200.50,1099.00\n"
            "合计,,,,,,\n")
    path = tmp_path / "qhrcb-2024-07.csv"
    path.write_bytes(text.encode("gb18030"))
    summary = run_import(workspace, [path])
    assert (summary.files[0].read, summary.files[0].new) == (4, 3)
    entries = ledger(workspace)
    rows = bank_rows(entries, "Assets:Bank:QHRCB-7788")
    assert [r[1] for r in rows] == [1000, -200.50, -200.50]
    assert len({frozenset(r[2]) for r in rows}) == 3  # same day, same amount: still two rows
    balance = next(e for e in entries if isinstance(e, data.Balance))
    assert (balance.date.isoformat(), balance.amount.number) == ("2024-08-01", 1099)
    opening = next(e for e in entries if isinstance(e, data.Transaction) and "opening" in e.narration)
    assert opening.postings[0].units.number == 500


def test_one_signed_column_with_time_in_utf16(workspace, tmp_path):
    (workspace.parent / "layouts").mkdir(exist_ok=True)
    (workspace.parent / "layouts/signed.toml").write_text(
        'name = "某银行明细"\nbank = "BOC"\nformat = "csv"\nhead = ["账号:{account_no}"]\n'
        '[columns]\ndatetime = "交易时间"\npayee = "对方户名"\npurpose = "用途"\n'
        'amount = "交易金额"\nbalance = "余额"\n', "utf-8")
    text = ("账号:1111222233334444\n交易时间,对方户名,用途,交易金额,余额\n"
            "2024/07/02 09:15:00,青禾区财政局,下达资金,\"+10,000.00\",10000.00\n"
            "2024/07/03 10:00:01,某公司,工程款,-2500.00,7500.00\n")
    path = tmp_path / "boc.csv"
    path.write_bytes(text.encode("utf-16"))
    run_import(workspace, [path])
    rows = bank_rows(ledger(workspace), "Assets:Bank:BOC-4444")
    assert [(r[1], sorted(r[2])) for r in rows] == [
        (10000, ["BOC-4444-20240702091500"]), (-2500, ["BOC-4444-20240703100001"])]


def test_two_row_header_in_excel(workspace, tmp_path):
    (workspace.parent / "layouts").mkdir(exist_ok=True)
    (workspace.parent / "layouts/tworow.toml").write_text(
        'name = "两行表头"\nbank = "CCB"\nformat = "xlsx"\nheader_rows = 2\n'
        'head = ["账号：{account_no}"]\n'
        '[columns]\ndate = "日期"\nserial = "流水号"\nsummary = "摘要"\n'
        'debit = "发生额/借方"\ncredit = "发生额/贷方"\nbalance = "余额"\n', "utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["账号：5200 1234"])
    sheet.append(["日期", "流水号", "摘要", "发生额", None, "余额"])
    sheet.append([None, None, None, "借方", "贷方", None])
    sheet.merge_cells("D2:E2")
    sheet.append(["2024-07-02", "A1", "转账", None, 800.1, 800.1])
    sheet.append(["2024-07-09 14:00:00", "A2", "转账支取", 300, None, 500.1])
    path = tmp_path / "ccb.xlsx"
    book.save(path)
    run_import(workspace, [path])
    rows = bank_rows(ledger(workspace), "Assets:Bank:CCB-1234")
    assert [(r[1], sorted(r[2])) for r in rows] == [(Decimal("800.10"), ["CCB-1234-A1"]), (-300, ["CCB-1234-A2"])]


def test_icbc_in_utf8_with_and_without_bom_and_utf16_reads_like_gbk(workspace, tmp_path):
    text = (SAMPLES / "bank/icbc-corporate-2024Q3.csv").read_bytes().decode("gbk")
    variants = (("a.csv", text.encode("utf-8")), ("b.csv", text.encode("utf-8-sig")),
                ("c.csv", text.encode("utf-16-le")))  # UTF-16 without a BOM
    for name, payload in variants:
        (tmp_path / name).write_bytes(payload)
    summary = run_import(workspace, [tmp_path / "a.csv", SAMPLES / "bank/icbc-corporate-2024Q3.csv",
                                     tmp_path / "b.csv", tmp_path / "c.csv"])
    assert [(f.new, f.present) for f in summary.files] == [(24, 0), (0, 24), (0, 24), (0, 24)]


def test_a_workspace_layout_overrides_a_packaged_one(workspace):
    from fundtrail.importers.layout import load_all

    (workspace.parent / "layouts").mkdir(exist_ok=True)
    (workspace.parent / "layouts/psbc.toml").write_text(docs_example(), "utf-8")
    layouts = {lay.key: lay for lay in load_all(workspace.parent)}
    assert layouts["psbc"].bank == "QHRCB" and layouts["icbc-corporate"].bank == "ICBC"


def test_a_broken_workspace_layout_is_named(workspace):
    from click.testing import CliRunner

    from fundtrail.cli import main

    (workspace.parent / "layouts").mkdir(exist_ok=True)
    (workspace.parent / "layouts/bad.toml").write_text('bank = "X"\n[columns]\ndate = "日期"\n', "utf-8")
    result = CliRunner().invoke(main, ["import", str(workspace), str(SAMPLES / "bank/psbc-2024Q3.csv")])
    assert result.exit_code != 0 and "bad.toml" in result.output and "Traceback" not in result.output


def test_beangulp_date_is_the_statement_period_end():
    from fundtrail.importers.layout import builtin
    from fundtrail.importers.statement import StatementImporter

    icbc = StatementImporter(builtin("icbc-corporate"))
    assert str(icbc.date(str(SAMPLES / "bank/icbc-corporate-2024Q3.csv"))) == "2024-09-30"


def test_newest_first_statements_and_same_second_rows(workspace, tmp_path):
    """PSBC rows listed newest first still import oldest first; two rows without a serial in
    the same second stay two rows."""
    lines = (SAMPLES / "bank/psbc-2024Q3.csv").read_text("utf-8-sig").splitlines(keepends=True)
    reversed_file = tmp_path / "psbc-newest-first.csv"
    reversed_file.write_text(lines[0] + "".join(reversed(lines[1:])), "utf-8-sig")
    summary = run_import(workspace, [reversed_file], account="Assets:Bank:PSBC-1188")
    assert summary.files[0].new == 18
    entries = ledger(workspace)
    balance = next(e for e in entries if isinstance(e, data.Balance))
    assert balance.amount.number == Decimal("1577752.50")
    (workspace.parent / "layouts").mkdir(exist_ok=True)
    (workspace.parent / "layouts/signed.toml").write_text(
        'name = "x"\nbank = "BOC"\nhead = ["账号:{account_no}"]\n'
        '[columns]\ndatetime = "交易时间"\namount = "交易金额"\nbalance = "余额"\n', "utf-8")
    same = tmp_path / "boc.csv"
    same.write_text("账号:99990001\n交易时间,交易金额,余额\n2024-07-02 09:15:00,100.00,100.00\n"
                    "2024-07-02 09:15:00,100.00,200.00\n", "utf-8")
    run_import(workspace, [same])
    rows = bank_rows(ledger(workspace), "Assets:Bank:BOC-0001")
    assert [sorted(r[2]) for r in rows] == [["BOC-0001-20240702091500"], ["BOC-0001-20240702091500-2"]]


@pytest.mark.parametrize("text, said", [
    ('bank = "X"\nencoding = "gbk2"\n[columns]\ndate = "日期"\namount = "金额"\n', "unknown encoding"),
    ('bank = "X"\nencoding = "base64"\n[columns]\ndate = "日期"\namount = "金额"\n', "unknown encoding"),
    ('bank = "X"\nhead = ' + "[" * 3000 + "]" * 3000 + '\n', "nests"),
    ('bank = "X"\nx = ' + "{a = " * 3000 + "1" + "}" * 3000 + '\n', "nests"),
])
def test_a_layout_with_an_unknown_codec_or_deep_nesting_is_named(workspace, text, said):
    """Both gave a traceback (LookupError while reading the statement, RecursionError in the
    TOML parser); now the import names the layout file and leaves the books alone."""
    from click.testing import CliRunner

    from fundtrail.cli import main

    (workspace.parent / "layouts").mkdir(exist_ok=True)
    (workspace.parent / "layouts/odd.toml").write_text(text, "utf-8")
    before = (workspace.parent / "transactions/imported.beancount").read_bytes()
    result = CliRunner().invoke(main, ["import", str(workspace), str(SAMPLES / "bank/psbc-2024Q3.csv")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "odd.toml" in result.output and said in result.output
    assert (workspace.parent / "transactions/imported.beancount").read_bytes() == before
