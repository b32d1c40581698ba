"""Importing the real-layout samples (copied from the field into tests/samples/) into a fresh
workspace: the books load, the bank balance assertions hold, the counts reconcile, and a second
import adds nothing."""

import re
import shutil

from beancount import loader
from beancount.core import data
from click.testing import CliRunner
from conftest import SAMPLES, snapshot

from fundtrail.cli import main
from fundtrail.findings import Finding
from fundtrail.importers.pipeline import run_import

PSBC = "Assets:Bank:PSBC-1188"  # the PSBC sample names no account number


def test_all_samples_into_a_fresh_workspace(workspace):
    summary = run_import(workspace, [SAMPLES], account=PSBC)
    entries, errors, _ = loader.load_file(str(workspace))
    assert [e for e in errors if not isinstance(e, Finding)] == []
    balances = [e for e in entries if isinstance(e, data.Balance)]
    assert {b.account for b in balances} == {"Assets:Bank:ICBC-2345", "Assets:Bank:ABC-2345", PSBC}
    txns = [e for e in entries if isinstance(e, data.Transaction)]
    assert len(txns) == summary.transactions == 102
    by_file = {r.source.rsplit("/", 1)[-1]: r for r in summary.files}
    for report in summary.files:
        assert report.read == report.new + report.present + report.updated + len(report.skipped)
    icbc = by_file["2024-09-30.icbc-corporate-2024Q3.csv"]
    assert (icbc.read, icbc.new, icbc.skipped) == (25, 24, [(30, "合计行 totals row")])
    roster = by_file["2024-08-15.yikatong-roster-2024Q3.xlsx"]
    assert roster.new == 24 and [r for r, _ in roster.skipped] == [10, 28]
    # every imported transaction carries its audit trail
    for txn in txns:
        assert {"source", "sha256", "batch"} <= txn.meta.keys()
        assert "row" in txn.meta or "voucher" in txn.meta
        assert (workspace.parent / txn.meta["source"]).is_file()
    icbc_row = next(t for t in txns if "ICBC-2345-02000001" in t.links)
    assert icbc_row.meta["row"] == 6 and icbc_row.meta["source"].startswith("documents/Assets/Bank/")


def test_the_project_library_reports_sources_missing_from_the_fund_list(workspace):
    summary = run_import(workspace, [SAMPLES / "registers"])
    library = next(r for r in summary.files if r.source.endswith("projects.xlsx"))
    assert any("资金来源文号不在指标清单" in w and "QH2024-001(青财农指〔2024〕41号)" in w
               for w in library.warnings)
    text = (workspace.parent / "masterdata/projects.beancount").read_text("utf-8")
    assert "budget: 1650000.00 CNY" in text  # 165 万元
    assert "budget_central: 990000.00 CNY" in text and "budget_county: 165000.00 CNY" in text


def test_importing_again_adds_nothing_and_writes_nothing(workspace):
    run_import(workspace, [SAMPLES], account=PSBC)
    before = snapshot(workspace.parent)
    again = run_import(workspace, [SAMPLES], account=PSBC)
    assert again.transactions == 0 and again.written == []
    assert all(r.new == 0 for r in again.files)
    assert snapshot(workspace.parent) == before


def test_a_changed_register_updates_in_place(workspace, tmp_path):
    run_import(workspace, [SAMPLES / "registers"])
    changed = tmp_path / "households.csv"
    text = (SAMPLES / "registers/households.csv").read_text("utf-8")
    changed.write_text(text.replace("HH00001,马爱,370405197407076648,涧东镇,涧东新村,6,",
                                    "HH00001,马爱,370405197407076648,涧东镇,涧东新村,7,"), "utf-8")
    summary = run_import(workspace, [changed])
    assert (summary.files[0].updated, summary.files[0].present) == (1, 39)
    rows = (workspace.parent / "registers/households.csv").read_text("utf-8").splitlines()
    assert len(rows) == 41 and sum("HH00001" in r for r in rows) == 1
    assert "HH00001,马爱,370405197407076648,涧东镇,涧东新村,7," in rows[1]
    funds = tmp_path / "funds.csv"
    funds.write_text((SAMPLES / "registers/fund-allocations.csv").read_text("utf-8")
                     .replace("12000000.00", "12500000.00"), "utf-8")
    summary = run_import(workspace, [funds])
    assert summary.files[0].updated == 1 and summary.transactions == 0
    text = (workspace.parent / "masterdata/funds.beancount").read_text("utf-8")
    assert text.count("open Income:Fund:Central:C2024-048") == 1
    assert "amount: 12500000.00 CNY" in text


def test_cli_dry_run_prints_the_reconciliation_and_writes_nothing(workspace):
    before = snapshot(workspace.parent)
    result = CliRunner().invoke(main, ["import", str(workspace), str(SAMPLES), "--dry-run",
                                       "--account", PSBC])
    assert result.exit_code == 0, result.output
    assert "读取 read 25 = 新增 new 24 + 已存在 present 0 + 跳过 skipped 1" in result.output
    assert "跳过第30行 skipped row 30: 合计行 totals row" in result.output
    assert "新增交易 102 笔" in result.output and "dry run" in result.output
    assert snapshot(workspace.parent) == before


