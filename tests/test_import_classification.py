"""What a file is taken for: a table paying subsidy amounts is a roster, not a household register
(however many register columns it has); a file no importer reads is refused with a message that
suggests the bank tool only for what looks like a bank statement (an XML file: no voucher
element found)."""

from __future__ import annotations

import openpyxl
import pytest

from fundtrail.importers.errors import BadInput
from fundtrail.importers.registers import PersonRegisterImporter
from fundtrail.importers.registry import importers, pick
from fundtrail.importers.rosters import RosterImporter

HUIMIN = ["户主姓名", "公民身份号码", "社保卡号", "所在乡镇", "所在村", "补贴名称", "补贴金额（元）", "发放时间",
          "发放结果"]


def _xlsx(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_roster_headed_like_a_household_register_is_a_roster(tmp_path):
    path = _xlsx(tmp_path / "qingce.xlsx", [["涧东镇一卡通发放清册"], HUIMIN,
                                            ["韩秀英", "370405196503124529", "6231561888016470011", "涧东镇",
                                             "涧东新村", "到户产业奖补", 1500, "2024年8月20日", "发放成功"]])
    assert PersonRegisterImporter("households", tmp_path).score(path) == 0
    assert isinstance(pick(path, importers(tmp_path)), RosterImporter)


def test_a_household_register_is_still_one(tmp_path):
    path = _xlsx(tmp_path / "households.xlsx", [["户编号", "户主姓名", "身份证号", "行政村"],
                                                ["H001", "韩秀英", "370405196503124529", "涧东新村"]])
    assert isinstance(pick(path, importers(tmp_path)), PersonRegisterImporter)


@pytest.mark.parametrize("name, content, hint", [
    ("notes.csv", "说明,内容\n一,二\n", False),
    ("list.csv", "凭证号,收款人全称,支付金额(元),付款人账号\nV1,青禾建工,100.00,4101\n", False),
    ("qhvb.csv", "账号:6005\n记账日期,收入金额,支出金额,余额,对方名称\n2024-07-03,400.00,,450.00,财政局\n", True),
])
def test_the_bank_tool_is_suggested_for_bank_statements_only(tmp_path, name, content, hint):
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with pytest.raises(BadInput) as caught:
        pick(path, importers(tmp_path))
    assert caught.value.zh.startswith("无法识别的文件")
    assert ("layout suggest" in caught.value.zh) == hint


def test_an_xml_without_vouchers_says_so(tmp_path):
    path = tmp_path / "zfpz.xml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><zfpzs><zfpz><pzh>1</pzh></zfpz></zfpzs>', "utf-8")
    with pytest.raises(BadInput) as caught:
        pick(path, importers(tmp_path))
    assert "找不到国库支付凭证元素" in caught.value.zh and "layout suggest" not in caught.value.zh


BOC_LIKE = ("账号：37050165880100009876,,,,,,\n"
            "记账日期,对方户名,对方账号,摘要,借方发生额（支取）,贷方发生额（收入）,余额\n"
            "20241009,青禾水务工程有限公司,3701,转账支取,\"30,000.00\",,\"58,617.07\"\n")


def test_a_partly_matching_layout_of_another_bank_does_not_claim_the_file(tmp_path):
    """A header like the BOC layout's but one column short, under 中国建设银行's title, is not
    refused as a BOC statement: no importer reads it, and the message suggests layout suggest."""
    path = tmp_path / "jianhang.csv"
    path.write_bytes(("中国建设银行单位客户账户交易明细,,,,,,\n" + BOC_LIKE).encode("gb18030"))
    with pytest.raises(BadInput) as caught:
        pick(path, importers(tmp_path))
    assert caught.value.zh.startswith("无法识别的文件") and "layout suggest" in caught.value.zh


def test_a_partly_matching_layout_of_the_same_bank_names_what_is_missing(tmp_path):
    path = tmp_path / "zhonghang.csv"
    path.write_bytes(("中国银行对公客户对账单,,,,,,\n" + BOC_LIKE).encode("gb18030"))
    chosen = pick(path, importers(tmp_path))
    assert chosen.layout.key == "boc-statement"
    with pytest.raises(BadInput, match="表头缺少列: 交易流水号"):
        chosen.parse(path)


def test_a_land_rent_roll_with_a_bare_amount_column_is_no_roster(tmp_path):
    from fundtrail.importers.benefit import RentRollImporter

    header = ["序号", "项目名称", "姓名", "身份证号", "行政村", "一卡通账号", "流转面积(亩)", "租金标准", "金额(元)",
              "发放日期"]
    path = _xlsx(tmp_path / "rent.xlsx", [header, [1, "涧东新村大棚项目", "韩秀英", "370405196503124529", "涧东新村",
                                                   "6231561888016470011", 2.5, 800, 2000, "2024-09-10"]])
    assert isinstance(pick(path, importers(tmp_path)), RentRollImporter)


@pytest.mark.parametrize("text, message", [
    ('[[rule]]\nwhen = { payee = "水务" }\naccount = "Expenses:X"\n[[rule\n',
     "classify.toml 第4行 (row 4): 分类规则文件不是有效的 TOML，请检查该行的写法 / bad TOML: "),
    ('[[rule]]\nwhen = { payee = "水务(" }\naccount = "Expenses:X"\n',
     "classify.toml: 分类规则文件错误：第1条规则的 when.payee 不是有效的正则表达式：'水务(' / bad "
     "classification rules: rule 1: when.payee is not a valid regular expression: "),
    ('[[rule]]\nwhen = { payee = "水务" }\n[[rule]]\nwhen = { payer = "局" }\n',
     "classify.toml: 分类规则文件错误：第2条规则的 when 中有未知字段 payer（可用：kind、direction、"),
    ('[[rule]]\nwhen = {}\n', "classify.toml: 分类规则文件错误：第1条规则的 when 为空 / bad classification "
     "rules: rule 1: empty `when`"),
    ('rule = ["水务"]\n', "classify.toml: 分类规则文件错误：第1条规则 [[rule]] 应写为表格"),
], ids=["toml", "regex", "field", "empty", "not a table"])
def test_a_mistake_in_the_classification_rules_is_said_in_chinese_first(tmp_path, text, message):
    """classify.toml, edited by the county by hand: what is wrong (and where) in Chinese, then
    the English; never a traceback."""
    from fundtrail.importers.classify import Classifier
    from fundtrail.masterdata import MasterData

    (tmp_path / "classify.toml").write_text(text, "utf-8")
    with pytest.raises(BadInput) as caught:
        Classifier.load(tmp_path, MasterData.from_entries([]))
    assert str(caught.value).startswith(message), str(caught.value)
