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
