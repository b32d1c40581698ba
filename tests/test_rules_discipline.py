"""Project discipline rules on small ledgers: one hit and one near-miss each."""

from rulebook import findings, fund, pay, project

FUND = fund("C2025-011", "2025-02-16", 5_000_000)


def only(found) -> list[str]:
    return sorted(f.links[-1] for f in found)


def test_paid_before_approval():
    ledger = (FUND
              + project("QH2025-002", "C2025-011", 600_000, "2025-03-17", "2025-04-01", "2025-09-01")
              + pay("2025-03-05", "VOU-1", "QH2025-002", "C2025-011", 186_417, stage="预付款")
              + project("QH2025-003", "C2025-011", 600_000, "2025-03-17", "2025-04-01", "2025-09-01")
              + pay("2025-03-17", "VOU-2", "QH2025-003", "C2025-011", 180_000, stage="预付款"))
    found = findings(ledger, "paid-before-approval")
    assert only(found) == ["VOU-1"] and "QH2025-002" in found[0].links
    assert "186,417.00元" in found[0].message and found[0].severity == "high"
    quoted = ledger.replace("approved: 2025-03-17", 'approved: "2025-03-17"')  # a quoted date
    assert [f.id for f in findings(quoted, "paid-before-approval")] == [found[0].id]


def test_paid_after_end():
    ledger = (FUND
              + project("QH2025-004", "C2025-011", 600_000, "2025-03-01", "2025-03-10", "2025-04-30")
              + pay("2025-05-15", "VOU-1", "QH2025-004", "C2025-011", 500_000, stage="结算款")
              + pay("2025-12-26", "VOU-2", "QH2025-004", "C2025-011", 50_000, stage="进度款")
              + pay("2025-12-27", "VOU-3", "QH2025-004", "C2025-011", 30_000, stage="质保金"))
    assert only(findings(ledger, "paid-after-end")) == ["VOU-2"]
    assert findings(ledger, "paid-after-end", paid_after_end_days=300) == []


def test_over_budget():
    ledger = (FUND
              + project("QH2025-001", "C2025-011", 542_591, "2025-03-01", "2025-03-10", "2025-10-01")
              + pay("2025-04-01", "VOU-1", "QH2025-001", "C2025-011", 300_000)
              + pay("2025-11-03", "VOU-2", "QH2025-001", "C2025-011", 323_980)
              # Overpaid by a duplicate and refunded later: within budget in the end.
              + project("QH2025-005", "C2025-011", 400_000, "2025-03-01", "2025-03-10", "2025-10-01")
              + pay("2025-04-01", "VOU-3", "QH2025-005", "C2025-011", 300_000)
              + pay("2025-04-08", "VOU-4", "QH2025-005", "C2025-011", 300_000)
              + pay("2025-05-08", "VOU-5", "QH2025-005", "C2025-011", -200_000))
    found = findings(ledger, "over-budget")
    assert only(found) == ["VOU-2"] and found[0].amount == 81_389
    assert findings(ledger, "over-budget", over_budget_tolerance=0.2) == []


def test_excess_advance():
    ledger = (FUND
              # 50% in advance before acceptance.
              + project("QH2024-001", "C2025-011", 1_155_180, "2025-03-01", "2025-03-10", "2025-10-01")
              + pay("2025-03-20", "VOU-1", "QH2024-001", "C2025-011", 577_590, stage="预付款")
              # Exactly 30% (in cents), and a second advance only after acceptance.
              + project("QH2024-002", "C2025-011", 407_578, "2025-03-01", "2025-03-10", "2025-10-01")
              + pay("2025-03-20", "VOU-2", "QH2024-002", "C2025-011", "122273.40", stage="预付款")
              + '2025-10-01 custom "acceptance" "QH2024-002"\n'
              + pay("2025-10-05", "VOU-3", "QH2024-002", "C2025-011", 100_000, stage="预付款"))
    found = findings(ledger, "excess-advance")
    assert only(found) == ["VOU-1"] and "50.0%" in found[0].message


def test_func_code_mismatch():
    ledger = (FUND
              + project("QH2024-008", "C2025-011", 900_000, "2025-03-01", "2025-03-10", "2025-10-01")
              + pay("2025-05-11", "VOU-1", "QH2024-008", "C2025-011", 310_162, func_code="2130504")
              + pay("2025-05-12", "VOU-2", "QH2024-008", "C2025-011", 310_162, func_code="2130505")
              + pay("2025-05-13", "VOU-3", "QH2024-008", "C2025-011", 100_000))
    found = findings(ledger, "func-code-mismatch")
    assert only(found) == ["VOU-1"] and "C2025-011" in found[0].links
    assert "2130504" in found[0].message and "2130505" in found[0].message


def test_excess_advance_by_narration_refunds_and_money_held():
    """An advance named by its narration alone counts, a refunded advance counts against the
    advances, and a project with money moved into a unit's own account counts that money's
    advances with its payments', in date order."""
    held = """
2025-03-21 * "青禾区乡村振兴局" "资金转拨至单位实有资金账户" ^VOU-31 ^QH2024-013
  Assets:Held:405012   200000.00 CNY
    project: "QH2024-013"
    stage: "预付款"
  Assets:Treasury:PBC-0001
"""
    ledger = (FUND
              # 20% and 15% in advance, by the narration: over 30% with the second
              + project("QH2024-011", "C2025-011", 1_000_000, "2025-03-01", "2025-03-10", "2025-10-01")
              + pay("2025-03-20", "VOU-11", "QH2024-011", "C2025-011", 200_000, narration="预付工程款")
              + pay("2025-03-25", "VOU-12", "QH2024-011", "C2025-011", 150_000, narration="预付材料款")
              # 25%, 5% refunded, 9%: 29%, never over
              + project("QH2024-012", "C2025-011", 1_000_000, "2025-03-01", "2025-03-10", "2025-10-01")
              + pay("2025-03-20", "VOU-21", "QH2024-012", "C2025-011", 250_000, stage="预付款")
              + pay("2025-03-22", "VOU-22", "QH2024-012", "C2025-011", -50_000, stage="预付款")
              + pay("2025-03-25", "VOU-23", "QH2024-012", "C2025-011", 90_000, stage="预付款")
              # 20% moved into the unit's account as an advance, then 15% paid: over with the payment
              + project("QH2024-013", "C2025-011", 1_000_000, "2025-03-01", "2025-03-10", "2025-10-01")
              + held
              + pay("2025-03-28", "VOU-32", "QH2024-013", "C2025-011", 150_000, stage="预付款"))
    found = findings(ledger, "excess-advance")
    assert only(found) == ["VOU-12", "VOU-32"]
    assert sorted(f.amount for f in found) == [50_000, 50_000]
    assert only(findings(ledger.replace(held, ""), "excess-advance")) == ["VOU-12"]
