"""Money no classification rule could attach to a fund or project (suspense accounts)."""

from __future__ import annotations

from fundtrail import accounts as acc
from fundtrail import findings
from fundtrail.plugins.rules._ledger import yuan

SETTINGS = {}


def unclassified(ctx):
    """Money in a suspense account: no classification rule attached it to a fund or project."""
    for entry in ctx.transactions:
        for index, posting in enumerate(entry.postings):
            if posting.account in (acc.SUSPENSE_EXPENSE, acc.SUSPENSE_INCOME):
                amount = abs(posting.units.number)
                key = f"{entry.date}|{sorted(entry.links)}|{entry.narration}|{index}|{amount}"
                yield findings.make(
                    "unclassified", "medium", key,
                    f"未分类资金 {yuan(amount)} 计入 {posting.account}，无规则确定其项目或资金来源，需核实。"
                    f" Unclassified money in suspense.", entry, amount)


RULES = {"unclassified": unclassified}
