"""The benefit-link importers on small files: a roll's rows become `custom "benefit-roll"`
master data keyed so a re-import updates in place, a lease's payment terms are read from its
付款约定, and bad input is one clear error naming the file and the row, with nothing written."""

from __future__ import annotations

import re

import pytest

from fundtrail.importers.errors import BadInput
from fundtrail.importers.pipeline import run_import

PROJECT = """
2024-01-01 open Expenses:Project:QH2024-001 CNY
  name: "甲村食用菌基地项目"
  category: "产业发展"
  linkage: "务工带动"
  end: 2024-10-31
  budget: 1000000.00 CNY
  poor_households: 3
"""
ROLL = ["青禾区2024年产业项目务工人员工资发放花名册",
        "序号,项目名称,用工单位,姓名,身份证号,所在村,是否脱贫户/监测户,务工月份,出勤天数,应发工资(元),实发工资(元)",
        "1,甲村食用菌基地项目,青禾丰源农业发展有限公司,赵一,370405198001010011,甲村,是,2024年9月,20,2000.00,2000.00",
        "2,甲村食用菌基地项目,青禾丰源农业发展有限公司,钱二,,甲村,否,2024年9月,20,2000.00,2000.00",
        "3,甲村食用菌基地项目,青禾丰源农业发展有限公司,赵一,370405198001010011,甲村,是,2024年10月,21,2100.00,2100.00",
        "合计,,,,,,,,,6100.00,6100.00"]


@pytest.fixture
def books(workspace):
    with (workspace.parent / "masterdata/projects.beancount").open("a", encoding="utf-8") as handle:
        handle.write(PROJECT)
    return workspace


def write(path, lines, encoding="utf-8"):
    path.write_text("\n".join(lines) + "\n", encoding)
    return path


def test_a_wage_roll_becomes_roll_rows_named_by_project_and_period(books, tmp_path):
    roll = write(tmp_path / "务工花名册.csv", ROLL, "gbk")
    run_import(books, [roll], batch="T")
    text = (books.parent / "masterdata/benefit.beancount").read_text("utf-8")
    assert text.count(' custom "benefit-roll"') == 3
    assert 'project: "QH2024-001"' in text and 'kind: "务工"' in text and 'period: "2024-10"' in text
    assert "2024-09-30 custom" in text  # a month's row is dated on its last day
    again = run_import(books, [roll], batch="T2").files[0]  # the same file again: nothing new
    assert (books.parent / "masterdata/benefit.beancount").read_text("utf-8").count(' custom "benefit-roll"') == 3
    assert (again.new, again.present, again.updated) == (0, 3, 0)  # and the report says so
    fixed = write(tmp_path / "务工花名册2.csv", [r.replace("2100.00", "2200.00") for r in ROLL])
    corrected = run_import(books, [fixed], batch="T3").files[0]  # a corrected roll updates the row in place
    assert (corrected.new, corrected.present, corrected.updated) == (0, 2, 1)
    text = (books.parent / "masterdata/benefit.beancount").read_text("utf-8")
    assert text.count(' custom "benefit-roll"') == 3 and "2200.00 CNY" in text and "2100.00 CNY" not in text


def test_a_roll_naming_a_project_the_library_lacks_is_refused_at_its_row(books, tmp_path):
    roll = write(tmp_path / "花名册.csv", ROLL[:3] + [ROLL[3].replace("甲村食用菌基地项目", "乙村项目")])
    with pytest.raises(BadInput) as caught:
        run_import(books, [roll], batch="T")
    assert "花名册.csv" in str(caught.value) and "第4行" in str(caught.value)
    assert "乙村项目" in str(caught.value) and "不在项目库中" in str(caught.value)
    assert ' custom' not in (books.parent / "masterdata/benefit.beancount").read_text("utf-8")


