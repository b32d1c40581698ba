"""Header labels with a gloss in brackets (借方发生额（支取）, 补贴金额（元）, 余额[元]) are matched
by the one header specification's `label_key`, for a bank layout as for a roster; two columns
that differ only by their gloss are not merged."""

from __future__ import annotations

from beancount import loader
from beancount.core import data
from conftest import SAMPLES

from fundtrail.importers.headers import label_key
from fundtrail.importers.pipeline import run_import
from fundtrail.importers.tables import Table, column_of


def test_label_key_drops_bracketed_glosses():
    assert label_key("借方发生额（支取）") == "借方发生额"
    assert label_key("贷方发生额(收入)") == "贷方发生额"
    assert label_key("补贴金额（元）") == "补贴金额"
    assert label_key("余额[元]") == "余额"
    assert label_key("（元）") == "(元)"  # all gloss: kept as folded


def test_a_gloss_in_the_file_or_the_layout_still_finds_the_column():
    names = Table(None, [(1, ["日期", "借方发生额（支取）", "贷方发生额", "余额"])]).names(0)
    assert column_of(names, "借方发生额") == 1 and column_of(names, "贷方发生额(收入)") == 2


def test_two_columns_that_differ_by_their_gloss_only_are_not_merged():
    names = Table(None, [(1, ["发生额（借）", "发生额（贷）"])]).names(0)
    assert column_of(names, "发生额") is None
    assert column_of(names, "发生额(借)") == 0 and column_of(names, "发生额（贷）") == 1


def test_a_packaged_layout_reads_a_statement_whose_labels_carry_glosses(workspace, tmp_path):
    text = (SAMPLES / "bank/icbc-corporate-2024Q3.csv").read_bytes().decode("gbk")
    glossed = text.replace("借方发生额", "借方发生额（支取）").replace("贷方发生额", "贷方发生额（收入）", 1)
    assert "借方发生额（支取）" in glossed
    path = tmp_path / "icbc-corporate-2024Q3.csv"
    path.write_bytes(glossed.encode("gbk"))
    summary = run_import(workspace, [path])
    report = summary.files[0]
    assert report.new > 0 and report.kind.startswith("银行对账单")
    assert ("借方发生额（支取）", "借方发生额") in report.mapped
    entries, _, _ = loader.load_file(str(workspace))
    assert any(isinstance(e, data.Balance) for e in entries)
