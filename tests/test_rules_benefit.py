"""The benefit-link, firm-concentration, income-schedule and spending-mix rules on small
hand-written ledgers: each rule's hit and its near miss."""

from __future__ import annotations

import ruleledger
from ruleledger import HEADER, run

HOUSEHOLDS = ("户编号,户主姓名,身份证号,乡镇,行政村,家庭人口,户类型,主要致贫/返贫原因,风险等级,一卡通账号,联系电话,识别日期,风险消除日期\n"
              + "".join(f"H{n:03d},人{n},3704051980010100{n:02d},甲镇,甲村,3,脱贫户,缺技术,蓝,,,,\n"
                        for n in range(1, 11)))


def project(code, *, linkage="务工带动", poor=4, category="产业发展", unit="甲镇人民政府",
            budget="1000000.00", end="2024-10-31", promise=None):
    lines = [f"2024-01-01 open Expenses:Project:{code} CNY", f'  name: "{code}项目"',
             f'  category: "{category}"', '  town: "T1"', '  village: "V1"', f'  linkage: "{linkage}"',
             "  start: 2024-03-01", f"  end: {end}", f"  budget: {budget} CNY", f'  unit: "{unit}"',
             f"  poor_households: {poor}", "  households: 12"]
    if promise:
        kind, count, what = promise
        lines += [f'  promise_kind: "{kind}"', f"  promise: {count}", f'  promise_unit: "{what}"']
    return "\n".join(lines) + "\n"


def roll(code, kind, n, *, day="2024-09-30", amount="2000.00", quantity="20", person=None,
         id_no=None, registered="是"):
    person = person or f"人{n}"
    id_no = f"3704051980010100{n:02d}" if id_no is None else id_no
    return (f'{day} custom "benefit-roll" "{code}|{kind}|{person}|{day}"\n  project: "{code}"\n'
            f'  kind: "{kind}"\n  person: "{person}"\n'
            f'  id_no: "{id_no}"\n  village: "甲村"\n  quantity: {quantity}\n'
            f"  amount: {amount} CNY\n  registered: \"{registered}\"\n")


def test_a_wage_promise_counts_distinct_registered_workers(tmp_path):
    rows = [roll("QH2024-001", "务工", n, day=f"2024-0{m}-28") for n in (1, 2, 3) for m in (7, 8)]
    rows.append(roll("QH2024-001", "务工", 99, id_no="370405199901019999"))  # not registered
    found = run(tmp_path, "benefit-promise-unkept", project("QH2024-001"), *rows,
                households=HOUSEHOLDS, as_of="2024-12-31")
    assert [dict(f.facts)["reached"] for f in found] == ["3"]
    assert "承诺务工4户" in found[0].message and "实际只有3户" in found[0].message


def test_a_worker_on_a_roll_with_nothing_paid_is_not_counted(tmp_path):
    """A row of 0 or a negative wage (a reversal) does not make its person a worker the
    promise counts."""
    rows = [roll("QH2024-001", "务工", n) for n in (1, 2, 3)]
    rows += [roll("QH2024-001", "务工", 4, amount="0.00"), roll("QH2024-001", "务工", 5, amount="-2000.00")]
    found = run(tmp_path, "benefit-promise-unkept", project("QH2024-001"), *rows,
                households=HOUSEHOLDS, as_of="2024-12-31")
    assert [dict(f.facts)["reached"] for f in found] == ["3"]

def test_a_kept_promise_and_a_running_project_are_silent(tmp_path):
    rows = [roll("QH2024-001", "务工", n) for n in (1, 2, 3, 4)]
    rows += [roll("QH2024-002", "务工", 5)]
    found = run(tmp_path, "benefit-promise-unkept", project("QH2024-001"),
                project("QH2024-002", end="2025-03-31"), *rows, households=HOUSEHOLDS,
                as_of="2024-12-31")
    assert found == []


