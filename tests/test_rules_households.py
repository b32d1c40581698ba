"""The monitored-household rules on small ledgers: red tier first, hit and near miss."""

from rulebook import findings, fund, subsidy

RED, BLUE, BLUE2, ORANGE = ("370405198001010011", "370405198202020022", "370405198303030033",
                            "370405198404040044")
HEAD = "户编号,户主姓名,身份证号,乡镇,行政村,户类型,风险等级,识别日期,风险消除日期,一卡通账号\n"


def register(tmp_path, red_kind="监测户(边缘易致贫户)", identified="2024-05-01", cleared=""):
    rows = [("HH1", "王一", RED, "东镇", "东村", red_kind, "红", identified, cleared),
            ("HH2", "李二", BLUE, "东镇", "东村", "脱贫户", "蓝", "", ""),
            ("HH3", "赵三", BLUE2, "东镇", "东村", "脱贫户", "蓝", "", ""),
            ("HH4", "钱四", ORANGE, "东镇", "东村", "监测户(脱贫不稳定户)", "橙", "2024-05-01", "")]
    path = tmp_path / "households.csv"
    path.write_text(HEAD + "".join(",".join(r) + ",6231000000000000001\n" for r in rows), "utf-8")
    return (fund("C2024-056", "2024-03-11") + f'2023-01-01 custom "register" "households" "{path}"\n'
            + """
2023-01-01 open Expenses:Project:QH2024-S01 CNY
  name: "到户产业奖补"
2023-01-01 open Equity:Allotment:Project:QH2024-S01 CNY
""")


def test_red_unassisted(tmp_path):
    paid_late = subsidy("2024-06-05", "1", "王一", RED, "V1")  # 35 days after identification
    found = findings(register(tmp_path) + paid_late, "red-unassisted")
    assert len(found) == 1 and "2024-06-05" in found[0].message and RED not in found[0].message
    in_time = subsidy("2024-05-30", "1", "王一", RED, "V1")  # day 29
    assert findings(register(tmp_path) + in_time, "red-unassisted") == []
    cleared = register(tmp_path, cleared="2024-05-20") + paid_late
    assert findings(cleared, "red-unassisted") == []
    not_due = register(tmp_path, identified="2024-05-10") + subsidy("2024-06-05", "1", "李二", BLUE, "V1")
    assert findings(not_due, "red-unassisted") == []  # window ends 06-09, books end 06-05
    poor = register(tmp_path, red_kind="脱贫户") + paid_late  # three colours for 脱贫户 too
    [found] = findings(poor, "red-unassisted")
    assert "脱贫户" in found.message and "首次帮扶（到户产业奖补）在2024-06-05" in found.message


def test_benefit_skewed(tmp_path):
    paid = subsidy("2024-07-01", "1", "李二", BLUE, "V1", 3000) + subsidy(
        "2024-07-01", "2", "钱四", ORANGE, "V1", 2000)
    found = findings(register(tmp_path) + paid, "benefit-skewed")
    assert len(found) == 1 and "60%" in found[0].message and "王一" in found[0].message
    assert dict(found[0].facets) == {"scope": "东村", "year": "2024"}
    assert findings(register(tmp_path) + paid, "benefit-skewed", benefit_skew_share=0.7) == []
    red_helped = paid + subsidy("2024-08-01", "3", "王一", RED, "V1", 1000)
    assert findings(register(tmp_path) + red_helped, "benefit-skewed") == []
    late = register(tmp_path, identified="2024-12-10") + paid + subsidy(
        "2024-12-31", "4", "赵三", BLUE2, "V1", 1000)
    assert findings(late, "benefit-skewed") == []  # at risk for 21 days of the year only
    poor = register(tmp_path, red_kind="脱贫户") + paid  # a red 脱贫户 left out counts too
    [found] = findings(poor, "benefit-skewed")
    assert "红色（极易返贫）户1户" in found.message and "王一" in found.message
    ungraded = register(tmp_path, red_kind="脱贫户", identified="") + paid  # no 识别日期: not graded
    assert findings(ungraded, "benefit-skewed") == []
    undated = register(tmp_path, identified="") + paid  # a red 监测户 at risk since before the books
    assert len(findings(undated, "benefit-skewed")) == 1


# -- three colours for 脱贫户 and 监测户, measures and visits, premature 风险消除 -----------------------
WIDE = ("户编号,户主姓名,身份证号,乡镇,行政村,户类型,风险等级,识别日期,风险消除日期,帮扶措施,措施落实日期,"
        "走访日期,一卡通账号\n")


def graded(tmp_path, *rows):
    """A register of (户编号, 户主姓名, ID, 户类型, 风险等级, 识别日期, 风险消除日期, 帮扶措施, 措施落实日期,
    走访日期) rows in 东村, and the project the subsidies are paid from."""
    path = tmp_path / "households.csv"
    path.write_text(WIDE + "".join(
        ",".join((n, name, person, "东镇", "东村", *rest)) + ",6231000000000000001\n"
        for n, name, person, *rest in rows), "utf-8")
    return (fund("C2024-056", "2024-03-11") + f'2023-01-01 custom "register" "households" "{path}"\n'
            + """
2023-01-01 open Expenses:Project:QH2024-S01 CNY
  name: "到户产业奖补"
2023-01-01 open Equity:Allotment:Project:QH2024-S01 CNY
""")


