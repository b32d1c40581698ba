from ruleledger import pay, project, run


def test_a_payment_on_national_day_is_flagged(tmp_path):
    found = run(tmp_path, "holiday-payment", project("P1"),
                pay("2024-10-03", "青禾建工有限公司", "259981.00", "P1", "ICBC-2345-03000042",
                    source="Assets:Bank:ICBC-2345"))
    assert len(found) == 1 and found[0].amount == 259981
    assert "国庆节" in found[0].message


def test_make_up_workdays_and_own_transfers_are_not(tmp_path):
    found = run(tmp_path, "holiday-payment", project("P1"),
                pay("2024-09-29", "甲公司", "1000.00", "P1", "V-1"),  # Sunday, 调休 workday
                pay("2025-01-26", "甲公司", "2000.00", "P1", "V-2"),  # Sunday, 调休 workday
                pay("2024-10-08", "甲公司", "3000.00", "P1", "V-3"),
                """
                2024-10-03 * "青禾区财政局" "国库下达资金至专户"
                  Assets:Bank:ICBC-2345  500000.00 CNY
                  Assets:Treasury:PBC-0001
                """)
    assert found == []


def test_beyond_the_published_calendar_weekends_still_count(tmp_path):
    found = run(tmp_path, "holiday-payment", project("P1"),
                pay("2099-01-03", "甲公司", "1000.00", "P1", "V-1"),  # Saturday
                pay("2099-01-05", "甲公司", "1000.00", "P1", "V-2"))  # Monday
    assert [f.date.isoformat() for f in found] == ["2099-01-03"]
    assert "未覆盖" in found[0].message


def test_a_subsidy_batch_on_a_holiday_is_one_payment(tmp_path):
    rows = [pay("2024-10-02", f"户{k}", "1000.00", "S1", f"YKT-B-{k}", source="Assets:Clearing:YKT",
                id_no=f"3704051980010100{k:02d}") for k in range(5)]
    found = run(tmp_path, "holiday-payment", project("S1"), """
                2024-10-02 * "一卡通代发" "到户奖补 批次B" ^ICBC-2345-B
                  Assets:Clearing:YKT  5000.00 CNY
                  Assets:Bank:ICBC-2345
                """, *rows)
    assert [(f.links, f.amount) for f in found] == [(("ICBC-2345-B",), 5000)]
