"""The 科目 page: the chart of accounts as a tree, each account with its Chinese name.

Beancount account names are ASCII codes (`Assets:Collective:370405001203`); the ledger model
gives each account its Chinese name in the `name` metadata of its `open` directive
(docs/ledger-model.md), and the groups above them (`Assets:Bank`, `Income:Fund:Central`) are the
model's own, named in GROUPS. Each row has the balance at the year's end and the year's movement,
summed from the books' postings with beancount's signs, as Fava's balance sheet shows them (income
and equity negative), and links to the account's page in Fava.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from fundtrail import accounts as acc

ZERO = Decimal(0)

GROUPS = {
    "Assets": "资产", "Liabilities": "负债", "Equity": "净资产（备查）", "Income": "收入",
    "Expenses": "支出",
    acc.TREASURY: "国库存款", acc.BANK: "银行专户", acc.HELD: "实施单位实有资金账户",
    acc.CLEARING: "代发过渡户", acc.COLLECTIVE: "村集体资产收益",
    "Equity:Allotment": "分解下达（备查）", acc.ALLOT_FUND: "按指标", acc.ALLOT_PROJECT: "按项目",
    acc.FUND_INCOME: "指标资金", acc.ASSET_INCOME: "项目资产收益",
    acc.PROJECT: "项目支出", acc.DISTRIBUTION: "资产收益分配",
    **{f"{acc.FUND_INCOME}:{component}": label for component, label in acc.LEVEL_BY_COMPONENT.items()},
}


@dataclass(frozen=True)
class Node:
    account: str
    name: str  # the Chinese name ("" when the ledger gives none)
    depth: int
    balance: Decimal  # at the year's end, this account and those below it
    change: Decimal  # in the year
    is_open: bool  # an account of the ledger (its page lists postings), not only a group


def tree(books, year: int, as_of: datetime.date) -> list[Node]:
    """Every account opened by `as_of` and the groups above it, in account order."""
    start = datetime.date(year, 1, 1)
    balance, change = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for entry in books.transactions:
        if entry.date > as_of:
            continue
        for posting in entry.postings:
            if posting.units is None or posting.units.number is None:
                continue
            balance[posting.account] += posting.units.number
            if entry.date >= start:
                change[posting.account] += posting.units.number
    opened = {name: entry for name, entry in books.master.accounts.items() if entry.date <= as_of}
    names = set(opened)
    for name in list(names):
        parts = name.split(":")
        names.update(":".join(parts[:i]) for i in range(1, len(parts)))
    total_balance, total_change = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for name in balance:
        parts = name.split(":")
        for i in range(1, len(parts) + 1):
            total_balance[":".join(parts[:i])] += balance[name]
            total_change[":".join(parts[:i])] += change[name]
    order = ("Assets", "Liabilities", "Equity", "Income", "Expenses")
    rows = []
    for name in sorted(names, key=lambda n: (order.index(n.split(":")[0])
                                             if n.split(":")[0] in order else 9, n)):
        entry = opened.get(name)
        label = str(entry.meta.get("name", "")) if entry else ""
        rows.append(Node(name, label or GROUPS.get(name, ""), name.count(":"),
                         total_balance[name], total_change[name], entry is not None))
    return rows


# The custom directives of the ledger model (docs/ledger-model.md), as Fava's journal names them.
CUSTOM_LABELS = {
    "county": "区县", "town": "乡镇", "village": "行政村", "subsidy-item": "补贴项目",
    "loan": "小额信贷", "notice": "项目公示", "acceptance": "项目验收", "register": "登记簿",
    "asset": "资产登记", "asset-disposal": "资产处置", "finding": "疑点处置", "seal": "封账",
    "masking": "脱敏规则", "fava-extension": "Fava 扩展", "fava-option": "Fava 选项",
}
CUSTOM_VALUES = {"plan": "实施前公示", "completion": "竣工后公示"}


def labels(master) -> dict:
    """What the extension's script shows in Fava's own pages: each account's Chinese name, the
    name behind each code a custom directive names (project, place, asset), and the custom
    directives' types and stages in Chinese. Plain text: the script sets it as text only."""
    codes = {code: p.name for code, p in master.projects.items()}
    codes.update({code: place.name for code, place in {**master.towns, **master.villages}.items()})
    codes.update({code: a.name for code, a in master.assets.items()})
    return {"accounts": {**GROUPS,
                         **{name: str(entry.meta.get("name", "")) for name, entry in
                            master.accounts.items() if entry.meta.get("name")}},
            "codes": codes, "customs": CUSTOM_LABELS, "values": CUSTOM_VALUES}