def test_a_roll_row_with_a_negative_wage_is_refused_at_its_row(books, tmp_path):
    roll = write(tmp_path / "花名册.csv", ROLL[:3] + [ROLL[3].replace("2000.00,2000.00", "2000.00,-2000.00")])
    with pytest.raises(BadInput) as caught:
        run_import(books, [roll], batch="T")
    assert "花名册.csv" in str(caught.value) and "第4行" in str(caught.value) and "负数" in str(caught.value)
    assert ' custom' not in (books.parent / "masterdata/benefit.beancount").read_text("utf-8")

LEASES = ["合同编号,资产编号,资产名称,出租方,承租方,年租金(元),支付方式,起租日期,止租日期,付款约定",
          "ZL-01,ZC-01,甲村车间,甲村股份经济合作社,青禾鑫源服饰有限公司,40000.00,季付,2024-01-01,2026-12-31,每季度首月10日前支付当季租金",
          "ZL-02,ZC-02,甲村冷库,甲村股份经济合作社,青禾丰源农业发展有限公司,\"36,000.00\",按年支付,45292,2025-12-31,每年1月31日前支付当年租金"]


def test_leases_with_their_terms(books, tmp_path):
    run_import(books, [write(tmp_path / "租赁合同台账.csv", LEASES)], batch="T")
    text = (books.parent / "masterdata/benefit.beancount").read_text("utf-8")
    assert '2024-01-01 custom "lease" "ZL-01"' in text and 'payment: "季付"' in text
    assert 'due_month: "1"' in text and "due_day: 10" in text and "due_day: 31" in text
    assert '2024-01-01 custom "lease" "ZL-02"' in text and 'payment: "年付"' in text  # 45292: Excel's day


def test_the_same_lease_file_again_is_reported_as_present_and_a_corrected_one_as_updated(books, tmp_path):
    run_import(books, [write(tmp_path / "租赁合同台账.csv", LEASES)], batch="T")
    again = run_import(books, [write(tmp_path / "租赁合同台账2.csv", LEASES)], batch="T2").files[0]
    assert (again.new, again.present, again.updated) == (0, 2, 0)
    fixed = [LEASES[0], LEASES[1].replace("40000.00", "42000.00"), LEASES[2]]
    corrected = run_import(books, [write(tmp_path / "租赁合同台账3.csv", fixed)], batch="T3").files[0]
    assert (corrected.new, corrected.present, corrected.updated) == (0, 1, 1)


def test_a_lease_with_an_unknown_payment_is_refused_at_its_row(books, tmp_path):
    bad = write(tmp_path / "租赁合同.csv", LEASES[:2] + [LEASES[2].replace("按年支付", "随时")])
    with pytest.raises(BadInput) as caught:
        run_import(books, [bad], batch="T")
    assert "租赁合同.csv" in str(caught.value) and "第3行" in str(caught.value) and "支付方式" in str(caught.value)


def test_rent_receipts_need_a_lease_of_their_payer(books, tmp_path):
    receipts = write(tmp_path / "租金收入明细.csv", [
        "收款日期,付款单位,收款单位,金额(元),摘要,凭证号",
        "2024/01/08,青禾恒达商贸有限公司,甲村股份经济合作社,\"10,000.00\",车间租金,记-01-011"])
    with pytest.raises(BadInput) as caught:
        run_import(books, [receipts], batch="T")
    assert "第2行" in str(caught.value) and "不是任何租赁合同的承租方" in str(caught.value)


def test_a_roll_month_no_calendar_holds_is_refused_at_its_row(books, tmp_path):
    roll = write(tmp_path / "花名册.csv", ROLL[:3] + [ROLL[3].replace("2024年9月", "0000年9月")])
    with pytest.raises(BadInput) as caught:
        run_import(books, [roll], batch="T")
    assert "花名册.csv" in str(caught.value) and "第4行" in str(caught.value) and "务工月份" in str(caught.value)


