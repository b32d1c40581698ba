"""late-allotment on a small ledger: one hit and one near-miss."""

from rulebook import findings, fund, project


def ledger(general_fund_earmarked=True):
    return (
        fund("X2025-033", "2025-07-15", 1_000_000, level="County")
        # 59 days after the receipt: in time; 97 days: late.
        + project("QH2025-020", "X2025-033", 400_000, "2025-09-01", "2025-09-20", "2025-12-20",
                  allotted="2025-09-12")
        + project("QH2025-021", "X2025-033", 595_213, "2025-08-01", "2025-08-20", "2025-12-20",
                  allotted="2025-10-20")
        # Allotted before the money arrived: never late.
        + fund("C2025-011", "2025-06-16", 300_000)
        + project("QH2025-022", "C2025-011", 300_000, "2025-03-01", "2025-03-10", "2025-12-20",
                  allotted="2025-03-02")
    )


def test_late_allotment():
    found = findings(ledger(), "late-allotment")
    assert [f.links for f in found] == [("ALLOT-QH2025-021", "QH2025-021", "X2025-033")]
    assert found[0].amount == 595_213 and "97天" in found[0].message and "60天" in found[0].message


def test_the_window_is_a_setting():
    assert findings(ledger(), "late-allotment", allot_days_earmarked=100) == []
    found = findings(ledger(), "late-allotment", allot_days_earmarked=40)
    assert {link for f in found for link in f.links} >= {"ALLOT-QH2025-020", "ALLOT-QH2025-021"}