def test_files_inside_the_workspace_inbox_are_filed_under_documents(workspace):
    inbox = workspace.parent / "inbox"
    shutil.copy(SAMPLES / "bank/icbc-corporate-2024Q3.csv", inbox)
    summary = run_import(workspace, [inbox])
    assert summary.files[0].source == "documents/Assets/Bank/ICBC-2345/2024-09-30.icbc-corporate-2024Q3.csv"
    assert (workspace.parent / summary.files[0].source).read_bytes() == (
        SAMPLES / "bank/icbc-corporate-2024Q3.csv").read_bytes()


def test_a_name_starting_with_no_real_day_is_filed_under_the_statement_date(workspace, tmp_path):
    odd = tmp_path / "2024-09-31.icbc.csv"  # September has 30 days: a name, not a filing date
    shutil.copy(SAMPLES / "bank/icbc-corporate-2024Q3.csv", odd)
    summary = run_import(workspace, [odd])
    assert summary.files[0].source == "documents/Assets/Bank/ICBC-2345/2024-09-30.2024-09-31.icbc.csv"


def test_beangulp_drives_the_same_importers(tmp_path):
    from fundtrail.importers.registry import importers

    found = {imp.name: imp for imp in importers(None) if imp.identify(str(SAMPLES / "bank/psbc-2024Q3.csv"))}
    assert list(found) == ["fundtrail.statement.psbc"]
    icbc = next(i for i in importers(None) if i.identify(str(SAMPLES / "bank/icbc-corporate-2024Q3.csv")))
    assert icbc.account(str(SAMPLES / "bank/icbc-corporate-2024Q3.csv")) == "Assets:Bank:ICBC-2345"
    entries = icbc.extract(str(SAMPLES / "bank/icbc-corporate-2024Q3.csv"), [])
    txns = [e for e in entries if isinstance(e, data.Transaction)]
    assert len(txns) == 25  # 24 rows and the opening entry
    icbc.deduplicate(txns, txns[:5])
    assert sum(1 for t in txns if t.meta.get("__duplicate__")) == 5


def test_beangulp_cli_extracts_with_the_fundtrail_importers(workspace):
    import beangulp

    from fundtrail.importers.registry import importers

    ingest = beangulp.Ingest(importers(workspace.parent))
    result = CliRunner().invoke(ingest.cli, ["extract", "-e", str(workspace),
                                             str(SAMPLES / "bank/icbc-corporate-2024Q3.csv"),
                                             str(SAMPLES / "treasury")])
    assert result.exit_code == 0, result.output
    assert len(re.findall(r"\^ICBC-2345-\d{8}", result.output)) == 24 and result.output.count("^VOU-2024") == 8
    assert "^ICBC-2345-OPEN" in result.output and "balance Assets:Bank:ICBC-2345" in result.output
    refused = CliRunner().invoke(ingest.cli, ["extract", str(SAMPLES / "bank/psbc-2024Q3.csv")])
    assert "请用 --account 指定" in refused.output  # the PSBC sample names no account number


def test_interest_is_classified_by_the_starter_rules(workspace):
    run_import(workspace, [SAMPLES / "bank/icbc-corporate-2024Q3.csv"])
    entries, _, _ = loader.load_file(str(workspace))
    interest = [e for e in entries if isinstance(e, data.Transaction) and e.narration == "结息"]
    assert len(interest) == 1 and interest[0].postings[1].account == "Income:Other"
    assert interest[0].payee == ""


def test_a_correction_voucher_pair_nets_to_zero(workspace, tmp_path):
    text = (SAMPLES / "treasury/vouchers-2024Q3.xml").read_bytes().decode("gbk")
    text = text.replace("<PayAmt>243737.00</PayAmt>", "<PayAmt>0.00</PayAmt>").replace(
        "<Amt>90065.00</Amt>", "<Amt>-90065.00</Amt>").replace(
        "<Amt>153672.00</Amt>", "<Amt>90065.00</Amt>")
    path = tmp_path / "vouchers.xml"
    path.write_bytes(text.encode("gbk"))
    run_import(workspace, [path])
    entries, _, _ = loader.load_file(str(workspace))
    correction = next(e for e in entries if isinstance(e, data.Transaction)
                      and "VOU-20245201000002" in e.links)
    amounts = sorted(p.units.number for p in correction.postings)
    assert amounts[0] == -amounts[-1] and sum(amounts) == 0
    assert {p.meta.get("func_code") for p in correction.postings[:2]} == {"2130505", "2130504"}


