"""shared-card, card-mismatch, payee-variant, shared-account and id-multi-name on small ledgers:
each planted case found, each near miss silent."""

import pytest
from rulebook import findings, fund, pay, project, registers, subsidy

ID_A, ID_B, ID_C, ID_D = ("370405199303107437", "370405195002023098", "37040519910319138X",
                          "370405198806150021")
ID_E, ID_F = "370405197204040035", "370405196611110048"
CARD_A, CARD_B, CARD_C, CARD_D = (f"62310000000000000{n:02d}" for n in (1, 2, 3, 4))
CARD_E = "6231000000000000005"
FIRM_1, FIRM_2 = "3701 0000 0000 0000 11", "3701 0000 0000 0000 22"


@pytest.fixture
def base(tmp_path):
    # HH00004 and HH00005 are one family: two rows of one 户编号 (the register names the card
    # of the head); HH00006's row gives the same card as HH00005's (an elder registered apart)
    return fund("C2024-056", "2024-03-11", 2_000_000) + registers(
        tmp_path,
        households=[("HH00001", "林生新", ID_A, "运河街道", "东村", CARD_A),
                    ("HH00002", "钟丽春", ID_B, "运河街道", "西村", CARD_B),
                    ("HH00003", "魏芳鹏", ID_C.lower(), "运河街道", "东村", CARD_C),
                    ("HH00004", "韦云鹏", ID_D, "运河街道", "东村", CARD_D),
                    ("HH00004", "韦云鹏", ID_E, "运河街道", "东村", ""),
                    ("HH00006", "韦大山", ID_F, "运河街道", "东村", CARD_D)])


def test_shared_card_three_households_in_one_card(base):
    ledger = base + (subsidy("2024-06-20", "1", "林生新", ID_A, "V1", card=CARD_A)
                     + subsidy("2024-06-20", "2", "钟丽春", ID_B, "V2", card=CARD_A)
                     + subsidy("2024-06-20", "3", "魏芳鹏", ID_C, "V1", 3000, card=CARD_A)
                     + subsidy("2024-06-20", "4", "韦云鹏", ID_D, "V1", card=CARD_D))
    found = findings(ledger, "shared-card")
    assert len(found) == 1
    f = found[0]
    assert f.amount == 5000 and dict(f.facts)["count"] == 3
    assert {"YKT-1", "YKT-2", "YKT-3"} <= set(f.links) and "YKT-4" not in f.links
    assert "林生新" in f.message and "钟丽春" in f.message and "魏芳鹏" in f.message
    assert CARD_A not in f.message and "***0001" in f.message  # the card masked
    assert ID_B not in f.message


def test_a_registered_family_sharing_a_card_is_no_finding(base):
    # two members of HH00004 (one 户编号) and an elder whose register row gives the same card
    ledger = base + (subsidy("2024-06-20", "1", "韦云鹏", ID_D, "V1", card=CARD_D)
                     + subsidy("2024-06-20", "2", "韦小花", ID_E, "V1", card=CARD_D)
                     + subsidy("2024-06-20", "3", "韦大山", ID_F, "V1", card=CARD_D))
    assert findings(ledger, "shared-card") == []
    assert findings(ledger, "card-mismatch") == []


def test_two_people_of_one_name_with_their_own_cards_are_no_finding(tmp_path):
    ledger = fund("C2024-056", "2024-03-11") + registers(
        tmp_path, households=[("HH00001", "王秀英", ID_A, "运河街道", "东村", CARD_A),
                              ("HH00002", "王秀英", ID_B, "运河街道", "西村", CARD_B)]) + (
        subsidy("2024-06-20", "1", "王秀英", ID_A, "V1", card=CARD_A)
        + subsidy("2024-06-20", "2", "王秀英", ID_B, "V2", card=CARD_B))
    for rule in ("shared-card", "card-mismatch", "id-multi-name"):
        assert findings(ledger, rule) == [], rule


