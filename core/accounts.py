"""The chart of accounts: ASCII codes in account names, Chinese names in `open` metadata.

Beancount account components must start with an ASCII capital or a digit, so every
account is named by a code; its Chinese name travels as `name:` metadata on `open`.
See docs/ledger-model.md for the whole model.
"""

from __future__ import annotations

import re

CURRENCY = "CNY"

# Cash layer: reconciled to statements with `balance` assertions.
TREASURY = "Assets:Treasury"  # 国库存款, paid out by treasury vouchers
BANK = "Assets:Bank"  # 专户 and other bank accounts
HELD = "Assets:Held"  # passed down into an implementing unit's own account, not yet spent
CLEARING = "Assets:Clearing"  # in transit at a paying agent (一卡通 代发), nets to zero per batch

# Fund layer.
FUND_INCOME = "Income:Fund"  # one account per budget indicator document (指标文号)
OTHER_INCOME = "Income:Other"  # bank interest and other receipts that belong to no indicator
SUSPENSE_INCOME = "Income:Suspense"  # receipts no rule classified: always a finding
PROJECT = "Expenses:Project"  # one account per project of the project library
SUSPENSE_EXPENSE = "Expenses:Suspense"  # payments no rule classified: always a finding
OTHER_EXPENSE = "Expenses:Other"  # bank fees and the like
RETURNED = "Expenses:Returned"  # money returned to the upper level (结转两年以上收回)

# Memorandum layer (备查): allotment of fund money to projects (分解下达). Nets to zero.
ALLOT_FUND = "Equity:Allotment:Fund"
ALLOT_PROJECT = "Equity:Allotment:Project"
OPENING = "Equity:Opening"

# Collective layer (村集体): income of project assets and its distribution (收益分配). The money is
# the village collective's, not the fund's: kept apart from the cash and fund layers.
ASSET_INCOME = "Income:Asset"  # one account per income-earning asset: Income:Asset:<asset id>
COLLECTIVE = "Assets:Collective"  # the collective's income account: Assets:Collective:<village>
DISTRIBUTION = "Expenses:Distribution"  # paid out of it: Expenses:Distribution:<village>
COLLECTIVE_LAYER = (ASSET_INCOME + ":", COLLECTIVE + ":", DISTRIBUTION + ":")

# Fund level (资金级次): Chinese label -> (account component, fund-code prefix).
FUND_LEVELS: dict[str, tuple[str, str]] = {
    "中央": ("Central", "C"),
    "省级": ("Province", "P"),
    "市级": ("City", "M"),
    "县级": ("County", "X"),
    "社会捐赠": ("Donation", "D"),
    "帮扶单位": ("Twinning", "T"),
}
# The other spellings of a fund level, the one table every importer and report reads (through
# normalize_level, level_in and level_rank).
LEVEL_ALIASES = {"省": "省级", "市": "市级", "区级": "县级", "县": "县级", "区": "县级",
                 "捐赠": "社会捐赠", "社会帮扶": "社会捐赠", "驻村帮扶": "帮扶单位", "帮扶": "帮扶单位"}
LEVEL_BY_COMPONENT = {component: label for label, (component, _) in FUND_LEVELS.items()}
# every spelling -> its level; the longest spellings first, as level_in tries them
_SPELLINGS = dict(sorted({**{label: label for label in FUND_LEVELS}, **LEVEL_ALIASES}.items(),
                         key=lambda kv: -len(kv[0])))
# the order of fund levels in every table: FUND_LEVELS' order, an alias as its level
_LEVEL_RANK = {spelling: list(FUND_LEVELS).index(label) for spelling, label in _SPELLINGS.items()}

_DOC_NO = re.compile(r"[〔\[［(（](\d{4})[〕\]］)）]\s*(\d+)\s*号")


def normalize_level(label: str) -> str:
    """Map the many spellings of a fund level to one of FUND_LEVELS' keys."""
    label = label.strip()
    label = LEVEL_ALIASES.get(label, label)
    if label not in FUND_LEVELS:
        raise ValueError(f"未知的资金级次 unknown fund level: {label!r}")
    return label


def level_in(text: str) -> str | None:
    """The fund level a longer label names (FUND_LEVELS' key), or None: 其中:中央衔接资金 -> 中央,
    省级衔接资金 -> 省级, 区级配套 -> 县级, 社会帮扶资金 -> 社会捐赠. The longest spelling the
    label holds decides (社会帮扶 before 帮扶), then the one written first (省市配套 -> 省级)."""
    text = str(text or "")
    found = [(-len(spelling), text.find(spelling), label)
             for spelling, label in _SPELLINGS.items() if spelling in text]
    return min(found)[2] if found else None


def level_rank(level: str) -> int:
    """A fund level's place in every table (the reports, the Fava pages, the province's):
    中央 → 省级 → 市级 → 县级 → 社会捐赠 → 帮扶单位, as FUND_LEVELS lists them (省, 区级 and the
    other aliases as their level), anything else after them."""
    return _LEVEL_RANK.get(str(level or "").strip(), len(FUND_LEVELS))


def fund_code(doc_no: str, level: str, taken: set[str] = frozenset()) -> str:
    """An ASCII code for an indicator document: level letter + year + number.

    财农〔2024〕48号 at 中央 -> C2024-048; a clash with a code already taken
    (same level, year and number, another issuer) gets a letter suffix: C2024-048B.
    """
    match = _DOC_NO.search(doc_no)
    if not match:
        raise ValueError(f"无法识别的指标文号 unrecognised document number: {doc_no!r}")
    year, number = match.groups()
    base = f"{FUND_LEVELS[normalize_level(level)][1]}{year}-{int(number):03d}"
    code, suffix = base, ord("B")
    while code in taken:
        code, suffix = f"{base}{chr(suffix)}", suffix + 1
    return code


def fund_account(level: str, code: str) -> str:
    return f"{FUND_INCOME}:{FUND_LEVELS[normalize_level(level)][0]}:{code}"


def project_account(code: str) -> str:
    return f"{PROJECT}:{code}"


def allot_fund_account(code: str) -> str:
    return f"{ALLOT_FUND}:{code}"


def allot_project_account(code: str) -> str:
    return f"{ALLOT_PROJECT}:{code}"


def bank_account(bank: str, number: str) -> str:
    """Assets:Bank:ICBC-2345 from a bank code and the account number's last four digits."""
    digits = re.sub(r"\D", "", number)
    return f"{BANK}:{bank.upper()}-{digits[-4:]}"


def leaf(account: str) -> str:
    return account.rsplit(":", 1)[-1]


def is_collective(account: str) -> bool:
    return account.startswith(COLLECTIVE_LAYER)


def is_cash(account: str) -> bool:
    return account.startswith((TREASURY + ":", BANK + ":", HELD + ":", CLEARING + ":"))
