"""slow-spending and overdue-project on small ledgers: hits and near-misses."""

from rulebook import findings, fund, linked, pay, project

AS_OF = "2025-12-31"

PROJECTS = (
    fund("C2025-011", "2025-02-16", 3_000_000)
    # QH2025-006: only the 30% advance paid; ended 2025-09-12, never accepted.
    + project("QH2025-006", "C2025-011", 1_000_000, "2025-03-10", "2025-03-20", "2025-09-12",
              allotted="2025-03-12")
    + pay("2025-03-25", "VOU-1", "QH2025-006", "C2025-011", 300_000, stage="预付款")
    # QH2025-007: paid on schedule, accepted and settled.
    + project("QH2025-007", "C2025-011", 1_000_000, "2025-03-10", "2025-03-20", "2025-09-12",
              allotted="2025-03-12")
    + pay("2025-03-25", "VOU-2", "QH2025-007", "C2025-011", 300_000, stage="预付款")
    + pay("2025-06-15", "VOU-3", "QH2025-007", "C2025-011", 350_000)
    + pay("2025-09-27", "VOU-4", "QH2025-007", "C2025-011", 350_000)
    + '2025-09-12 custom "acceptance" "QH2025-007"\n'
    # QH2025-008: accepted, the 4% quality retention still withheld: settled as agreed.
    + project("QH2025-008", "C2025-011", 500_000, "2025-03-10", "2025-03-20", "2025-06-30",
              allotted="2025-03-12")
    + pay("2025-04-15", "VOU-5", "QH2025-008", "C2025-011", 480_000)
    + '2025-06-30 custom "acceptance" "QH2025-008"\n'
    # QH2025-009: accepted but a fifth of the budget never paid out.
    + project("QH2025-009", "C2025-011", 400_000, "2025-03-10", "2025-03-20", "2025-06-30",
              allotted="2025-03-12")
    + pay("2025-04-15", "VOU-6", "QH2025-009", "C2025-011", 320_000)
    + '2025-06-30 custom "acceptance" "QH2025-009"\n'
    # QH2025-011: a subsidy programme paid in full: finished, though never "accepted".
    + project("QH2025-011", "C2025-011", 90_000, "2025-03-10", "2025-03-20", "2025-06-30",
              allotted="2025-03-12")
    + pay("2025-06-20", "VOU-8", "QH2025-011", "C2025-011", 90_000)
    # QH2025-010: ends 2025-12-20, acceptance may still come: not overdue yet.
    + project("QH2025-010", "C2025-011", 100_000, "2025-09-01", "2025-09-10", "2025-12-20",
              allotted="2025-09-02")
    + pay("2025-09-15", "VOU-7", "QH2025-010", "C2025-011", 100_000)
)


def test_slow_spending_per_project_at_quarter_end():
    found = [f for f in findings(PROJECTS, "slow-spending", as_of=AS_OF)
             if dict(f.facets)["scope"] == "project"]
    assert [(f.links, dict(f.facets)["quarter"]) for f in found] == [
        (("ALLOT-QH2025-006", "QH2025-006"), "2025Q4")]
    assert "30.0%" in found[0].message and "80.5%" in found[0].message


def test_slow_spending_per_fund_from_its_receipt_and_fiscal_levels_only():
    ledger = (fund("C2025-023", "2025-03-20", 800_000)
              + fund("D2025-002", "2025-03-20", 300_000, level="Donation"))
    found = findings(ledger, "slow-spending", as_of="2025-06-30")
    assert found == []  # 102 days: 27.9% due, within the 30-point margin
    found = findings(ledger, "slow-spending", as_of=AS_OF)
    assert {(f.links, dict(f.facets)["quarter"]) for f in found} == {
        (("C2025-023",), "2025Q3"), (("C2025-023",), "2025Q4")}
    assert all(dict(f.facets)["scope"] == "fund" for f in found)


def test_slow_spending_levels_read_in_any_spelling_of_the_fund_list():
    ledger = fund("C2025-023", "2025-03-20", 800_000, level="County")
    assert findings(ledger, "slow-spending", as_of=AS_OF, progress_levels=["中央"]) == []
    found = findings(ledger, "slow-spending", as_of=AS_OF, progress_levels=["区级"])
    assert {dict(f.facets)["quarter"] for f in found} == {"2025Q3", "2025Q4"}


def test_overdue_project():
    found = findings(PROJECTS, "overdue-project", as_of=AS_OF)
    assert {(f.links[-1], dict(f.facets)["stage"]) for f in found} == {
        ("VOU-1", "acceptance"), ("VOU-6", "payment")}
    assert {"QH2025-006", "QH2025-009"} == linked(found) & {
        "QH2025-006", "QH2025-007", "QH2025-008", "QH2025-009", "QH2025-010", "QH2025-011"}


def test_slow_spending_per_project_of_a_judged_level_only():
    """A project is judged by its fund's level: a donation's project follows the donor's
    schedule, unless the county judges that level too."""
    ledger = (fund("D2025-002", "2025-02-16", 3_000_000, level="Donation")
              + project("QH2025-012", "D2025-002", 1_000_000, "2025-03-10", "2025-03-20",
                        "2025-09-12", allotted="2025-03-12")
              + pay("2025-03-25", "VOU-9", "QH2025-012", "D2025-002", 300_000))

    def of_projects(found):
        return [(f.links[-1], dict(f.facets)["quarter"]) for f in found
                if dict(f.facets)["scope"] == "project"]

    assert of_projects(findings(ledger, "slow-spending", as_of=AS_OF)) == []
    judged = findings(ledger, "slow-spending", as_of=AS_OF, progress_levels=["中央", "社会捐赠"])
    assert of_projects(judged) == [("QH2025-012", "2025Q4")]
