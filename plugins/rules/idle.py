"""Idle money (资金闲置/沉淀): money that sits unspent, and bank accounts that do not move.

idle-funds (1y band: high; the last band, variant "last": critical, 结转两年以上收回 = must be
    returned). The finding's date is the day the money crossed its band.
    Ages the unspent part of every receipt first in, first out (fundtrail.flows.unspent, as
    `Books` dates its `since`), per indicator document (a fund's receipts on `Income:Fund:*`
    against its spending, `Flow.fund`) and per project (its
    allotments against its `Expenses:Project` postings; money moved into a unit's own account
    is not spent). Unspent money older than a band at the judging date is reported once per
    fund or project and band, in the oldest band it reached (facets band="1y"/"2y", scope
    "fund"/"project"). The finding is named by the fund or project and the oldest receipt it
    holds, not by the band: money that ages from one band into the next stays the same finding,
    and its dispositions stay with it.
dormant-account (medium)
    A bank account holding money that has had no movement at all for `dormant_days`.

Settings: idle_bands (years, ascending; default (1, 2)), dormant_days (default 365).
Every time-based rule of families 1-8 is judged at the checks' setting `as_of` (an ISO date;
default: the date the books are complete to, the last transaction or the day before the last
balance assertion).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from fundtrail import findings
from fundtrail.flows import ZERO, unspent
from fundtrail.plugins.rules._naming import entry_key
from fundtrail.plugins.settings import DAYS, YEARS, Setting

SETTINGS = (
    Setting("idle_bands", YEARS, (1, 2), "资金闲置的年数档次（升序，最后一档为应收回）", low=1),
    Setting("dormant_days", DAYS, 365, "银行账户无发生额即为闲置的天数"),
)


def years_later(day, years: int):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def band_of(day, as_of, bands) -> int | None:
    reached = [n for n in bands if years_later(day, n) < as_of]
    return max(reached) if reached else None


def _aged(ctx, scope, code, lots, what):
    as_of, bands = ctx.as_of, ctx.settings["idle_bands"]
    by_band = defaultdict(list)
    for flow, rest in lots:
        band = band_of(flow.date, as_of, bands)
        if band is not None:
            by_band[band].append((flow, rest))
    for band, held in sorted(by_band.items()):
        amount = sum((rest for _, rest in held), ZERO)
        oldest = held[0][0]
        crossed = years_later(oldest.date, band) + datetime.timedelta(days=1)
        yield findings.emit(
            "idle-funds", f"{scope}|{code}|{entry_key(oldest.entry)}", oldest.entry, amount=amount, links=(code,),
            date=crossed, variant="last" if band == bands[-1] else "",
            facets={"band": f"{band}y", "scope": scope},
            what=what, since=oldest.date, as_of=as_of, band=band,
            days=(as_of - oldest.date).days)


def idle_funds(ctx):
    index = ctx.flows
    total = index.total
    for code in sorted(index.receipts):
        fund = ctx.master.funds.get(code)
        label = f"资金{code}" + (f"（{fund.doc_no}）" if fund and fund.doc_no else "")
        lots = unspent(index.receipts[code], index.spent_by_fund.get(code, ()),
                            total("receipts", code) - total("spent_by_fund", code))
        yield from _aged(ctx, "fund", code, lots, label)
    allotted, spent = index.totals("allotted_to"), index.totals("spent_on")
    for code in sorted(index.allotted_to):
        balance = allotted[code] - spent.get(code, ZERO)
        if balance <= 0:  # all spent: nothing unspent (`unspent`), no call
            continue
        lots = unspent(index.allotted_to[code], index.spent_on.get(code, ()), balance)
        if lots:
            project = ctx.master.projects.get(code)
            label = f"项目{code}" + (f"（{project.name}）" if project else "")
            yield from _aged(ctx, "project", code, lots, label)


def dormant_account(ctx):
    index, days = ctx.flows, ctx.settings["dormant_days"]
    for account, entry in sorted(index.bank_last.items()):
        balance = index.bank_balance[account]
        idle_days = (ctx.as_of - entry.date).days
        if balance != 0 and idle_days > days:
            name = ctx.master.account_name(account)
            yield findings.emit(
                "dormant-account", f"{account}|{entry_key(entry)}", entry, amount=balance,
                date=entry.date + datetime.timedelta(days=days + 1),
                account=account, name=name, since=entry.date, days=idle_days, limit=days)


RULES = {"idle-funds": idle_funds, "dormant-account": dormant_account}
