"""The overview's chart data: the two over the months of the year are drawn as SVG with
Chinese month names (`fava_ext/svgcharts.py`); the idle money as JSON for Fava's own chart
component (`<svelte-component type="charts">`).

Fava validates three shapes we use: "balances" (a line per series), "bar" (one bar per date with
an optional budget outline) and "hierarchy" (a treemap/sunburst over accounts, whose cells link to
the account pages).
"""

from __future__ import annotations

import collections
import datetime
import itertools
from decimal import Decimal

from fundtrail import accounts as acc
from fundtrail.fava_ext.dashboard import YearView, available
from fundtrail.flows import time_progress
from fundtrail.masterdata import MasterData
from fundtrail.periods import month_end

CENT = Decimal("0.01")


def _to_fen(value: Decimal) -> Decimal:
    """Yuan rounded to the fen (分)."""
    return value.quantize(CENT)


def progress(view: YearView) -> dict:
    """Cumulative spending against 序时进度 (the money available times `flows.time_progress`
    at each month's end)."""
    target = available(view.total())
    points = [{"date": datetime.date(view.year, 1, 1), "balance": {"序时进度": 0, "累计支出": 0}}]
    for month, spent in enumerate(itertools.accumulate(view.monthly_spent), start=1):
        day = month_end(view.year, month)
        balance = {"序时进度": _to_fen(target * time_progress(day))}
        if day <= view.as_of or month == view.as_of.month:
            balance["累计支出"] = _to_fen(spent)
        points.append({"date": day, "balance": balance})
    return {"type": "balances", "label": "支出进度", "data": points}


def monthly(view: YearView) -> dict:
    """Spending per month, outlined against an even twelfth of the money available."""
    share = _to_fen(available(view.total()) / 12)
    return {"type": "bar", "label": "月度支出", "data": [
        {"date": datetime.date(view.year, month, 1), "balance": {acc.CURRENCY: _to_fen(spent)},
         "budgets": {acc.CURRENCY: share}, "account_balances": {}}
        for month, spent in enumerate(view.monthly_spent, start=1)]}


def _node(account: str, balance: Decimal | None, children=()) -> dict:
    children = list(children)
    total = balance if balance is not None else sum(
        (c["balance_children"][acc.CURRENCY] for c in children), Decimal(0))
    return {"account": account, "balance": {acc.CURRENCY: balance} if balance is not None else {},
            "balance_children": {acc.CURRENCY: total}, "children": children}


def idle(view: YearView, master: MasterData) -> dict:
    """Unspent fund money at the year's end by level and indicator document."""
    by_level = collections.defaultdict(list)
    for code, fig in sorted(view.figures["fund"].items()):
        fund = master.funds.get(code)
        if fund and fig.balance > 0:
            by_level[fund.account.rsplit(":", 1)[0]].append(_node(fund.account, fig.balance))
    levels = [_node(level, None, funds) for level, funds in sorted(
        by_level.items(), key=lambda kv: (acc.level_rank(acc.LEVEL_BY_COMPONENT.get(acc.leaf(kv[0]), "")), kv[0]))]
    return {"type": "hierarchy", "label": "结余资金分布", "data": _node(acc.FUND_INCOME, None, levels)}


def overview(view: YearView, master: MasterData) -> list[dict]:
    """The three charts' data; the page draws the two over months as SVG (fava_ext/svgcharts.py,
    Chinese month names) and the idle money with Fava's own component."""
    return [progress(view), monthly(view), idle(view, master)]
