"""The asset rules on small ledgers: each with a hit and a near miss."""

from rulebook import findings, fund, pay, project, registers

HH1, HH2, CADRE, STRANGER = "370405198001010011", "370405198202020022", "370405196405224673", \
    "370405199909090099"
COLLECTIVE = """
2023-01-01 open Assets:Collective:V1 CNY
2023-01-01 open Expenses:Distribution:V1 CNY
2023-01-01 open Income:Asset:ZC2024-010 CNY
"""


def asset(day="2024-06-30", code="ZC2024-010", cls="经营性", project_code="QH2024-010", **meta):
    lines = "".join(f'\n  {k}: {v}' for k, v in meta.items())
    return f"""
{day} custom "asset" "{code}"
  name: "东村光伏电站"
  class: "{cls}"
  project: "{project_code}"
  owner: "东村股份经济合作社"
  value: 500000.00 CNY
  custodian: "东村村民委员会"
  income: 40000.00 CNY{lines}
"""


def income(day, amount, code="ZC2024-010"):
    return f"""
{day} * "国网青禾供电公司" "光伏发电收益" ^{code}
  Assets:Collective:V1   {amount} CNY
  Income:Asset:{code}
"""


def dividend(day, link, name, id_no, amount=500, kind="分红到户", code="ZC2024-010"):
    who = f'\n    beneficiary: "{name}"\n    id_no: "{id_no}"' if id_no else f'\n    beneficiary: "{name}"'
    return f"""
{day} * "{name}" "{kind}" ^YKT-FP{link}
  Expenses:Distribution:V1   {amount}.00 CNY
    kind: "{kind}"
    asset: "{code}"{who}
  Assets:Collective:V1
"""


def base(tmp_path, linkage="资产收益分红", poor=2):
    text = fund("C2024-048", "2024-02-16") + project(
        "QH2024-010", "C2024-048", 500_000, "2024-03-01", "2024-03-20", "2024-06-20", "2024-03-05")
    text = text.replace('  village: "V1"\n', f'  village: "V1"\n  linkage: "{linkage}"\n'
                        f'  poor_households: {poor}\n', 1)
    text += pay("2024-04-01", "V-1", "QH2024-010", "C2024-048", "500000.00")
    text += '2024-06-20 custom "acceptance" "QH2024-010"\n'
    return text + COLLECTIVE + registers(
        tmp_path, households=[("HH1", "王一", HH1, "东镇", "东村", "6231000000000000011"),
                              ("HH2", "李二", HH2, "东镇", "东村", "6231000000000000022")],
        officials=[("闫荣娜", CADRE, "东村", "村会计", "", "", "")])


def closing(day):
    """A later entry that sets the judging date."""
    return f"""
{day} * "银行" "结息"
  Assets:Treasury:PBC-0001  1.00 CNY
  Income:Other
"""


def test_idle_asset_hit_and_near_miss(tmp_path):
    ledger = base(tmp_path) + asset() + income("2024-07-31", "3000.00")
    found = findings(ledger + closing("2025-08-05"), "idle-asset")
    assert [f.links for f in found] == [("QH2024-010", "ZC2024-010")] and "2024-07-31" in found[0].message
    assert found[0].amount == 500000
    assert findings(ledger + closing("2025-07-30"), "idle-asset") == []  # 11 months 30 days
    assert findings(ledger + closing("2025-08-05"), "idle-asset", idle_asset_months=18) == []
    public = base(tmp_path) + asset(cls="公益性")
    assert findings(public + closing("2026-08-05"), "idle-asset") == []  # roads earn nothing


def test_idle_asset_never_earned_and_disposed(tmp_path):
    ledger = base(tmp_path) + asset()
    assert len(findings(ledger + closing("2025-07-01"), "idle-asset")) == 1
    sold = '2025-03-01 custom "asset-disposal" "ZC2024-010" "出售"\n  approval: "青禾乡振〔2025〕3号"\n'
    assert findings(ledger + sold + closing("2025-07-01"), "idle-asset") == []


def test_income_undistributed(tmp_path):
    ledger = base(tmp_path) + asset() + income("2024-07-31", "3000.00") + income("2024-12-31", "3000.00")
    paid = dividend("2025-01-20", "1", "王一", HH1, 1500) + dividend("2025-01-20", "2", "李二", HH2, 1500)
    found = findings(ledger + paid + closing("2025-09-01"), "income-undistributed")
    assert len(found) == 0  # the July income is distributed, December's is 244 days old
    found = findings(ledger + paid + closing("2026-01-05"), "income-undistributed")
    assert len(found) == 1 and "2024-12-31" in found[0].message and found[0].amount == 3000
    assert findings(ledger + closing("2025-07-30"), "income-undistributed") == []  # 364 days


