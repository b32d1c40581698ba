"""The one masking policy on adversarial input: personal numbers hidden wherever they sit and
however they are written; public phones, document numbers and evidence links left alone."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundtrail import masking
from fundtrail.masking import Masker, MaskPolicy, masker_for

PUBLIC = MaskPolicy(public_phones=frozenset({"12317", "063212317"}))
M = Masker(PUBLIC)
ID = "370405196211119250"
CARD = "6231183631352459822"
MOBILE = "13812345678"


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.mark.parametrize("raw, secret", [
    (f"张三{ID}", ID),
    ("身份证37040519621111925X号", "37040519621111925"),
    ("370405 1962 1111 925x", "37040519621111925"),
    ("370405-19621111-9250", ID),
    ("旧证370405621111925", "370405621111925"),
    ("３７０４０５１９６２１１１１９２５０", ID),
    ("卡号6231 1836 3135 2459 822", CARD),
    ("6231-1836-3135-2459-822", CARD),
    (f"户名李四 账号{CARD}", CARD),
    ("+86 138 1234 5678", MOBILE),
    ("+8613812345678", MOBILE),
    ("0086-138-1234-5678", MOBILE),
    ("电话：138-1234-5678", MOBILE),
    ("１３８１２３４５６７８", MOBILE),
    (f"王{MOBILE}明", MOBILE),
    ("家里电话0632-8812345", "8812345"),
    ("(0632)8812345", "8812345"),
])
def test_personal_numbers_are_hidden_in_free_text(raw, secret):
    masked = M.text(raw)
    assert secret.lower() not in digits(masked).lower() + masked.lower()
    assert "*" in masked


def test_what_stays_visible():
    assert M.text("监督电话：0632-12317，全国热线12317") == "监督电话：0632-12317，全国热线12317"
    assert M.text("财农〔2024〕48号 第3号 2,000.00元 2024-06-20") == "财农〔2024〕48号 第3号 2,000.00元 2024-06-20"
    assert M.id_no(ID) == "370405************"
    assert M.account(CARD).endswith("9822") and CARD[:-4] not in M.account(CARD)
    assert M.phone(MOBILE) == "138****5678"


def test_addresses_lose_house_numbers():
    assert M.text("住泥河东村3组15号") == "住泥河东村*组**号"
    assert M.text("幸福路128号2单元301室") == "幸福路***号*单元***室"
    assert M.address("青禾区泥河镇泥河东村3组15号") == "青禾区泥河镇泥河东村***"


def test_evidence_links_are_kept_but_only_in_their_own_shape():
    for link in ("VOU-20245201000001", "PSBC-1188-20241220000003", "ABC-6688-20240703085432",
                 "YKT-QH2024Q2-01-017", "ALLOT-QH2024-001", "ICBC-9876-OPEN"):
        assert M.link(link) == link
    assert M.link("QH2024Q2-01") == "QH2024Q2-01" and M.link("C2024-048B") == "C2024-048B"
    assert CARD not in M.link(f"X-{CARD}")
    assert CARD not in M.link(f"QH2024-{CARD}") and CARD not in M.link(f"YKT-{CARD}")
    assert ID not in M.link(f"VOU-{ID}")


def test_policy_is_a_ledger_setting():
    from beancount import loader

    entries, errors, _ = loader.load_string(
        '2024-01-01 custom "masking" "policy"\n  id_head: 3\n  id_tail: 1\n  account_tail: 0\n'
        '  names: "surname"\n')
    assert not errors
    masker = Masker(MaskPolicy.from_entries(entries, ["0632-8812345"]))
    assert masker.id_no(ID) == "370**************0"
    assert masker.account(CARD) == "*" * len(CARD)
    assert masker.name("王小明") == "王**"
    assert masker.text("投诉电话0632-8812345") == "投诉电话0632-8812345"  # declared public


def test_a_bad_policy_setting_keeps_the_default_and_never_unmasks():
    from beancount import loader

    entries, errors, _ = loader.load_string(
        '2024-01-01 custom "masking" "policy"\n  id_head: -1\n  id_tail: "all"\n')
    assert not errors
    assert Masker(MaskPolicy.from_entries(entries)).id_no(ID) == Masker().id_no(ID) == "370405" + "*" * 12


LEDGER = (
    '2023-01-01 custom "county" "370405"\n  name: "青禾区"\n  phone: "0632-8812317"\n'
    '2023-01-01 custom "town" "370405101"\n  name: "张山镇"\n'
    '2023-01-01 custom "village" "370405101201"\n  name: "张山村"\n  town: "370405101"\n'
    '2023-01-01 custom "masking" "policy"\n  id_head: 3\n'
    '2023-01-01 open Assets:Collective:370405101201 CNY\n'
    '2023-01-01 open Assets:Collective:370405101202 CNY\n'
    '2023-01-01 open Expenses:Subsidy CNY\n'
    f'2024-03-01 * "{ID}王小明" "补助 卡号{CARD} 电话{MOBILE} 村370405101201"\n'
    f'  id_no: "{ID}"\n'
    '  Assets:Collective:370405101201  -100.00 CNY\n'
    '  Expenses:Subsidy  100.00 CNY\n')


def test_masker_for_is_the_ledgers_policy_for_the_public_and_nothing_for_internal_roles():
    from beancount import loader

    entries, errors, _ = loader.load_string(LEDGER)
    assert not errors
    public = masker_for(entries, masking.PUBLIC)
    assert public is masker_for(entries, "auditor")  # any role but INTERNAL, built once per load
    txn = entries[-1]
    assert public.text(txn.payee) == "370" + "*" * 15 + "王小明"  # the ledger's id_head: 3
    narration = public.text(txn.narration)
    assert CARD not in narration and MOBILE not in narration and CARD[-4:] in narration
    assert narration.endswith("村370405101201")  # a village code is not personal
    assert public.text(txn.meta["id_no"]) == "370" + "*" * 15
    assert public.text("监督电话0632-8812317") == "监督电话0632-8812317"  # the county's phone
    internal = masker_for(entries, masking.INTERNAL)
    assert internal.text(txn.narration) == txn.narration and internal.id_no(ID) == ID
    assert internal.account(CARD) == CARD and internal.name("王小明") == "王小明"


def test_account_names_are_never_rewritten():
    """Village codes inside account names stay (even codes the policy does not know): two
    villages' accounts never become one masked name; the numbers around them are masked."""
    text = (f"Assets:Collective:370405101201 与 Assets:Collective:370405101202 付{ID} 卡{CARD}，"
            "Expenses:Project:QH2024-001 Equity:Allotment:Fund:C2024-048")
    masked = M.text(text)
    for account in ("Assets:Collective:370405101201", "Assets:Collective:370405101202",
                    "Expenses:Project:QH2024-001", "Equity:Allotment:Fund:C2024-048"):
        assert account in masked
    assert ID not in masked and CARD not in masked
    assert M.text(f"Income:Bank:{CARD}") == f"Income:Bank:{M.account(CARD)}"  # never a code
    assert M.text(f"Assets:Household:{ID}:Card") == f"Assets:Household:{M.id_no(ID)}:Card"


