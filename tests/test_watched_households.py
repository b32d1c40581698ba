"""The village notice's summary of households at risk reads the three-colour rules' own
classification: 脱贫户 and 监测户 graded by colour, 监测户 not yet cleared, one row per household;
and the register's one grouping of rows by household (户编号)."""

from __future__ import annotations

import datetime

from fundtrail import assets
from fundtrail.registers import HouseholdRegister

D = datetime.date
HEAD = "户编号,户主姓名,身份证号,乡镇,行政村,户类型,风险等级,识别日期,风险消除日期"
ROWS = [
    "H1,张一,370405199001010011,东,东村,监测户(边缘易致贫户),红,2024-05-01,",
    "H2,李二,370405199002020022,东,东村,脱贫户,红,2024-03-01,",  # a graded 脱贫户
    "H2,李二妻,370405199103030033,东,东村,脱贫户,红,,",  # a member of H2: no second household
    "H3,王三,370405199204040044,东,东村,脱贫户,蓝,,",  # not graded: not under watch
    "H4,赵四,370405199305050055,东,东村,脱贫户,橙,2023-01-01,2023-06-30",  # cleared before 2024
    "H5,钱五,370405199406060066,东,东村,监测户(突发严重困难户),,,",  # monitored, no colour
    "H6,孙六,370405199507070077,西,西村,脱贫户,红,2024-02-01,",  # another village
]


def _register(tmp_path) -> HouseholdRegister:
    path = tmp_path / "households.csv"
    path.write_text("\n".join([HEAD, *ROWS]) + "\n", "utf-8")
    return HouseholdRegister.read(str(path))


def test_the_notice_counts_graded_households_of_both_kinds_once_each(tmp_path):
    summary = assets.monitored_summary(_register(tmp_path), "东村", D(2024, 1, 1), D(2024, 12, 31))
    assert [h.number for h in summary["households"]] == ["H1", "H2", "H5"]
    assert summary["counts"] == {"红": 2, "橙": 0, "蓝": 0}
    assert summary["identified"] == 2 and summary["cleared"] == 0


def test_the_notice_and_the_rules_read_one_classification(tmp_path):
    register = _register(tmp_path)
    for year in (2023, 2024):
        start, end = D(year, 1, 1), D(year, 12, 31)
        summary = assets.monitored_summary(register, "东村", start, end)
        expected = {h.number for h in register.heads() if h.village == "东村" and h.watched_in(start, end)}
        assert {h.number for h in summary["households"]} == expected
    assert {h.number for h in assets.monitored_summary(register, "东村", D(2023, 1, 1),
                                                       D(2023, 12, 31))["households"]} == {"H4", "H5"}


def test_rows_group_by_household_and_people_are_found_by_id_or_name(tmp_path):
    register = _register(tmp_path)
    members = register.members()
    assert [h.name for h in members["H2"]] == ["李二", "李二妻"]
    assert [h.number for h in register.heads()] == ["H1", "H2", "H3", "H4", "H5", "H6"]
    assert register.number_of("370405199103030033") == "H2" and register.number_of("1") == ""
    assert register.person("370405199204040044").name == "王三"
    assert register.person("", "王三", "东村").number == "H3"
    assert register.person("", "王三", "西村") is None
    assert register.person("", "孙六").number == "H6"  # no village given: by name alone
