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
    assert "结论：完好 INTACT" in result.output
    assert "封账链：核验 1 项，完好" in result.output
    assert "余额断言：核验 1 项，完好" in result.output
    assert f"未记录 sha256，无法核验：{small_ledger.STATEMENT}（涉及 1 笔分录）" in result.output


def test_a_deleted_source_document_breaks(tmp_path):
    ledger = small_ledger.make(tmp_path)
    (tmp_path / small_ledger.STATEMENT).unlink()
    assert verify(ledger).exit_code == 0  # not looked at without --documents
    result = verify(ledger, "--documents")
    assert result.exit_code == 1
    assert f"原始凭证缺失：{small_ledger.STATEMENT}（涉及 " in result.output
    assert "BROKEN" in result.output


def test_an_altered_source_document_breaks(tmp_path):
    ledger = small_ledger.make(tmp_path)
    statement = tmp_path / small_ledger.STATEMENT
    statement.write_text(statement.read_text("utf-8").replace("30000.00", "3000.00"), "utf-8")
    result = verify(ledger, "--documents")
    assert result.exit_code == 1
    assert f"原始凭证被改动：{small_ledger.STATEMENT}（现 sha256 为 " in result.output
    # names the first entry from it, by its file inside the workspace
    assert "  ✗ transactions/imported.beancount:" in result.output and str(tmp_path) not in result.output


def test_a_broken_seal_or_balance_breaks(tmp_path):
    ledger = small_ledger.make(tmp_path)
    CliRunner().invoke(main, ["seal", str(ledger), "--through", "2024-06-30"])
    path = tmp_path / "transactions/imported.beancount"
    path.write_text(path.read_text("utf-8").replace("30000.00 CNY", "30001.00 CNY"), "utf-8")
    result = verify(ledger)
    assert result.exit_code == 1
    assert "已封账分录被修改：2024-03-05 ^ICBC-2345-0001" in result.output
    assert "余额断言：核验 1 项，1 处破坏" in result.output
    assert "结论：发现 2 处破坏 BROKEN" in result.output