def test_shared_card_counts_a_payment_without_an_id_into_the_card(base):
    ledger = base + project("QH2024-001", "C2024-056", 500_000, "2024-03-01", "2024-03-15",
                            "2024-10-31", "2024-03-12") + (
        subsidy("2024-06-20", "1", "林生新", ID_A, "V1", card=CARD_A)
        + pay("2024-07-02", "ICBC-2345-1", "QH2024-001", "C2024-056", "8000.00", payee="赵德明",
              narration="务工工资", source="Assets:Bank:ICBC-2345", payee_account=CARD_A)
        + pay("2024-07-03", "ICBC-2345-2", "QH2024-001", "C2024-056", "900.00", payee="林生新",
              narration="务工工资", source="Assets:Bank:ICBC-2345", payee_account=CARD_A))
    found = findings(ledger, "shared-card")
    assert len(found) == 1 and found[0].amount == 8000 and "赵德明" in found[0].message
    assert "ICBC-2345-2" not in found[0].message


def test_card_mismatch(base):
    ledger = base + (subsidy("2024-06-20", "1", "林生新", ID_A, "V1", card=CARD_A)
                     + subsidy("2024-06-20", "2", "钟丽春", ID_B, "V2", card=CARD_E)
                     + subsidy("2024-11-20", "3", "钟丽春", ID_B, "V2", card=CARD_E)
                     + subsidy("2024-06-20", "4", "魏芳鹏", ID_C, "V1", card="6231 0000 0000 0000 003")
                     + subsidy("2024-06-20", "5", "韦小花", ID_E, "V1", card=CARD_D)  # family card
                     + subsidy("2024-06-20", "6", "路人甲", "370405199901010011", "V1", card=CARD_E))
    found = findings(ledger, "card-mismatch")
    assert len(found) == 1 and found[0].count == 2 and found[0].amount == 4000
    assert {"YKT-2", "YKT-3"} <= set(found[0].links)
    assert "***0005" in found[0].message and "***0002" in found[0].message
    assert CARD_E not in found[0].message


def test_id_multi_name(base):
    ledger = base + (subsidy("2024-06-20", "1", "林生新", ID_A, "V1", card=CARD_A)
                     + subsidy("2024-11-20", "2", "林胜新", ID_A, "V1", 1500, card=CARD_A)
                     + subsidy("2024-06-20", "3", "钟丽春", ID_B, "V2", card=CARD_B)
                     + subsidy("2024-06-20", "4", "钟 丽春", ID_B, "V2", card=CARD_B)  # spacing only
                     + subsidy("2024-06-20", "5", "韦小花", ID_E, "V1", card=CARD_D))  # a member row
    found = findings(ledger, "id-multi-name")
    assert len(found) == 1 and found[0].amount == 1500 and found[0].links[-1] == "YKT-2"
    assert "林生新" in found[0].message and "林胜新" in found[0].message
    assert ID_A not in found[0].message


def test_id_multi_name_without_a_register(tmp_path):
    ledger = fund("C2024-056", "2024-03-11") + registers(tmp_path) + (
        subsidy("2024-06-20", "1", "林生新", ID_A, "V1") + subsidy("2024-11-20", "2", "李四", ID_A, "V1")
        + subsidy("2024-06-20", "3", "钟丽春", ID_B, "V2") + subsidy("2024-11-20", "4", "钟丽春", ID_B, "V2"))
    found = findings(ledger, "id-multi-name")
    assert [f.links[-1] for f in found] == ["YKT-2"]


@pytest.fixture
def works():
    return fund("C2024-001", "2024-02-01", 5_000_000) + "".join(
        project(code, "C2024-001", 1_500_000, "2024-03-01", "2024-03-15", "2024-12-31", "2024-03-05")
        for code in ("QH2024-001", "QH2024-002", "QH2024-003"))


def test_payee_variant_same_amount_six_days_apart_in_one_project(works):
    ledger = works + (pay("2024-05-06", "VOU-20245201000001", "QH2024-001", "C2024-001", "186000.00",
                          payee="青禾健工有限公司", payee_account=FIRM_1)
                      + pay("2024-05-12", "VOU-20245201000002", "QH2024-001", "C2024-001", "186000.00",
                            payee="青禾建工有限公司", payee_account=FIRM_2))
    found = findings(ledger, "payee-variant")
    assert len(found) == 1
    f = found[0]
    assert f.links == ("QH2024-001", "VOU-20245201000001", "VOU-20245201000002")
    assert "青禾健工有限公司" in f.message and "青禾建工有限公司" in f.message and "6天" in f.message
    assert findings(ledger, "payee-variant", payee_variant_edits=0) == []
    assert findings(ledger, "payee-variant", payee_variant_window_days=5) == []


