"""A project library's per-level budget columns are read by the one table of fund-level
spellings (`accounts.level_in`, over FUND_LEVELS and LEVEL_ALIASES): each column lands in the
budget of the level the fund list would give the same words, and the import report names it by
that level."""

from __future__ import annotations

from fundtrail import accounts as acc
from fundtrail.importers.pipeline import run_import

HEADER = "项目编号,项目名称,资金规模(元),其中:中央衔接资金,省级衔接资金,区级配套,社会帮扶资金,帮扶单位捐赠,资金来源文号"
ROW = "QH2024-101,甲村道路硬化项目,100000,50000,20000,10000,15000,5000,"


def test_each_level_column_lands_in_its_levels_budget_and_is_named_by_it(workspace, tmp_path):
    path = tmp_path / "项目库.csv"
    path.write_text(f"{HEADER}\n{ROW}\n", "utf-8")
    report = run_import(workspace, [path], batch="T").files[0]
    assert report.new == 1 and not any("各级资金之和" in w for w in report.warnings)
    text = (workspace.parent / "masterdata/projects.beancount").read_text("utf-8")
    for line in ("budget_central: 50000.00 CNY", "budget_province: 20000.00 CNY",
                 "budget_county: 10000.00 CNY",
                 "budget_donation: 15000.00 CNY",  # 社会帮扶 is 社会捐赠, as normalize_level says
                 "budget_twinning: 5000.00 CNY"):  # 帮扶单位 (the longer spelling) before 捐赠
        assert f"\n  {line}\n" in text, line
    assert dict(report.mapped)["社会帮扶资金"] == "资金规模·社会捐赠"
    assert dict(report.mapped)["区级配套"] == "资金规模·县级"
    for column, level in (("社会帮扶资金", "社会帮扶"), ("区级配套", "区级"), ("省级衔接资金", "省级")):
        assert acc.level_in(column) == acc.normalize_level(level)  # the column as the fund list reads it
