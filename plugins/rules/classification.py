"""Money no classification rule could attach to a fund or project (suspense accounts).

Rule `unclassified` (default severity medium). The rows of one import batch (a 一卡通 roster, a
statement) with the same narration in the same suspense account are one finding, with every
row as evidence, their count and total: one missing classification rule is one cause.
"""

from __future__ import annotations

from pathlib import PurePath

from fundtrail import findings

SETTINGS = ()


def unclassified(ctx):
    """Money in a suspense account: no classification rule attached it to a fund or project."""
    for entry, index, posting in ctx.flows.suspense:
        amount = abs(posting.units.number)
        key = f"{entry.date}|{sorted(entry.links)}|{entry.narration}|{index}|{amount}"
        yield findings.emit(
            "unclassified", key, entry, amount=amount, group=_root(entry, posting),
            day=entry.date, payee=entry.payee or "", narration=entry.narration,
            account=posting.account, source=_source_name(entry), item=_item(entry, posting))


def _source_name(entry) -> str:
    source = entry.meta.get("source")
    return PurePath(str(source)).name if source else "账簿"


def _item(entry, posting) -> str:
    """The roster's subsidy item (补贴项目) of a 一卡通 row, else the narration."""
    return str((posting.meta or {}).get("item") or entry.narration or "")


def _root(entry, posting) -> str:
    """What rows of one cause share: their source file (a roster, a statement) and item, e.g.
    the 44 households of a 一卡通 batch whose subsidy item no rule places."""
    source = entry.meta.get("source")
    return f"{source}|{_item(entry, posting)}|{posting.account}" if source else ""


RULES = {"unclassified": unclassified}