def test_purchase_and_land_promises_add_up_amounts_and_areas(tmp_path):
    parts = [project("QH2024-003", linkage="订单收购", promise=("收购", 300000, "元")),
             project("QH2024-004", linkage="土地流转", promise=("流转", 200, "亩")),
             project("QH2024-005", linkage="土地流转", promise=("流转", 50, "亩"))]
    parts += [roll("QH2024-003", "收购", n, amount="100000.00") for n in (1, 2)]
    parts += [roll("QH2024-004", "流转", n, quantity="70") for n in (3, 4)]
    parts += [roll("QH2024-005", "流转", 5, quantity="50.0")]
    found = run(tmp_path, "benefit-promise-unkept", *parts, households=HOUSEHOLDS, as_of="2024-12-31")
    assert sorted((f.links[0], dict(f.facts)["reached"]) for f in found) == [
        ("QH2024-003", "200000"), ("QH2024-004", "140")]


def test_one_firm_over_the_share_across_projects(tmp_path):
    parts = [project(f"QH2024-00{n}", budget="1000000.00") for n in range(1, 6)]
    parts += [pay("2024-05-01", "青禾丰源农业发展有限公司", "1000000.00", f"QH2024-00{n}", f"B{n}")
              for n in (1, 2)]
    parts += [pay("2024-05-01", "青禾鲜果种植专业合作社", "1000000.00", "QH2024-003", "B3"),
              pay("2024-05-01", "甲镇人民政府", "1000000.00", "QH2024-004", "B4")]
    parts.append(project("QH2024-006", unit="青禾鲜果种植专业合作社", budget="200000.00"))
    # of 5,200,000: the firm 2,000,000 (38.5 %); the co-op 1,000,000 paid plus the 200,000
    # project it implements (23.1 %); the town government is no firm
    found = run(tmp_path, "firm-concentration", *parts)
    assert sorted(dict(f.facts)["firm"] for f in found) == ["青禾丰源农业发展有限公司", "青禾鲜果种植专业合作社"]
    found = run(tmp_path, "firm-concentration", *parts, firm_concentration_share=0.3)
    assert [(dict(f.facts)["firm"], f.amount) for f in found] == [("青禾丰源农业发展有限公司", 2000000)]
    assert "2个产业项目" in found[0].message and "38.5%" in found[0].message
    assert run(tmp_path, "firm-concentration", *parts, firm_concentration_share=0.4) == []
    # one project alone is no concentration across projects
    assert run(tmp_path, "firm-concentration", *parts, firm_concentration_share=0.3,
               firm_concentration_min_projects=3) == []


def pay(date, payee, amount, code, link):
    return (f'{date} * "{payee}" "{code}付款" ^{link} ^{code}\n'
            f"  Expenses:Project:{code}  {amount} CNY\n  Assets:Treasury:PBC-0001\n")


LEASE = """\
2024-01-01 custom "asset" "ZC2024-001"
  name: "甲村车间"
  class: "经营性"
  project: "QH2024-001"
  village: "V1"
  value: 500000.00 CNY
2024-01-01 open Income:Asset:ZC2024-001 CNY
  village: "V1"
2024-01-01 open Assets:Collective:V1 CNY
2024-01-01 custom "lease" "ZL-01"
  asset: "ZC2024-001"
  tenant: "青禾鑫源服饰有限公司"
  rent: 40000.00 CNY
  payment: "季付"
  start: 2024-01-01
  end: 2026-12-31
"""


def rent(day, amount, payer="青禾鑫源服饰有限公司"):
    return (f'{day} * "{payer}" "车间租金"\n  Assets:Collective:V1  {amount} CNY\n'
            f"  Income:Asset:ZC2024-001  -{amount} CNY\n")


def test_rent_that_stops_is_in_arrears_after_the_grace(tmp_path):
    parts = [LEASE, rent("2024-01-08", "10000.00"), rent("2024-04-09", "10000.00")]
    found = run(tmp_path, "income-arrears", *parts, as_of="2024-12-31")
    assert len(found) == 1 and found[0].amount == 20000
    assert str(found[0].date) == "2024-08-09"  # Q3 due 2024-07-10 + 30 days
    assert "2024年第三季度" in found[0].message and "2024年第四季度" in found[0].message
    assert "第3季度" not in found[0].message  # a quarter is named as the reports name it
    # three months after the missed payment (not twelve) it is already reported
    assert len(run(tmp_path, "income-arrears", *parts, as_of="2024-08-09")) == 1
    assert run(tmp_path, "income-arrears", *parts, as_of="2024-08-08") == []


