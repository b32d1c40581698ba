from ruleledger import pay, project, run


def test_same_payee_under_another_legal_form_paid_twice_is_a_duplicate(tmp_path):
    found = run(tmp_path, "duplicate-payment", project("P1"),
                pay("2025-05-23", "青禾建工有限公司", "839068.00", "P1", "VOU-20255201000012"),
                pay("2025-06-03", "青禾建工有限责任公司", "839068.00", "P1", "ICBC-2345-03000087",
                    source="Assets:Bank:ICBC-2345"))
    assert [f.links for f in found] == [("ICBC-2345-03000087", "P1", "VOU-20255201000012")]
    assert found[0].date.isoformat() == "2025-06-03" and found[0].severity == "high"
    assert "11天" in found[0].message


def test_households_paid_the_same_amount_and_payments_far_apart_are_not(tmp_path):
    found = run(tmp_path, "duplicate-payment", project("S1"), project("P1"),
                pay("2025-06-20", "张三", "2000.00", "S1", "YKT-Q2-001", source="Assets:Clearing:YKT",
                    id_no="370405198001010011"),
                pay("2025-06-20", "张三", "2000.00", "S1", "YKT-Q2-002", source="Assets:Clearing:YKT",
                    id_no="370405198205050022"),
                pay("2025-03-01", "青禾建工有限公司", "300000.00", "P1", "VOU-20255201000001"),
                pay("2025-04-15", "青禾建工有限公司", "300000.00", "P1", "VOU-20255201000002"))
    assert found == []


def test_one_amount_written_two_ways_is_one_amount(tmp_path):
    """Amounts are compared by value: 839068.0 and 839068.00 (and 1,000.005 twice) are the
    same amount, 839068.01 is not."""
    found = run(tmp_path, "duplicate-payment", project("P1"),
                pay("2025-05-23", "青禾建工有限公司", "839068.0", "P1", "VOU-20255201000012"),
                pay("2025-06-03", "青禾建工有限公司", "839068.00", "P1", "VOU-20255201000013"),
                pay("2025-06-04", "青禾建工有限公司", "839068.01", "P1", "VOU-20255201000014"),
                pay("2025-06-05", "乙养护队", "1000.005", "P1", "VOU-20255201000015"),
                pay("2025-06-06", "乙养护队", "1000.0050", "P1", "VOU-20255201000016"))
    assert sorted(f.links[-1] for f in found) == ["VOU-20255201000013", "VOU-20255201000016"]
