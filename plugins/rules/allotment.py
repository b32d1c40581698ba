"""Passed down late (滞拨): fund money allotted to projects later than the legal window.

late-allotment (medium)
    The county passes money received from above down to projects within a window counted from
    the day it arrives: 60 days for earmarked transfers, 30 for general ones by default, as the
    county's own rules set it. 预算法 art. 52 is cited for comparison only (§3: a province passes
    central transfers on within 30 days; §4, often quoted, counts from the budget's approval, not
    from receipt, and so is not what this rule measures). Each allotment (`Equity:Allotment:Fund:<fund>`) is matched
    first in, first out against the fund's receipts (fundtrail.flows.unspent); it is late when
    it is dated more than the window after the receipt whose money it passes down. An
    allotment made before the money arrived is never late. Money never allotted at all is
    aged by idle-funds.

Settings: allot_days_earmarked (default 60), allot_days_general (default 30); a fund is
earmarked unless its `open` says `earmarked: FALSE`.
"""

from __future__ import annotations

from fundtrail import accounts as acc
from fundtrail import findings
from fundtrail.flows import ZERO, date_of, since, unspent
from fundtrail.plugins.rules._naming import entry_key
from fundtrail.plugins.settings import DAYS, Setting

SETTINGS = (
    Setting("allot_days_earmarked", DAYS, 60, "专项转移支付收到后应下达的天数"),
    Setting("allot_days_general", DAYS, 30, "一般转移支付收到后应下达的天数"),
)


def receipt_dates(receipts, allotments):
    """(allotment Flow, date of the receipt it draws on, or None when none is left) in order:
    the oldest receipt still unspent (`flows.unspent`, first in first out) once the allotments
    before it have drawn their money."""
    left = sum((flow.amount for flow in receipts if flow.amount > 0), ZERO)
    for allot in allotments:
        if allot.amount <= 0:
            continue
        yield allot, since(unspent(receipts, balance=left))
        left -= allot.amount


def late_allotment(ctx):
    """A fund whose last allotment lies within the window of its first receipt is not
    matched: no allotment of it can be late."""
    index = ctx.flows
    for code in sorted(index.allotted):
        fund = ctx.master.funds.get(code)
        earmarked = fund.earmarked if fund else True
        window = ctx.settings["allot_days_earmarked" if earmarked else "allot_days_general"]
        kind = "专项转移支付" if earmarked else "一般转移支付"
        receipts, allotments = index.receipts.get(code, []), index.allotted[code]
        first = min((flow.date for flow in receipts if flow.amount > 0), default=None)
        if first is None or (max(map(date_of, allotments), default=first) - first).days <= window:
            continue
        for allot, received in receipt_dates(receipts, allotments):
            if received is None or (allot.date - received).days <= window:
                continue
            days = (allot.date - received).days
            projects = tuple(acc.leaf(p.account) for p in allot.entry.postings
                             if p.account.startswith(acc.ALLOT_PROJECT + ":"))
            yield findings.emit(
                "late-allotment", entry_key(allot.entry), allot.entry, amount=allot.amount,
                links=(code, *projects), code=code, received=received, allotted=allot.date,
                days=days, kind=kind, window=window, late=days - window,
                projects=projects)


RULES = {"late-allotment": late_allotment}
