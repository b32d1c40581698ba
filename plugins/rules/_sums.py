"""Running sums of the flow index's lists, shared by the rules that total or age money.

A project's or a fund's spending is totalled by over-budget, idle-funds and overdue-project and
summed up to each quarter end by slow-spending: the running sums let one addition per flow and
load serve them all.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import accumulate

from fundtrail.flows import ZERO, amount_of


class Running(dict):
    """key -> [0, a1, a1 + a2, ...] over that key's list of one lookup of the flow index, worked
    out on first asking. Each is the same Decimal `sum(map(amount_of, flows[:n]), ZERO)` gives
    (the same additions in the same order); [-1] is the list's total."""

    def __init__(self, lists: dict):
        super().__init__()
        self.lists = lists

    def __missing__(self, key):
        value = self[key] = list(accumulate(map(amount_of, self.lists.get(key, ())), initial=ZERO))
        return value


def running(ctx, lookup: str) -> Running:
    """The running sums of one lookup's lists, e.g. `running(ctx, "spent_on")[code]`, kept for
    the load."""
    return ctx.flows.memo(("rules.running", lookup), lambda: Running(getattr(ctx.flows, lookup)))


def total(ctx, lookup: str, key: str) -> Decimal:
    """The sum of the amounts of one list of a lookup (its last running sum)."""
    return running(ctx, lookup)[key][-1]