def test_orange_needs_help_within_its_days_from_the_books_or_the_register(tmp_path):
    late = graded(tmp_path, ("HH4", "钱四", ORANGE, "脱贫户", "橙", "2024-03-01", "", "", "", "2024-03-05"))
    [found] = findings(late + subsidy("2024-05-10", "1", "钱四", ORANGE, "V1"), "orange-unassisted")
    assert "橙色（容易返贫）户东村钱四" in found.message and "2024-05-10" in found.message
    assert found.links and found.date.isoformat() == "2024-04-30"  # 60 days after identification
    in_time = graded(tmp_path, ("HH4", "钱四", ORANGE, "脱贫户", "橙", "2024-03-01", "", "临时救助",
                                "2024-04-20", ""))  # the register's measure on day 50
    assert findings(in_time + subsidy("2024-05-10", "1", "钱四", ORANGE, "V1"), "orange-unassisted") == []
    assert findings(late + subsidy("2024-05-10", "1", "钱四", ORANGE, "V1"), "orange-unassisted",
                    orange_assist_days=70) == []


def test_blue_needs_a_visit_or_help(tmp_path):
    none = graded(tmp_path, ("HH2", "李二", BLUE, "脱贫户", "蓝", "2024-03-01", "", "", "", ""))
    [found] = findings(none + subsidy("2024-09-10", "1", "李二", BLUE, "V1"), "blue-uncontacted")
    assert found.variant == "" and "2024-09-10" in found.message and found.severity == "low"
    visited = graded(tmp_path, ("HH2", "李二", BLUE, "脱贫户", "蓝", "2024-03-01", "", "", "", "2024-05-20"))
    assert findings(visited + subsidy("2024-09-10", "1", "李二", BLUE, "V1"), "blue-uncontacted") == []
    # visited only after the window (the register keeps the latest visit) and never helped
    after = graded(tmp_path, ("HH2", "李二", BLUE, "脱贫户", "蓝", "2024-03-01", "", "", "", "2024-08-20"))
    [never] = findings(after + subsidy("2024-09-10", "1", "赵三", BLUE2, "V1"), "blue-uncontacted")
    assert never.variant == "" and "入户走访" in never.message  # the late visit is named as the first


def test_a_household_with_a_row_per_member_is_judged_once_with_every_members_help(tmp_path):
    rows = [("HH1", "王一", RED, "监测户(边缘易致贫户)", "红", "2024-03-01", "", "医疗救助", "2024-03-10",
             "2024-03-12"),
            ("HH1", "王一", BLUE2, "监测户(边缘易致贫户)", "红", "2024-03-01", "", "", "", "")]
    assert findings(graded(tmp_path, *rows) + subsidy("2024-05-10", "1", "王一", RED, "V1"),
                    "red-unassisted") == []
    rows[0] = rows[0][:7] + ("", "", "")
    found = findings(graded(tmp_path, *rows) + subsidy("2024-05-10", "1", "王一", RED, "V1"),
                     "red-unassisted")
    assert len(found) == 1


def test_premature_risk_cleared_names_every_reason(tmp_path):
    row = ("HH1", "王一", RED, "监测户(突发严重困难户)", "红", "2024-06-01", "2024-06-10", "", "", "")
    visits = ("HH2", "李二", BLUE, "脱贫户", "蓝", "2024-01-05", "", "", "", "2024-01-20")
    early = graded(tmp_path, row, visits)  # the register records visits, not this household's
    [found] = findings(early + subsidy("2024-06-20", "1", "王一", RED, "V1"), "premature-risk-cleared")
    assert "相隔9天" in found.message and "识别后仅9天（应不少于180天）" in found.message
    assert "未见任何帮扶措施" in found.message and "未见入户走访核实记录" in found.message
    unrecorded = graded(tmp_path, row)  # a register that records no visit says nothing of them
    [found] = findings(unrecorded + subsidy("2024-06-20", "1", "王一", RED, "V1"), "premature-risk-cleared")
    assert "走访" not in found.message
    assert dict(found.facets) == {"household": "HH1"} and found.date.isoformat() == "2024-06-10"
    short = graded(tmp_path, ("HH1", "王一", RED, "监测户(突发严重困难户)", "红", "2024-02-01", "2024-07-01",
                              "医疗救助", "2024-02-10", "2024-06-20"))
    [found] = findings(short + subsidy("2024-08-20", "1", "王一", RED, "V1"), "premature-risk-cleared")
    assert "151天" in found.message and "帮扶措施" not in found.message.split("：", 1)[1]
    assert findings(short + subsidy("2024-08-20", "1", "王一", RED, "V1"), "premature-risk-cleared",
                    clear_min_days=150) == []
    helped = graded(tmp_path, ("HH4", "钱四", ORANGE, "监测户(脱贫不稳定户)", "橙", "2024-01-10", "2024-07-12",
                               "", "", "2024-07-02"))
    # the books' help counts (no measure in the register) and links the finding when there is one
    assert findings(helped + subsidy("2024-01-25", "1", "钱四", ORANGE, "V1"), "premature-risk-cleared",
                    as_of="2024-12-31") == []
    soon = graded(tmp_path, ("HH4", "钱四", ORANGE, "监测户(脱贫不稳定户)", "橙", "2024-06-10", "2024-07-12",
                             "", "", "2024-07-02"))
    [found] = findings(soon + subsidy("2024-06-25", "1", "钱四", ORANGE, "V1"), "premature-risk-cleared",
                       as_of="2024-12-31")
    assert found.links and "32天" in found.message