def test_payee_variant_by_suffix_into_one_account(works):
    ledger = works + (pay("2024-05-06", "VOU-20245201000001", "QH2024-001", "C2024-001", "100000.00",
                          payee="鲁南路桥工程有限公司", payee_account=FIRM_1)
                      + pay("2024-11-20", "ICBC-2345-3", "QH2024-002", "C2024-001", "70000.00",
                            payee="鲁南路桥工程有限责任公司", source="Assets:Bank:ICBC-2345",
                            payee_account=FIRM_1.replace(" ", "")))
    found = findings(ledger, "payee-variant")
    assert len(found) == 1 and found[0].amount == 70000 and "***0011" in found[0].message
    assert findings(ledger, "shared-account") == []  # one firm, spelled two ways


def test_similar_firms_with_their_own_accounts_in_other_projects_are_no_finding(works):
    ledger = works + (pay("2024-05-06", "VOU-20245201000001", "QH2024-001", "C2024-001", "186000.00",
                          payee="青禾建工有限公司", payee_account=FIRM_1)
                      + pay("2024-05-08", "VOU-20245201000002", "QH2024-002", "C2024-001", "186000.00",
                            payee="青禾健工有限公司", payee_account=FIRM_2)
                      # one project, one character apart, other amounts and accounts: two teams
                      + pay("2024-06-03", "VOU-20245201000003", "QH2024-003", "C2024-001", "9120.00",
                            payee="邳北前村道路养护队", payee_account=FIRM_1 + "1")
                      + pay("2024-06-05", "VOU-20245201000004", "QH2024-003", "C2024-001", "9480.00",
                            payee="邳北后村道路养护队", payee_account=FIRM_2 + "2")
                      # two people with one name, paid for work: people are not firms
                      + pay("2024-06-05", "VOU-20245201000005", "QH2024-003", "C2024-001", "900.00",
                            payee="王秀英", narration="务工工资")
                      + pay("2024-06-06", "VOU-20245201000006", "QH2024-003", "C2024-001", "900.00",
                            payee="王秀芳", narration="务工工资"))
    assert findings(ledger, "payee-variant") == []
    assert findings(ledger, "shared-account") == []


def test_shared_account_two_firm_names(works):
    ledger = works + (pay("2024-04-10", "VOU-20245201000001", "QH2024-001", "C2024-001", "300000.00",
                          payee="运河建设集团有限公司", payee_account=FIRM_1)
                      + pay("2024-07-10", "VOU-20245201000002", "QH2024-002", "C2024-001", "220000.00",
                            payee="泥河建筑安装有限公司", payee_account=FIRM_1)
                      + pay("2024-08-10", "VOU-20245201000003", "QH2024-002", "C2024-001", "80000.00",
                            payee="泥河建筑安装有限公司", payee_account=FIRM_1))
    found = findings(ledger, "shared-account")
    assert len(found) == 1
    f = found[0]
    assert f.amount == 300000 and f.severity == "high"
    assert "运河建设集团有限公司" in f.message and "泥河建筑安装有限公司" in f.message
    assert {"VOU-20245201000001", "VOU-20245201000003"} <= set(f.links)
    assert "3701" not in f.message


def test_the_rules_are_catalogued_with_their_settings():
    from fundtrail import catalogue
    from fundtrail.plugins.checks import DEFAULTS

    for rule in ("shared-card", "card-mismatch", "payee-variant", "shared-account", "id-multi-name"):
        entry = catalogue.rule(rule)
        assert entry.title and entry.criteria and entry.severity in ("medium", "high")
    assert DEFAULTS["payee_variant_edits"] == 2 and DEFAULTS["payee_variant_window_days"] == 30
