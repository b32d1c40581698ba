"""idle-funds and dormant-account on small ledgers: one hit and one near-miss each."""

from rulebook import findings, fund, linked, pay, project

AS_OF = "2025-12-31"

# C2023-090: 3,000,000 in, 2,380,000 spent: 620,000 idle since 2023-03-15 (over 2 years).
# C2025-011: received six months ago, nothing spent yet: not idle.
# QH2024-009: overpaid by one payment, then refunded: nothing left, no idle lot (FIFO netting).
# QH2024-010: 100,000 of 400,000 still unspent since its 2024-03-01 allotment (over 1 year).
LEDGER = (
    fund("C2023-090", "2023-03-15", 3_000_000)
    + fund("C2025-011", "2025-06-20", 500_000)
    + fund("C2024-048", "2024-02-16", 2_000_000)
    + project("QH2023-001", "C2023-090", 2_380_000, "2023-04-10", "2023-05-01", "2023-09-25",
              allotted="2023-04-12")
    + pay("2023-06-01", "VOU-1", "QH2023-001", "C2023-090", 2_380_000)
    + project("QH2024-009", "C2024-048", 1_000_000, "2024-03-01", "2024-03-10", "2024-10-01",
              allotted="2024-03-01")
    + pay("2024-05-01", "VOU-2", "QH2024-009", "C2024-048", 600_000)
    + pay("2024-06-01", "VOU-3", "QH2024-009", "C2024-048", 600_000)
    + pay("2024-12-03", "VOU-4", "QH2024-009", "C2024-048", -200_000, narration="结算款冲减")
    + project("QH2024-010", "C2024-048", 400_000, "2024-03-01", "2024-03-10", "2024-10-01",
              allotted="2024-03-01")
    + pay("2024-05-01", "VOU-5", "QH2024-010", "C2024-048", 300_000)
)


def test_idle_funds_bands_per_fund_and_project():
    found = findings(LEDGER, "idle-funds", as_of=AS_OF)
    fund_2y = next(f for f in found if "C2023-090" in f.links)
    assert dict(fund_2y.facets) == {"band": "2y", "scope": "fund"}
    assert fund_2y.amount == 620_000 and fund_2y.severity == "critical"
    assert "620,000.00元" in fund_2y.message and "2年" in fund_2y.message
    project_1y = next(f for f in found if "QH2024-010" in f.links)
    assert dict(project_1y.facets) == {"band": "1y", "scope": "project"}
    assert project_1y.amount == 100_000 and project_1y.severity == "high"
    assert not {"C2025-011", "QH2024-009"} & linked(found)
    assert len(found) == 3  # and C2024-048 itself: 700,000 unspent since 2024-02-16


def test_idle_bands_are_a_setting():
    found = findings(LEDGER, "idle-funds", as_of=AS_OF, idle_bands=(3,))
    assert found == []


def test_dormant_account():
    ledger = (
        fund("C2025-011", "2025-02-16", 500_000)
        + """
2023-01-01 * "" "原扶贫资金专户期初余额" ^ICBC-9876-OPEN
  Assets:Bank:ICBC-9876   286000.00 CNY
  Equity:Opening
2025-03-01 * "财政局" "下达资金至专户" ^ICBC-2345-1
  Assets:Bank:ICBC-2345   100000.00 CNY
  Assets:Treasury:PBC-0001
2026-01-01 balance Assets:Bank:ICBC-9876 286000.00 CNY
""")
    found = findings(ledger, "dormant-account")
    assert [f.links for f in found] == [("ICBC-9876-OPEN",)]
    assert found[0].amount == 286_000 and "1095天" in found[0].message  # judged at 2025-12-31