def test_rent_paid_late_within_the_grace_is_silent(tmp_path):
    parts = [LEASE.replace("季付", "年付").replace("2026-12-31", "2024-12-31"),
             rent("2024-02-26", "40000.00")]
    assert run(tmp_path, "income-arrears", *parts, as_of="2024-12-31") == []
    # with 20 days' grace the rent was in arrears from 2024-02-20 until it came on 2024-02-26
    assert len(run(tmp_path, "income-arrears", *parts, as_of="2024-02-25", lease_grace_days=20)) == 1
    assert run(tmp_path, "income-arrears", *parts, as_of="2024-02-25") == []


def allot(day, code, amount, fund="C2024-001"):
    return (f'{day} * "青禾区财政局" "分解下达" ^ALLOT-{code}\n'
            f"  Equity:Allotment:Project:{code}  -{amount} CNY\n"
            f"  Equity:Allotment:Fund:{fund}  {amount} CNY\n")


MIX = """\
2023-01-01 open Income:Fund:Central:C2024-001 CNY
  name: "2024年中央财政衔接推进乡村振兴补助资金"
  doc_no: "财农〔2024〕1号"
  level: "中央"
  amount: 10000000.00 CNY
2023-01-01 open Equity:Allotment:Fund:C2024-001 CNY
"""


def mix_ledger(industry, road, fee):
    parts = [project("QH2024-001"), project("QH2024-002", category="乡村建设"),
             project("QH2024-003", category="项目管理", linkage="间接带动")]
    parts += [f"2024-01-01 open Equity:Allotment:Project:QH2024-00{n} CNY\n" for n in (1, 2, 3)]
    parts += [allot("2024-03-01", "QH2024-001", industry), allot("2024-03-01", "QH2024-002", road),
              allot("2024-03-01", "QH2024-003", fee)]
    return parts


def test_spending_mix_industry_share_and_management_fee(tmp_path):
    header = HEADER.replace('2023-01-01 open Income:Fund:Central:C2024-001 CNY\n', MIX)
    ruleledger.HEADER = header
    try:
        low = run(tmp_path, "industry-share-low", *mix_ledger("5900000.00", "4000000.00", "100000.00"),
                  as_of="2024-12-31")
        assert [dict(f.facts)["year"] for f in low] == [2024]
        assert run(tmp_path, "industry-share-low", *mix_ledger("6000000.00", "3900000.00", "100000.00"),
                   as_of="2024-12-31") == []
        fee = run(tmp_path, "management-fee-over", *mix_ledger("6000000.00", "3890000.00", "110000.00"),
                  as_of="2024-12-31")
        assert [f.amount for f in fee] == [110000]
        assert run(tmp_path, "management-fee-over", *mix_ledger("6000000.00", "3900000.00", "100000.00"),
                   as_of="2024-12-31") == []  # exactly 1 %: at the limit, not over it
    finally:
        ruleledger.HEADER = HEADER


def test_a_promise_without_any_roll_is_reported_only_when_the_county_asks(tmp_path):
    parts = [project("QH2024-001"), project("QH2024-002"), roll("QH2024-002", "务工", 1)]
    found = run(tmp_path, "benefit-promise-unkept", *parts, households=HOUSEHOLDS, as_of="2024-12-31")
    assert [f.links[0] for f in found] == ["QH2024-002"]  # the roll shows 1 of 4
    found = run(tmp_path, "benefit-promise-unkept", *parts, households=HOUSEHOLDS, as_of="2024-12-31",
                benefit_rolls_required=True)
    assert sorted((f.links[0], f.variant) for f in found) == [("QH2024-001", "none"), ("QH2024-002", "")]
    assert "没有该项目的任何花名册" in next(f.message for f in found if f.variant == "none")