def test_subtotal_and_carried_forward_rows_of_a_printout_are_skipped(workspace, tmp_path):
    """An accounting printout's 承前页, 7月合计, 本月合计, 本年累计 and 过次页 lines are totals, not
    payments: skipped and named, and the statement's 24 rows import as they do without them."""
    lines = (SAMPLES / "bank/icbc-corporate-2024Q3.csv").read_bytes().decode("gbk").splitlines(keepends=True)
    totals = ['承前页,,,,,,,"4,316,789.12"\n', '2024年7月合计,,,,,"987,559.00","860,001.30",\n',
              '本月合计,,,,,"987,559.00","860,001.30",\n', '本年累计,,,,,"987,559.00","860,001.30",\n',
              '过次页,,,,,,,"3,329,231.42"\n']
    text = lines[:5] + totals[:1] + lines[5:12] + totals[1:] + lines[12:]
    path = tmp_path / "icbc-printout.csv"
    path.write_bytes("".join(text).encode("gbk"))
    (report,) = run_import(workspace, [path]).files
    assert report.new == 24
    assert report.skipped == [(6, "合计行 totals row"), *((n, "合计行 totals row") for n in range(14, 18)),
                              (35, "合计行 totals row")]
    entries, errors, _ = loader.load_file(str(workspace))
    assert [e for e in errors if not isinstance(e, Finding)] == []
    rows = {int(e.meta["row"]) for e in entries if isinstance(e, data.Transaction) and "row" in e.meta}
    assert rows == {*range(7, 14), *range(18, 35)}  # (row 7 also dates the opening balance)


def test_a_payment_request_whose_first_column_starts_like_a_subtotal_is_still_checked(demo, demo_books, tmp_path):
    """A county's 付款申请清单 may put 用途 (or the payee, the project) first: a request whose
    purpose starts with a month or year and 累计, or with 小计, is a payment the pre-payment gate
    must judge, not a subtotal line (本月合计, 承前页 alone are)."""
    from fundtrail.importers.batch import read_batch

    path = tmp_path / "付款申请-202512.csv"
    path.write_text("用途,日期,收款单位,收款账号,项目编码,金额\n"
                    "10月累计务工补贴,2025-12-01,青禾建工有限公司,370153561869255223,,1200.00\n"
                    "2025年累计欠付工程款结算,2025-12-02,鲁南路桥工程有限公司,370114332920931579,,35000.00\n"
                    "小计量器具购置,2025-12-03,富康电子商务有限公司,370119590000001,,860.00\n"
                    "本月合计,,,,,37060.00\n"
                    "承前页,,,,,\n", "utf-8")
    batch = read_batch([path], demo[0], demo_books.entries)
    assert [(line.row, str(line.amount)) for line in batch.lines] == [(2, "1200.00"), (3, "35000.00"), (4, "860.00")]
    assert [row for _name, row, _why in batch.skipped] == [5, 6]


def test_a_required_totals_row_is_not_a_page_break(workspace, tmp_path):
    """A layout with `totals = "required"` refuses a file without its totals row (truncated): a
    carried-forward line (承前页, 过次页) at a page break is no totals row, so a file cut on a
    later page is refused, not imported as if whole."""
    import pytest

    from fundtrail.importers.errors import BadInput

    root = workspace.parent
    layout = (SAMPLES.parent.parent / "importers/layouts/icbc-corporate.toml").read_text("utf-8")
    (root / "layouts").mkdir(exist_ok=True)
    (root / "layouts/icbc-corporate.toml").write_text(
        layout.replace('totals_label = "合计"', 'totals_label = "合计"\ntotals = "required"'), "utf-8")
    lines = (SAMPLES / "bank/icbc-corporate-2024Q3.csv").read_bytes().decode("gbk").splitlines(keepends=True)
    assert lines[-1].startswith("合计")
    whole = tmp_path / "icbc-printout.csv"
    whole.write_bytes("".join(lines[:12] + ['过次页,,,,,,,"3,329,231.42"\n', '承前页,,,,,,,"3,329,231.42"\n']
                              + lines[12:]).encode("gbk"))
    assert run_import(workspace, [whole], dry_run=True).files[0].new == 24
    cut = tmp_path / "icbc-cut.csv"  # cut on page 2, below its 承前页 line
    cut.write_bytes("".join(lines[:12] + ['承前页,,,,,,,"3,329,231.42"\n'] + lines[12:20]).encode("gbk"))
    with pytest.raises(BadInput, match="缺少合计行"):
        run_import(workspace, [cut], dry_run=True)


def test_a_statement_that_ends_on_a_carried_to_next_page_line_is_refused_as_cut(workspace, tmp_path):
    """A printout whose last line is 过次页 (carried to the next page) lost its next pages: the
    rows above it must not be imported as the whole statement (the layout's totals optional)."""
    import pytest

    from fundtrail.importers.errors import BadInput

    lines = (SAMPLES / "bank/icbc-corporate-2024Q3.csv").read_bytes().decode("gbk").splitlines(keepends=True)
    before = snapshot(workspace.parent)
    for word in ("过次页", "转下页", "转次页"):
        cut = tmp_path / f"icbc-cut-{word}.csv"
        cut.write_bytes("".join(lines[:12] + [f'{word},,,,,,,"3,329,231.42"\n', ",,,,,,,\n"]).encode("gbk"))
        with pytest.raises(BadInput, match=f"以“{word}”行结束"):
            run_import(workspace, [cut])
    assert snapshot(workspace.parent) == before
