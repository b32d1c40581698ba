"""paid-unallotted on a small ledger: paying before the allotment, beyond it, and near misses."""

from rulebook import findings, fund, pay, project


def ledger():
    return (
        fund("C2024-001", "2024-02-01", 3_000_000)
        # paid before its allotment, then covered: one finding, one row
        + project("QH2024-001", "C2024-001", 500_000, "2024-02-10", "2024-03-01", "2024-12-31",
                  allotted="2024-04-10")
        + pay("2024-04-01", "VOU-1", "QH2024-001", "C2024-001", "100000.00")
        + pay("2024-05-01", "VOU-2", "QH2024-001", "C2024-001", "300000.00")
        # allotted first, then paid beyond it twice in a row: one finding of two payments
        + project("QH2024-002", "C2024-001", 200_000, "2024-02-10", "2024-03-01", "2024-12-31",
                  allotted="2024-03-05")
        + pay("2024-06-01", "VOU-3", "QH2024-002", "C2024-001", "150000.00")
        + pay("2024-07-01", "VOU-4", "QH2024-002", "C2024-001", "80000.00")
        + pay("2024-08-01", "VOU-5", "QH2024-002", "C2024-001", "10000.00")
        # near misses: allotted the same day it is paid; paid exactly what was allotted
        + project("QH2024-003", "C2024-001", 300_000, "2024-02-10", "2024-03-01", "2024-12-31",
                  allotted="2024-06-01")
        + pay("2024-06-01", "VOU-6", "QH2024-003", "C2024-001", "100000.00")
        + pay("2024-09-01", "VOU-7", "QH2024-003", "C2024-001", "200000.00")
    )


def test_paid_before_the_money_was_allotted():
    found = {f.links[0]: f for f in findings(ledger(), "paid-unallotted")}
    assert set(found) == {"QH2024-001", "QH2024-002"}
    early = found["QH2024-001"]
    assert "VOU-1" in early.links and early.amount == 100_000 and not early.rows
    assert "此前已下达资金0.00元" in early.message


def test_a_stretch_beyond_the_allotment_is_one_finding_with_each_payment():
    beyond = next(f for f in findings(ledger(), "paid-unallotted") if f.links[0] == "QH2024-002")
    assert beyond.count == 2 and {"VOU-4", "VOU-5"} <= set(beyond.links)
    assert beyond.amount == 30_000 + 10_000  # what each payment drew beyond the allotment
    assert "2笔" in beyond.message and "VOU-3" not in beyond.links
