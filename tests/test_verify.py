"""`fundtrail verify`: a deleted or altered source document, a broken seal or balance is a
break with a non-zero exit; a document without sha256 is listed as unverifiable."""

import small_ledger
from click.testing import CliRunner

from fundtrail.cli import main


def verify(ledger, *flags):
    return CliRunner().invoke(main, ["verify", str(ledger), *flags])


def test_intact_books_pass_and_list_what_cannot_be_verified(tmp_path):
    ledger = small_ledger.make(tmp_path)
    assert CliRunner().invoke(main, ["seal", str(ledger), "--through", "2024-06-30"]).exit_code == 0
    result = verify(ledger, "--documents")
    assert result.exit_code == 0, result.output
    assert "结论 Verdict: 完好 INTACT" in result.output
    assert "封账链 seal chain: 1 项 checked, 完好 intact" in result.output
    assert "余额断言 balances: 1 项 checked, 完好 intact" in result.output
    assert f"unverifiable (no sha256): {small_ledger.STATEMENT} (1 笔分录 entries)" in result.output


def test_a_deleted_source_document_breaks(tmp_path):
    ledger = small_ledger.make(tmp_path)
    (tmp_path / small_ledger.STATEMENT).unlink()
    assert verify(ledger).exit_code == 0  # not looked at without --documents
    result = verify(ledger, "--documents")
    assert result.exit_code == 1
    assert f"原始凭证缺失 source document missing: {small_ledger.STATEMENT}" in result.output
    assert "BROKEN" in result.output


def test_an_altered_source_document_breaks(tmp_path):
    ledger = small_ledger.make(tmp_path)
    statement = tmp_path / small_ledger.STATEMENT
    statement.write_text(statement.read_text("utf-8").replace("30000.00", "3000.00"), "utf-8")
    result = verify(ledger, "--documents")
    assert result.exit_code == 1
    assert f"原始凭证被改动 source document altered: {small_ledger.STATEMENT}" in result.output
    assert "imported.beancount:" in result.output  # names the first entry from it


def test_a_broken_seal_or_balance_breaks(tmp_path):
    ledger = small_ledger.make(tmp_path)
    CliRunner().invoke(main, ["seal", str(ledger), "--through", "2024-06-30"])
    path = tmp_path / "transactions/imported.beancount"
    path.write_text(path.read_text("utf-8").replace("30000.00 CNY", "30001.00 CNY"), "utf-8")
    result = verify(ledger)
    assert result.exit_code == 1
    assert "已封账分录被修改 sealed entry changed: 2024-03-05 ^ICBC-2345-0001" in result.output
    assert "余额断言 balances: 1 项 checked, 1 处破坏 broken" in result.output
    assert "发现 2 处破坏 BROKEN" in result.output