def test_an_asset_whose_register_gives_its_payment_terms_is_scheduled_without_a_lease(tmp_path):
    asset = LEASE.split('2024-01-01 custom "lease"')[0].replace(
        '  value: 500000.00 CNY\n', '  value: 500000.00 CNY\n  income: 40000.00 CNY\n  payment: "季付"\n')
    asset = asset.replace('2024-01-01 custom "asset"', '2023-12-20 custom "asset"')
    parts = [asset, rent("2024-01-08", "10000.00"), rent("2024-04-09", "10000.00"), rent("2024-07-09", "10000.00")]
    found = run(tmp_path, "income-arrears", *parts, as_of="2024-12-31")
    assert [(f.variant, f.amount) for f in found] == [("asset", 10000)]
    assert "资产台账预期年收益40,000.00元" in found[0].message and "2024年第四季度" in found[0].message
    assert run(tmp_path, "income-arrears", *parts, rent("2024-10-10", "10000.00"), as_of="2024-12-31") == []


def test_a_management_fee_category_as_counties_write_it_is_project_management(tmp_path):
    """项目管理费 (the label counties' tables give) holds the setting's word 项目管理."""
    header = HEADER.replace('2023-01-01 open Income:Fund:Central:C2024-001 CNY\n', MIX)
    ruleledger.HEADER = header
    try:
        parts = mix_ledger("6000000.00", "3890000.00", "110000.00")
        parts[2] = parts[2].replace('category: "项目管理"', 'category: "项目管理费"')
        fee = run(tmp_path, "management-fee-over", *parts, as_of="2024-12-31")
        assert [(f.amount, f.links) for f in fee] == [(110000, ("QH2024-003",))]
    finally:
        ruleledger.HEADER = HEADER


def test_a_firm_across_many_projects_names_six_and_counts_them_all(tmp_path):
    """A message never grows with the books: it names the first six projects and says how many
    there are (catalogue.listing); the finding's links and its JSON facts keep every one."""
    codes = [f"QH2024-{n:03d}" for n in range(1, 10)]
    parts = [project(code, budget="100000.00") for code in codes]
    parts += [pay("2024-05-01", "青禾丰源农业发展有限公司", "100000.00", code, f"B{n}")
              for n, code in enumerate(codes)]
    parts.append(project("QH2024-099", unit="甲镇人民政府", budget="100000.00"))
    (found,) = run(tmp_path, "firm-concentration", *parts)
    assert "（QH2024-001、QH2024-002、QH2024-003、QH2024-004、QH2024-005、QH2024-006等9个）" in found.message
    assert "QH2024-007" not in found.message
    assert set(codes) <= set(found.links)
    assert found.as_json()["facts"]["codes"] == codes


def test_a_roll_cell_read_leniently_is_a_finite_number_or_none():
    from decimal import Decimal

    from fundtrail.directives import number_or_none
    assert number_or_none("1,200.50") == Decimal("1200.50") and number_or_none(3) == Decimal(3)
    # NaN and Infinity parse as Decimals but cannot be compared with 0: they are no number
    assert [number_or_none(v) for v in ("NaN", "-Infinity", " ", "x", None)] == [None] * 5


def test_without_a_register_the_rolls_own_mark_says_who_is_registered(tmp_path):
    rows = [roll("QH2024-001", "务工", n) for n in (1, 2, 3)]
    rows += [roll("QH2024-001", "务工", n, registered="否") for n in (4, 5)]
    found = run(tmp_path, "benefit-promise-unkept", project("QH2024-001"), *rows, as_of="2024-12-31")
    assert [dict(f.facts)["reached"] for f in found] == ["3"]


def test_a_firms_finding_sits_on_the_project_it_holds_most_of_the_first_by_code_on_a_tie(tmp_path):
    codes = [f"QH2024-00{n}" for n in range(1, 6)]
    parts = [project(code, budget="100000.00") for code in codes]
    # paid 100,000 for QH2024-001 and QH2024-002, 300,000 for QH2024-004 and QH2024-005 (a tie)
    amounts = {"QH2024-001": "100000.00", "QH2024-002": "100000.00",
               "QH2024-004": "300000.00", "QH2024-005": "300000.00"}
    parts += [pay("2024-05-01", "青禾丰源农业发展有限公司", amount, code, f"B{n}")
              for n, (code, amount) in enumerate(sorted(amounts.items(), reverse=True))]
    (found,) = run(tmp_path, "firm-concentration", *parts, firm_concentration_share=0.3)
    assert found.entry.account == "Expenses:Project:QH2024-004"
    assert found.links == ("QH2024-001", "QH2024-002", "QH2024-004", "QH2024-005")
    assert dict(found.facts)["count"] == 4
