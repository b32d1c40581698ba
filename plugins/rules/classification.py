"""Money no classification rule could attach to a fund or project (suspense accounts)."""

from __future__ import annotations

from fundtrail import findings
from fundtrail.plugins.rules._naming import yuan

SETTINGS = {}


def unclassified(ctx):
    """Money in a suspense account: no classification rule attached it to a fund or project."""
    for entry, index, posting in ctx.flows.suspense:
        amount = abs(posting.units.number)
        key = f"{entry.date}|{sorted(entry.links)}|{entry.narration}|{index}|{amount}"
        yield findings.make(
            "unclassified", "medium", key,
            f"未分类资金 {yuan(amount)} 计入 {posting.account}，无规则确定其项目或资金来源，需核实。"
            f" Unclassified money in suspense.", entry, amount)


RULES = {"unclassified": unclassified}
