"""shared-card, card-mismatch, payee-variant, shared-account and id-multi-name on small ledgers:
each planted case found, each near miss silent."""

from decimal import Decimal

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
    # two rows of HH00004 are one family (the register names the card of the head); HH00006's
    # row gives the same card as HH00004's: an elder registered as a household of its own
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
    # two members of HH00004 (one 户编号): the register says they belong together
    ledger = base + (subsidy("2024-06-20", "1", "韦云鹏", ID_D, "V1", card=CARD_D)
                     + subsidy("2024-06-20", "2", "韦小花", ID_E, "V1", card=CARD_D))
    assert findings(ledger, "shared-card") == []
    assert findings(ledger, "card-mismatch") == []


def test_a_card_written_in_full_width_digits_is_the_same_card(base):
    # the roster typed the register's card of HH00001 in full-width digits: one card, no mismatch
    wide = CARD_A.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    ledger = base + (subsidy("2024-06-20", "1", "林生新", ID_A, "V1", card=wide)
                     + subsidy("2024-09-20", "2", "林生新", ID_A, "V1", card=CARD_A))
    assert findings(ledger, "card-mismatch") == []
    assert findings(ledger, "shared-card") == []


def test_two_households_whose_register_rows_name_one_card_are_a_finding(base):
    # HH00006 is a household of its own: the same card in its row does not make it HH00004's
    ledger = base + (subsidy("2024-06-20", "1", "韦云鹏", ID_D, "V1", card=CARD_D)
                     + subsidy("2024-06-20", "3", "韦大山", ID_F, "V1", 1500, card=CARD_D))
    found = findings(ledger, "shared-card")
    assert len(found) == 1 and found[0].amount == 1500 and dict(found[0].facts)["count"] == 2
    assert "韦大山" in found[0].message and "韦云鹏" in found[0].message
    assert findings(ledger, "card-mismatch") == []  # each paid on the card its row gives


COLLECTIVE = """
2023-01-01 open Expenses:Distribution:370405001201 CNY
2023-01-01 open Assets:Collective:370405001201 CNY
"""
DIVIDEND = """
{day} * "{name}" "东村收益分配 分红到户" ^FP-{link}
  Expenses:Distribution:370405001201  {amount}.00 CNY
    kind: "分红到户"
    asset: "ZC2024-001"
    beneficiary: "{name}"
    id_no: "{id_no}"
    card: "{card}"
  Assets:Collective:370405001201
"""


def dividend(day, link, name, id_no, card, amount=1200):
    return DIVIDEND.format(day=day, link=link, name=name, id_no=id_no, card=card, amount=amount)


def test_a_dividend_is_a_payment_into_a_card(base):
    # a stranger's dividend on 林生新's card; 钟丽春's dividend on a card not her register's;
    # 魏芳鹏's dividend under another name; 韦小花's dividend on her family's card
    ledger = base + COLLECTIVE + (subsidy("2024-06-20", "1", "林生新", ID_A, "V1", card=CARD_A)
                     + dividend("2024-07-22", "1", "路人乙", "370405199901010011", CARD_A)
                     + dividend("2024-07-22", "2", "钟丽春", ID_B, CARD_E)
                     + subsidy("2024-06-20", "3", "魏芳鹏", ID_C, "V1", card=CARD_C)
                     + dividend("2024-07-22", "3", "魏芳朋", ID_C, CARD_C)
                     + subsidy("2024-06-20", "4", "韦云鹏", ID_D, "V1", card=CARD_D)
                     + dividend("2024-07-22", "4", "韦小花", ID_E, CARD_D))
    shared = findings(ledger, "shared-card")
    assert len(shared) == 1 and shared[0].amount == 1200 and "FP-1" in shared[0].links
    assert "路人乙" in shared[0].message and "YKT-4" not in shared[0].links
    mismatch = findings(ledger, "card-mismatch")
    assert [f.links[-1] for f in mismatch] == ["FP-2"] and "分红到户" in mismatch[0].message
    renamed = findings(ledger, "id-multi-name")
    assert len(renamed) == 1 and "魏芳朋" in renamed[0].message and renamed[0].amount == 1200


def test_several_personal_names_on_one_account(works):
    # wages to two people without an ID number into one personal account; a third person's
    # two wages into her own account, and a firm's payments: silent
    own = "6217 0000 0000 0000 077"
    ledger = works + (
        pay("2024-06-05", "ICBC-2345-1", "QH2024-001", "C2024-001", "4800.00", payee="冼志勇",
            narration="公益岗位劳务费", source="Assets:Bank:ICBC-2345", payee_account=own)
        + pay("2024-06-25", "ICBC-2345-2", "QH2024-002", "C2024-001", "5200.00", payee="祁美玲",
              narration="公益岗位劳务费", source="Assets:Bank:ICBC-2345",
              payee_account=own.replace(" ", ""))
        + pay("2024-06-05", "ICBC-2345-3", "QH2024-001", "C2024-001", "900.00", payee="王秀英",
              narration="务工工资", source="Assets:Bank:ICBC-2345", payee_account=CARD_B)
        + pay("2024-07-05", "ICBC-2345-4", "QH2024-001", "C2024-001", "900.00", payee="王秀英",
              narration="务工工资", source="Assets:Bank:ICBC-2345", payee_account=CARD_B))
    found = findings(ledger, "shared-card")
    assert len(found) == 1 and found[0].amount == 5200
    assert set(found[0].links) >= {"ICBC-2345-1", "ICBC-2345-2"} and "ICBC-2345-3" not in found[0].links
    assert "冼志勇" in found[0].message and "祁美玲" in found[0].message


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


