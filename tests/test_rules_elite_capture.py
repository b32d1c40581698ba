from ruleledger import pay, project, run


def test_one_firm_takes_a_project_without_a_benefit_link(tmp_path):
    found = run(tmp_path, "elite-capture", project("P1", linkage=""),
                pay("2025-03-01", "富康电子商务有限公司", "600000.00", "P1", "V-1"),
                pay("2025-06-01", "富康电子商务有限公司", "400000.00", "P1", "V-2"),
                pay("2025-06-01", "王五", "1000.00", "P1", "Y-1", source="Assets:Clearing:YKT",
                    id_no="370405198001010011"))
    assert len(found) == 1
    assert dict(found[0].facets) == {"scope": "project"} and found[0].links == ("P1",)
    assert found[0].amount == 1000000 and "100%" in found[0].message


def test_a_declared_link_or_money_spread_over_payees_passes(tmp_path):
    found = run(tmp_path, "elite-capture", project("P1"), project("P2", linkage=" "),
                pay("2025-03-01", "富康电子商务有限公司", "600000.00", "P1", "V-1"),
                pay("2025-03-01", "甲公司", "300000.00", "P2", "V-2"),
                pay("2025-03-02", "乙公司", "300000.00", "P2", "V-3"),
                pay("2025-03-03", "丙合作社", "300000.00", "P2", "V-4"))
    assert found == []


def test_a_firm_taking_most_of_a_village_partly_without_a_benefit_link(tmp_path):
    parts = (project("P1"), project("P2", linkage=""),
             pay("2025-03-01", "富康公司", "900000.00", "P1", "V-1"),
             pay("2025-03-01", "甲公司", "100000.00", "P1", "V-2"),
             pay("2025-03-02", "富康公司", "200000.00", "P2", "V-3"),
             pay("2025-03-03", "乙公司", "400000.00", "P2", "V-4"),
             pay("2025-03-03", "丙公司", "400000.00", "P2", "V-5"))
    found = run(tmp_path, "elite-capture", *parts)
    assert [(dict(f.facets)["scope"], f.links, f.amount) for f in found] == [
        ("village", ("P1", "P2"), 1100000)]
    assert run(tmp_path, "elite-capture", *parts, elite_capture_share=0.6) == []
