from ruleledger import pay, project, run


def test_two_numbers_missing_from_a_series(tmp_path):
    found = run(tmp_path, "voucher-gap", project("P1"),
                *(pay(f"2025-07-0{n}", "甲公司", "1000.00", "P1", f"VOU-2025520100000{n}")
                  for n in (1, 2, 5)))
    assert len(found) == 1 and found[0].links == ("P1", "VOU-20255201000005")
    assert "缺少2个编号" in found[0].message and "20255201000003 至 20255201000004" in found[0].message


def test_consecutive_numbers_and_separate_series_pass(tmp_path):
    found = run(tmp_path, "voucher-gap", project("P1"),
                *(pay(f"2025-07-0{n}", "甲公司", "1000.00", "P1", f"VOU-2025520100000{n}")
                  for n in (1, 2, 3)),
                pay("2025-07-08", "甲公司", "1000.00", "P1", "VOU-20258202000007"),
                pay("2026-01-08", "甲公司", "1000.00", "P1", "VOU-20265201000004"))
    assert found == []