TWO_LEASES = """
2024-01-01 custom "town" "370405001"
  name: "甲镇"
2024-01-01 custom "village" "370405001201"
  name: "甲村"
  town: "370405001"
2024-01-01 custom "asset" "ZC-01"
  name: "甲村车间"
  class: "经营性"
  village: "370405001201"
  value: 500000.00 CNY
2024-01-01 custom "asset" "ZC-02"
  name: "甲村冷库"
  class: "经营性"
  village: "370405001201"
  value: 300000.00 CNY
"""


def test_rent_receipts_of_a_payer_leasing_two_assets_take_the_asset_number_the_error_asks_for(books, tmp_path):
    with (books.parent / "masterdata/assets.beancount").open("a", encoding="utf-8") as handle:
        handle.write(TWO_LEASES)
    both = [LEASES[0], LEASES[1], LEASES[2].replace("青禾丰源农业发展有限公司", "青禾鑫源服饰有限公司")]
    run_import(books, [write(tmp_path / "租赁合同台账.csv", both)], batch="T")
    rows = ["收款日期,付款单位,收款单位,金额(元),摘要,凭证号",
            "2024/01/08,青禾鑫源服饰有限公司,甲村股份经济合作社,\"10,000.00\",车间租金,记-01-011"]
    with pytest.raises(BadInput) as caught:
        run_import(books, [write(tmp_path / "租金收入明细.csv", rows)], batch="T2")
    assert "第2行" in str(caught.value) and "请加资产编号列" in str(caught.value)
    named = [rows[0] + ",资产编号", rows[1] + ",ZC-01"]
    run_import(books, [write(tmp_path / "租金收入明细2.csv", named)], batch="T3")
    text = (books.parent / "transactions/collective.beancount").read_text("utf-8")
    assert re.search(r"Income:Asset:ZC-01 +-10000\.00 CNY", text) and "ZC-02" not in text


def test_rent_receipts_keep_their_own_numbers_and_link_two_of_a_day_apart(books, tmp_path):
    with (books.parent / "masterdata/assets.beancount").open("a", encoding="utf-8") as handle:
        handle.write(TWO_LEASES)
    run_import(books, [write(tmp_path / "租赁合同台账.csv", LEASES)], batch="T")
    rows = ["收款日期,付款单位,收款单位,金额(元),摘要,凭证号",
            "2024/01/08,青禾鑫源服饰有限公司,甲村股份经济合作社,5000.00,车间租金,SY-2024-001",
            "2024/01/08,青禾鑫源服饰有限公司,甲村股份经济合作社,3000.00,车间租金,",
            "2024/01/08,青禾鑫源服饰有限公司,甲村股份经济合作社,2000.00,车间租金,记-01-011"]
    run_import(books, [write(tmp_path / "租金收入明细.csv", rows)], batch="T2")
    text = (books.parent / "transactions/collective.beancount").read_text("utf-8")
    assert "^SY-2024-001 " in text and "SY-2024-001-2" not in text
    assert "^SY-ZC-01-20240108 " in text and "^SY-ZC-01-20240108-2" in text and 'voucher: "记-01-011"' in text


def test_a_rolls_unknown_column_can_be_ignored_in_columns_toml_as_the_error_says(books, tmp_path):
    rows = [ROLL[0], ROLL[1] + ",银行卡号"] + [r + ",6228480012345678901" for r in ROLL[2:5]] + [ROLL[5] + ","]
    roll = write(tmp_path / "务工花名册.csv", rows)
    with pytest.raises(BadInput) as caught:
        run_import(books, [roll], batch="T")
    assert "务工花名册.csv" in str(caught.value) and '[wages] "银行卡号"' in str(caught.value)
    (books.parent / "columns.toml").write_text('[wages]\n"银行卡号" = "ignore"\n', "utf-8")
    result = run_import(books, [roll], batch="T").files[0]
    assert result.new == 3 and "银行卡号" in result.ignored
