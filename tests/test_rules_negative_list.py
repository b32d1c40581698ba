"""negative-list on a small ledger: forbidden uses by keyword, code and account; near-misses."""

from rulebook import findings, fund, pay, project

LEDGER = (
    fund("C2024-056", "2024-03-11", 2_000_000, func_code="2130599")
    + project("QH2024-G01", "C2024-056", 900_000, "2024-03-15", "2024-03-31", "2024-12-31",
              allotted="2024-03-21")
    # Hits: a car (payee and purpose), a bonus by its economic code alone, debt repayment.
    + pay("2024-09-10", "VOU-1", "QH2024-G01", "C2024-056", 238_000, payee="青禾汽车销售服务有限公司",
          narration="购置乡村振兴工作用车", eco_code="50306")
    + pay("2024-09-11", "VOU-2", "QH2024-G01", "C2024-056", 156_000, payee="青禾区乡村振兴局",
          narration="年终发放", eco_code="50101")
    + pay("2024-09-12", "VOU-3", "QH2024-G01", "C2024-056", 420_000, payee="涧东镇人民政府",
          narration="偿还涧东镇垫资款", eco_code="50999")
    # Near-misses: a workshop (扶贫车间), a review fee (委托业务费), a notice board, a subsidy (奖补).
    + pay("2024-09-13", "VOU-4", "QH2024-G01", "C2024-056", 50_000, payee="泥河建筑安装有限公司",
          narration="泥河前村来料加工扶贫车间项目进度款", eco_code="50399")
    + pay("2024-09-14", "VOU-5", "QH2024-G01", "C2024-056", 28_600, payee="青禾工程咨询有限公司",
          narration="项目评审及绩效评价服务费", eco_code="50205")
    + pay("2024-09-15", "VOU-6", "QH2024-G01", "C2024-056", 16_450, payee="青禾广告制作部",
          narration="项目公示牌制作", eco_code="50299")
    + pay("2024-09-16", "VOU-7", "QH2024-G01", "C2024-056", 3_000, payee="林生新",
          narration="到户产业奖补")
)


def test_negative_list_hits_and_near_misses():
    found = {f.links[-1]: f for f in findings(LEDGER, "negative-list")}
    assert sorted(found) == ["VOU-1", "VOU-2", "VOU-3"]
    assert dict(found["VOU-1"].facets)["item"] == "2" and "交通工具" in found["VOU-1"].message
    assert dict(found["VOU-2"].facets)["item"] == "3" and "经济分类50101" in found["VOU-2"].message
    assert dict(found["VOU-3"].facets)["item"] == "6" and "420,000.00元" in found["VOU-3"].message
    assert all(f.severity == "high" for f in found.values())


def test_keywords_codes_and_accounts_are_settings():
    found = findings(LEDGER, "negative-list", negative_keywords={"2": ["车"]},
                     negative_eco_codes={}, negative_accounts={"Expenses:Project:QH2024-G01": "9"})
    assert len(found) == 7  # the account catches every payment of this project
    found = findings(LEDGER, "negative-list", negative_keywords={"2": ["车"]}, negative_eco_codes={})
    assert sorted(f.links[-1] for f in found) == ["VOU-1", "VOU-3", "VOU-4"]  # why 车 is no keyword


def test_a_payee_named_again_and_a_keyword_across_payee_and_purpose():
    """A payee's keyword is found on each of its payments, a purpose's on its own payment, and
    a county keyword with a space runs from the payee's name into the purpose."""
    ledger = LEDGER + (
        pay("2024-09-17", "VOU-8", "QH2024-G01", "C2024-056", 9_000, payee="青禾汽车销售服务有限公司",
            narration="项目材料款", eco_code="50399")
        + pay("2024-09-18", "VOU-9", "QH2024-G01", "C2024-056", 7_000, payee="泥河建筑安装有限公司",
              narration="项目城区段进度款", eco_code="50399"))
    found = {f.links[-1]: dict(f.facets)["item"] for f in findings(ledger, "negative-list")}
    assert found == {"VOU-1": "2", "VOU-2": "3", "VOU-3": "6", "VOU-8": "2", "VOU-9": "8"}
    spaced = findings(LEDGER, "negative-list", negative_keywords={"9": ["有限公司 泥河前村"]})
    assert "VOU-4" in {f.links[-1] for f in spaced}


def test_money_coming_back_shows_no_use():
    """A refund (a negative amount) is no spending on a forbidden use, whatever its code or
    purpose names: an entry of refunds alone is passed over, and in an entry that also pays,
    only the paying posting's code and amount count."""
    both = """
2024-09-20 * "青禾建工有限公司" "进度款" ^VOU-11 ^QH2024-G01
  Expenses:Project:QH2024-G01  8000.00 CNY
    fund: "C2024-056"
    eco_code: "{paid}"
  Expenses:Project:QH2024-G01  -1000.00 CNY
    fund: "C2024-056"
    eco_code: "{back}"
  Assets:Treasury:PBC-0001
"""
    refund = pay("2024-09-19", "VOU-10", "QH2024-G01", "C2024-056", -5_000, narration="退回年终奖",
                 eco_code="50101")
    ledger = LEDGER + refund + both.format(paid="50399", back="50101")
    assert sorted(f.links[-1] for f in findings(ledger, "negative-list")) == ["VOU-1", "VOU-2", "VOU-3"]
    found = findings(LEDGER + both.format(paid="50101", back="50399"), "negative-list")
    hit = next(f for f in found if "VOU-11" in f.links)
    assert hit.amount == 8_000 and "经济分类50101" in hit.message
