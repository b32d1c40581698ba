"""cash-withdrawal, personal-account and direct-fund-parked on small ledgers."""

import pytest
from rulebook import findings, fund, pay, project

BASE = (fund("C2025-011", "2025-02-16", 3_000_000, direct=True)
        + fund("X2025-033", "2025-07-15", 1_000_000, level="County")
        + project("QH2025-003", "C2025-011", 1_000_000, "2025-03-01", "2025-03-10", "2025-10-01")
        + project("QH2025-007", "C2025-011", 500_000, "2025-03-01", "2025-03-10", "2025-10-01")
        + project("QH2025-021", "X2025-033", 500_000, "2025-08-01", "2025-08-10", "2025-12-01"))


def links(found) -> list[str]:
    return sorted(k for f in found for k in f.links if k.startswith(("ICBC", "VOU")))


def test_cash_withdrawal():
    ledger = BASE + (
        pay("2025-04-12", "ICBC-1", "QH2025-003", "C2025-011", 48_000, payee="青禾区乡村振兴局",
            narration="现金支取 备用金", source="Assets:Bank:ICBC-2345")
        + pay("2025-04-13", "ICBC-2", "QH2025-003", "C2025-011", 90_000, payee="青禾建工有限公司",
              narration="转账支取 进度款", source="Assets:Bank:ICBC-2345"))
    found = findings(ledger, "cash-withdrawal")
    assert links(found) == ["ICBC-1"] and found[0].amount == 48_000


def test_personal_account():
    ledger = BASE + (
        pay("2025-06-09", "ICBC-1", "QH2025-003", "C2025-011", 383_513, payee="杜兵花",
            narration="来料加工扶贫车间项目进度款", source="Assets:Bank:ICBC-2345")
        + pay("2025-06-10", "ICBC-2", "QH2025-003", "C2025-011", 9_984, payee="邳北西村道路养护队",
              narration="村级道路维修养护", source="Assets:Bank:ICBC-2345")
        + pay("2025-06-11", "ICBC-3", "QH2025-003", "C2025-011", 3_200, payee="林生新",
              narration="道路硬化项目务工劳务费", source="Assets:Bank:ICBC-2345"))
    found = findings(ledger, "personal-account")
    assert links(found) == ["ICBC-1"] and "杜兵花" in found[0].message
    by_card = BASE + pay("2025-06-12", "ICBC-4", "QH2025-003", "C2025-011", 50_000,
                         payee="阿依古丽·买买提江", narration="进度款", source="Assets:Bank:ICBC-2345",
                         payee_account="6217 7169 6107 1203 096")
    assert links(findings(by_card, "personal-account")) == ["ICBC-4"]
    assert findings(by_card.replace("6217 7169", "3701 7169"), "personal-account") == []


def test_direct_fund_parked():
    ledger = BASE + """
2025-11-03 * "青禾区乡村振兴局" "资金转拨至单位实有资金账户" ^VOU-1 ^QH2025-007
  Assets:Held:405012   77579.00 CNY
    project: "QH2025-007"
  Assets:Treasury:PBC-0001
2025-11-04 * "青禾区乡村振兴局" "资金转拨至单位实有资金账户" ^VOU-2 ^QH2025-021
  Assets:Held:405012   50000.00 CNY
    project: "QH2025-021"
    fund: "X2025-033"
  Assets:Treasury:PBC-0001
"""
    found = findings(ledger, "direct-fund-parked")
    assert links(found) == ["VOU-1"]  # the fund comes from the project; X2025-033 is not direct
    assert {"C2025-011", "QH2025-007"} <= set(found[0].links)


def test_a_mistyped_rule_id_fails_instead_of_finding_nothing():
    with pytest.raises(AssertionError, match="no rule 'cash-withdrawl'"):
        findings(BASE, "cash-withdrawl")


def test_cash_named_by_the_payee_each_time_or_by_the_bank_summary_alone():
    ledger = BASE + (
        pay("2025-04-12", "ICBC-1", "QH2025-003", "C2025-011", 48_000, payee="青禾区乡村振兴局",
            narration="现金支取 备用金", source="Assets:Bank:ICBC-2345")
        + """
2025-04-14 * "青禾建工有限公司" "进度款" ^ICBC-3 ^QH2025-003
  summary: "现支"
  Expenses:Project:QH2025-003  20000 CNY
    fund: "C2025-011"
  Assets:Bank:ICBC-2345
"""
        + pay("2025-04-15", "ICBC-4", "QH2025-003", "C2025-011", 5_000, payee="涧东提现服务点",
              narration="备用金", source="Assets:Bank:ICBC-2345")
        + pay("2025-04-16", "ICBC-5", "QH2025-003", "C2025-011", 6_000, payee="涧东提现服务点",
              narration="备用金", source="Assets:Bank:ICBC-2345"))
    found = {f.links[0]: f for f in findings(ledger, "cash-withdrawal")}
    assert sorted(found) == ["ICBC-1", "ICBC-3", "ICBC-4", "ICBC-5"]
    assert "现支" in found["ICBC-3"].message and "提现" in found["ICBC-5"].message