SEPARATORS = st.sampled_from(["", " ", "-"])
FILLER = st.text(alphabet="张王李村组号元，。： abcXY", max_size=6)


@st.composite
def id_numbers(draw):
    body = (f"{draw(st.integers(110000, 659999))}{draw(st.integers(1930, 2010))}"
            f"{draw(st.integers(1, 12)):02d}{draw(st.integers(1, 28)):02d}{draw(st.integers(0, 999)):03d}")
    return body + draw(st.sampled_from("0123456789X"))


@st.composite
def written(draw, number):
    """The number split in random groups by spaces or dashes (one kind per number)."""
    sep = draw(SEPARATORS)
    parts, rest = [], number
    while rest:
        cut = draw(st.integers(3, 6))
        parts.append(rest[:cut])
        rest = rest[cut:]
    return sep.join(parts)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), before=FILLER, after=FILLER)
def test_no_personal_number_survives_in_any_spelling(data, before, after):
    number = data.draw(st.one_of(
        id_numbers(),
        st.from_regex(r"62[0-9]{14,17}", fullmatch=True),
        st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)))
    text = before + data.draw(written(number)) + after
    masked = M.text(text)
    kept = re.sub(r"[^0-9X]", "", masked.upper())
    assert number.upper() not in kept, (text, masked)
    assert not re.search(r"\d{9,}", re.sub(r"[ \-]", "", masked)), (text, masked)


def test_a_name_stated_under_a_name_key_is_masked_wherever_the_entry_repeats_it():
    """Under `names: "surname"`, the name a roll row or a subsidy states (person:, beneficiary:)
    is masked in its key, payee and narration too, not only in the metadata; other names and
    the default policy are left as they are."""
    from beancount import loader

    text = (
        '2024-01-01 custom "masking" "policy"\n  names: "surname"\n'
        '2024-01-01 open Expenses:Subsidy\n2024-01-01 open Assets:Bank:X\n'
        '2024-03-31 custom "benefit-roll" "QH2024-0001|务工|赵一|甲村|2024-03"\n'
        '  person: "赵一"\n  project: "QH2024-0001"\n'
        '2024-04-02 * "钱二" "钱二 2024年春季补助，经办人孙三"\n'
        '  Expenses:Subsidy  100.00 CNY\n    beneficiary: "钱二"\n  Assets:Bank:X\n')
    entries, errors, _ = loader.load_string(text)
    assert not errors
    shown = masking.masked_entries(entries, Masker(MaskPolicy.from_entries(entries)))[0]
    roll = next(e for e in shown if getattr(e, "type", "") == "benefit-roll")
    assert roll.values[0].value == "QH2024-0001|务工|赵*|甲村|2024-03"
    assert roll.meta["person"] == "赵*"
    paid = next(e for e in shown if getattr(e, "payee", None))
    assert paid.payee == "钱*"
    assert paid.narration == "钱* 2024年春季补助，经办人孙三"  # a name no key states stays
    assert paid.postings[0].meta["beneficiary"] == "钱*"
    plain_policy = [e for e in entries if getattr(e, "type", "") != "masking"]
    kept = masking.masked_entries(entries, Masker(MaskPolicy.from_entries(plain_policy)))[0]
    assert next(e for e in kept if getattr(e, "payee", None)).payee == "钱二"
    assert "赵一" in next(e for e in kept if getattr(e, "type", "") == "benefit-roll").values[0].value
