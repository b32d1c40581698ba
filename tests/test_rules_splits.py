from ruleledger import pay, project, run


def test_three_parts_under_the_limit_within_days_are_a_split(tmp_path):
    found = run(tmp_path, "split-payment", project("P1"),
                pay("2025-06-16", "运河建设集团有限公司", "150000.00", "P1", "VOU-1"),
                pay("2025-06-20", "运河建设集团", "150000.00", "P1", "VOU-2"),
                pay("2025-06-26", "运河建设集团有限公司", "150000.00", "P1", "VOU-3"))
    assert len(found) == 1
    assert found[0].amount == 450000 and found[0].date.isoformat() == "2025-06-26"
    assert set(found[0].links) == {"P1", "VOU-1", "VOU-2", "VOU-3"}


def test_staged_payments_months_apart_and_payments_over_the_limit_are_not(tmp_path):
    found = run(tmp_path, "split-payment", project("P1"), project("P2"),
                pay("2025-03-01", "青禾建工有限公司", "350000.00", "P1", "VOU-1"),
                pay("2025-04-10", "青禾建工有限公司", "350000.00", "P1", "VOU-2"),
                pay("2025-05-20", "青禾建工有限公司", "350000.00", "P1", "VOU-3"),
                pay("2025-03-01", "青禾建工有限公司", "500000.00", "P2", "VOU-4"),
                pay("2025-03-05", "青禾建工有限公司", "100000.00", "P2", "VOU-5"))
    assert found == []


def test_the_limit_is_a_setting(tmp_path):
    parts = (project("P1"), pay("2025-06-16", "甲公司", "150000.00", "P1", "VOU-1"),
             pay("2025-06-20", "甲公司", "150000.00", "P1", "VOU-2"))
    assert run(tmp_path, "split-payment", *parts) == []
    assert len(run(tmp_path, "split-payment", *parts, split_limit=200000)) == 1
