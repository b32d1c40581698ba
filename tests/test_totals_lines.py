"""Totals and footer lines in other words (tables.is_totals_label, the one reading): a printout's
count and sum lines, its footer and a place's subtotal are skipped and listed, never read as a
row (a statement's 借方合计笔数：4 is not a row with an empty date)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data

from fundtrail.importers.pipeline import run_import
from fundtrail.importers.tables import is_totals_label


@pytest.mark.parametrize("text", ["借方合计笔数：4", "借方合计金额：137,700.25", "贷方合计笔数:1",
                                  "收入合计", "打印时间：2024-11-01 16:20:11", "打印日期 2024-11-01",
                                  "制表人：张三", "涧东新村小计", "张山镇合计", "张山南村一组小计"])
def test_count_sum_footer_and_place_subtotal_lines_are_totals(text):
    assert is_totals_label(text)


@pytest.mark.parametrize("text", ["2024-10-09 10:21:33", "20241009", "10月累计务工补贴", "小计量器具购置",
                                  "打印机采购", "借款", "收入", "韩秀英", "涧东新村", "借方", "1"])
def test_rows_that_only_start_like_one_are_rows(text):
    assert not is_totals_label(text)


def test_a_statement_with_count_lines_and_a_print_footer_imports(workspace, tmp_path):
    (workspace.parent / "layouts").mkdir(exist_ok=True)
    (workspace.parent / "layouts/qhccb.toml").write_text(
        'name = "合计笔数版式"\nbank = "QHCCB"\nformat = "csv"\ndate_format = "%Y-%m-%d"\n'
        'head = ["账号：{account_no}"]\n[columns]\ndate = "交易日期"\ndebit = "借方发生额"\n'
        'credit = "贷方发生额"\nbalance = "余额"\npayee = "对方户名"\nsummary = "摘要"\n', "utf-8")
    text = ("账号：37050165880100009876,,,,,\n"
            "交易日期,借方发生额（支取）,贷方发生额（收入）,余额,对方户名,摘要\n"
            "2024-10-09,\"30,000.00\",,\"58,617.07\",青禾水务工程有限公司,转账支取\n"
            "2024-10-12,,\"250,000.00\",\"308,617.07\",青禾区财政局,转账存入\n"
            "借方合计笔数：1,\"借方合计金额：30,000.00\",贷方合计笔数：1,\"贷方合计金额：250,000.00\",,\n"
            "打印时间：2024-11-01 16:20:11,,,,,\n")
    path = tmp_path / "qhccb-2024-10.csv"
    path.write_bytes(text.encode("gb18030"))
    summary = run_import(workspace, [path])
    report = summary.files[0]
    assert (report.read, report.new, [row for row, _ in report.skipped]) == (4, 2, [5, 6])
    entries, _, _ = loader.load_file(str(workspace))
    assert any(isinstance(e, data.Balance) and e.amount.number == Decimal("308617.07") for e in entries)