def test_payee_variant_in_one_project_whatever_the_accounts_amounts_and_days(works):
    # two characters apart, four months apart, other amounts and accounts: one project
    ledger = works + (pay("2024-03-20", "VOU-20245201000001", "QH2024-001", "C2024-001", "42000.00",
                          payee="泥河鑫盛劳务有限公司", payee_account=FIRM_1)
                      + pay("2024-07-30", "VOU-20245201000002", "QH2024-001", "C2024-001", "39800.00",
                            payee="泥河鑫晟劳物有限公司", payee_account=FIRM_2))
    found = findings(ledger, "payee-variant")
    assert len(found) == 1 and found[0].amount == Decimal("39800.00")
    assert "132天" in found[0].message and "2个字" in found[0].message


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
    assert DEFAULTS["payee_variant_edits"] == 2 and "payee_variant_window_days" not in DEFAULTS


def test_the_index_reading_of_each_persons_rows_decides_as_a_reading_of_every_row(base):
    """The flow index notes each person's first card and name and whose rows vary; the card and
    name rules read only the others' rows in full, and decide as when reading every row."""
    import textwrap

    from beancount import loader
    from rulebook import ACCOUNTS

    from fundtrail.flows import FlowIndex
    from fundtrail.plugins.rules.context import Context
    from fundtrail.plugins.rules.identity import People, families

    ledger = base + (subsidy("2024-06-20", "1", "林生新", ID_A, "V1", card=CARD_A)
                     + subsidy("2024-09-20", "2", "林生新", ID_A, "V1", card=CARD_A)
                     + subsidy("2024-06-20", "3", "钟丽春", ID_B, "V2", card=CARD_B)
                     + subsidy("2024-09-20", "4", "钟丽春", ID_B, "V2", card=CARD_E)  # another card
                     + subsidy("2024-06-20", "5", "魏芳鹏", ID_C, "V1", card=CARD_C)
                     + subsidy("2024-09-20", "6", "魏方鹏", ID_C, "V1", card=CARD_C)  # another name
                     + subsidy("2024-06-20", "7", "韦云鹏", ID_D, "V1", card=CARD_D)
                     + subsidy("2024-09-20", "8", "韦云鹏", ID_D, "V1", card=CARD_E, status="失败"))
    entries, errors, _ = loader.load_string(textwrap.dedent(ACCOUNTS + ledger))
    assert not errors
    index = FlowIndex.of(entries)
    assert index.varied == {ID_B, ID_C.upper()}  # a bounced row is no payment: ID_D is alike
    assert index.row_of[ID_A] == (CARD_A, "林生新", "V1")
    ctx = Context(entries, {})
    fam = families(ctx)
    read, noted = People(index.by_person, fam), People(index.by_person, fam, index)
    assert (noted.first, noted.shared, noted.mismatched, noted.renamed) == \
        (read.first, read.shared, read.mismatched, read.renamed)
    assert noted.mismatched == [ID_B] and noted.renamed == [ID_B, ID_C.upper()]
    assert [f.links[-1] for f in findings(ledger, "card-mismatch")] == ["YKT-4"]


def test_the_names_on_a_registered_card_are_every_row_that_names_it_in_register_order():
    from fundtrail.plugins.rules.identity import Families
    from fundtrail.registers import Household
    rows = {ID_A: Household("HH1", "林生新", ID_A, "甲村", "脱贫户", "", CARD_A),
            ID_B: Household("HH2", "钟丽春", ID_B, "甲村", "脱贫户", "", CARD_B),
            ID_C: Household("HH3", " 魏芳鹏 ", ID_C, "甲村", "脱贫户", "", CARD_A),
            ID_D: Household("HH3", "韦云鹏", ID_D, "甲村", "脱贫户", "", CARD_A)}
    fam = Families(rows)
    # CARD_A is on three rows of two households: the first row's household holds it
    assert fam.named(CARD_A) == {"林生新": "HH1", "魏芳鹏": "HH3", "韦云鹏": "HH3"}
    assert fam.named(CARD_B) == {"钟丽春": "HH2"} and fam.named(CARD_C) == {}
    assert fam.holder == {CARD_A: "HH1", CARD_B: "HH2"}
    # a household's 户主姓名 is kept for a household of one row only
    assert fam.head == {ID_A: "林生新", ID_B: "钟丽春"}