def test_distribution_ineligible(tmp_path):
    ledger = base(tmp_path) + asset() + income("2024-07-31", "3000.00") + (
        dividend("2024-09-01", "1", "王一", HH1) + dividend("2024-09-01", "2", "赵三", STRANGER)
        + dividend("2024-09-01", "3", "闫荣娜", "370405196405220000", kind="公益岗位工资")
        + dividend("2024-09-01", "4", "孙四", "") + dividend("2024-09-01", "5", "东村小学", "",
                                                          kind="村级公益事业"))
    found = {next(k for k in f.links if k.startswith("YKT")): f.message
             for f in findings(ledger, "distribution-ineligible")}
    assert sorted(found) == ["YKT-FP2", "YKT-FP3", "YKT-FP4"]
    assert "不在脱贫户/监测户登记册" in found["YKT-FP2"] and STRANGER not in found["YKT-FP2"]
    assert "村会计闫荣娜" in found["YKT-FP3"] and "未载明身份证号" in found["YKT-FP4"]


def test_disposal_unapproved(tmp_path):
    ledger = base(tmp_path) + asset()
    bare = '2025-03-01 custom "asset-disposal" "ZC2024-010" "报废"\n  proceeds: 2000.00 CNY\n'
    found = findings(ledger + bare, "disposal-unapproved")
    assert len(found) == 1 and "报废" in found[0].message and found[0].links == ("ZC2024-010",)
    approved = bare + '  approval: "青禾乡振〔2025〕3号"\n'
    assert findings(ledger + approved, "disposal-unapproved") == []


def test_asset_unregistered(tmp_path):
    ledger = base(tmp_path)
    found = findings(ledger + closing("2024-09-20"), "asset-unregistered")
    assert [f.links for f in found] == [("QH2024-010",)] and found[0].amount == 500000
    assert findings(ledger + closing("2024-09-17"), "asset-unregistered") == []  # 89 days
    assert findings(ledger + asset() + closing("2025-09-20"), "asset-unregistered") == []
    upkeep = ledger.replace('  village: "V1"\n', '  village: "V1"\n  nature: "维修养护"\n', 1)
    assert findings(upkeep + closing("2025-09-20"), "asset-unregistered") == []


def test_linkage_unkept(tmp_path):
    ledger = base(tmp_path) + asset() + income("2024-07-31", "3000.00")
    one = dividend("2025-01-20", "1", "王一", HH1, 1500)
    found = findings(ledger + one + closing("2025-07-05"), "linkage-unkept")
    assert len(found) == 1 and "承诺带动2户" in found[0].message and "只支付1户" in found[0].message
    assert "一户也未支付" in findings(ledger + closing("2025-07-05"), "linkage-unkept")[0].message
    both = one + dividend("2025-01-20", "2", "李二", HH2, 1500)
    assert findings(ledger + both + closing("2025-07-05"), "linkage-unkept") == []
    assert findings(ledger + closing("2025-06-25"), "linkage-unkept") == []  # within the grace year
    work = base(tmp_path, linkage="务工带动") + asset() + closing("2025-07-05")
    assert findings(work, "linkage-unkept") == []


def test_the_worked_example_in_the_docs():
    import re
    from pathlib import Path

    from beancount import loader

    from fundtrail.assets import AssetBook
    from fundtrail.flows import FlowIndex
    from fundtrail.masterdata import MasterData

    doc = (Path(__file__).resolve().parent.parent / "docs" / "ledger-model.md").read_text("utf-8")
    part = doc.split("## After the money is spent", 1)[1]
    example = re.search(r"```beancount\n(.*?)```", part, re.S).group(1)
    opens = "".join(f"2024-01-01 open {a} CNY\n" for a in (
        "Assets:Collective:370405102201", "Expenses:Distribution:370405102201"))
    entries, errors, _ = loader.load_string(opens + example)
    assert not errors, errors
    master = MasterData.from_entries(entries)
    assert not master.problems and master.assets["ZC2024-008"].value == 652400
    book = AssetBook.of(FlowIndex.of(entries), master.assets)
    assert book.by_village()["370405102201"] == {"received": 11425, "distributed": 2285, "held": 9140}
