"""ghost-beneficiary, duplicate-subsidy and id-multi-village on small ledgers with registers."""

import pytest
from rulebook import findings, fund, registers, subsidy

ID_A, ID_B, ID_C = "370405199303107437", "370405195002023098", "37040519910319138X"
GHOST, CADRE = "370405197905170011", "370405196405224673"


@pytest.fixture
def base(tmp_path):
    return fund("C2024-056", "2024-03-11", 2_000_000) + registers(
        tmp_path,
        households=[("HH00001", "林生新", ID_A, "运河街道", "东村", "6231000000000000001"),
                    ("HH00002", "钟丽春", ID_B, "运河街道", "西村", "6231000000000000002"),
                    ("HH00003", "魏芳鹏", ID_C.lower(), "运河街道", "东村", "6231000000000000003")],
        officials=[("闫荣娜", CADRE, "东村", "村党支部书记", "", "", "")])


def test_ghost_beneficiary(base):
    ledger = base + (subsidy("2024-06-20", "1", "林生新", ID_A, "V1")
                     + subsidy("2024-06-20", "2", "韦云鹏", GHOST, "V1", 5000)
                     + subsidy("2024-06-20", "3", "魏芳鹏", ID_C, "V1")  # register has a lower-case x
                     + subsidy("2024-06-20", "4", "闫荣娜", CADRE, "V1"))  # a cadre: related-party
    found = findings(ledger, "ghost-beneficiary")
    assert [f.links[-1] for f in found] == ["YKT-2"]
    assert found[0].severity == "critical" and "5,000.00元" in found[0].message
    assert GHOST not in found[0].message  # the ID number is masked in the message


def test_duplicate_subsidy(base):
    ledger = base + (subsidy("2024-06-20", "1", "林生新", ID_A, "V1")
                     + subsidy("2024-06-20", "91", "林生新", ID_A, "V1")  # the same row again
                     + subsidy("2024-06-20", "2", "钟丽春", ID_B, "V2", status="失败:户名不符")
                     + subsidy("2024-06-21", "3", "钟丽春", ID_B, "V2")  # the retry after a failure
                     + subsidy("2024-11-20", "4", "林生新", ID_A, "V1")  # next batch, next quarter
                     + subsidy("2024-06-20", "5", "钟丽春", ID_B, "V2", item="雨露计划"))  # other item
    found = findings(ledger, "duplicate-subsidy")
    assert len(found) == 1 and {"YKT-91", "YKT-1"} <= set(found[0].links)
    assert len(findings(ledger, "duplicate-subsidy", subsidy_period="year")) == 2


def test_id_multi_village(base):
    ledger = base + (subsidy("2024-06-20", "1", "林生新", ID_A, "V1")
                     + subsidy("2024-11-20", "2", "钟丽春", ID_B, "V1")  # registered in 西村
                     + subsidy("2024-11-20", "3", "韦云鹏", GHOST, "V1")
                     + subsidy("2024-11-21", "4", "韦云鹏", GHOST, "V2"))  # unregistered, two villages
    found = findings(ledger, "id-multi-village")
    assert sorted(f.links[-1] for f in found) == ["YKT-2", "YKT-4"]
    assert "西村" in found[0].message or "西村" in found[1].message


def test_an_unreadable_register_is_a_finding_not_a_traceback(tmp_path):
    ledger = fund("C2024-056", "2024-03-11") + registers(tmp_path) + subsidy(
        "2024-06-20", "2", "韦云鹏", GHOST, "V1")
    (tmp_path / "households.csv").write_bytes("户主姓名,身份证号\n韦云鹏,1\n".encode("gbk"))
    found = findings(ledger, "ghost-beneficiary")
    assert len(found) == 1 and "households.csv" in found[0].message and "UTF-8" in found[0].message
    (tmp_path / "households.csv").unlink()
    assert "不存在" in findings(ledger, "ghost-beneficiary")[0].message


def test_duplicate_subsidy_windows_end_at_their_boundary(base):
    """Two payments a day apart across a month's (and a quarter's) end are no repeat, two in
    one month are, whoever else is paid between them."""
    ledger = base + (subsidy("2024-06-02", "1", "林生新", ID_A, "V1")
                     + subsidy("2024-06-29", "2", "钟丽春", ID_B, "V2")
                     + subsidy("2024-06-30", "3", "钟丽春", ID_B, "V2")  # same month as YKT-2
                     + subsidy("2024-07-01", "4", "林生新", ID_A, "V1")  # a new month and quarter
                     + subsidy("2024-09-30", "5", "魏芳鹏", ID_C, "V1")
                     + subsidy("2024-10-01", "6", "魏芳鹏", ID_C, "V1"))  # a new quarter
    def repeats(period):  # each finding's pair of rows
        return sorted(tuple(sorted(x for x in f.links if x.startswith("YKT-")))
                      for f in findings(ledger, "duplicate-subsidy", subsidy_period=period))

    assert repeats("month") == [("YKT-2", "YKT-3")]
    assert repeats("quarter") == [("YKT-2", "YKT-3")]
    assert repeats("year") == [("YKT-1", "YKT-4"), ("YKT-2", "YKT-3"), ("YKT-5", "YKT-6")]
