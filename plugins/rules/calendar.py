"""Payments on rest days (节假日付款): weekends and public holidays by China's official calendar.

Rule `holiday-payment` (default severity low): money that leaves the treasury or a special bank
account, or is spent from a unit's own account (Assets:Held), on a day that is not a working
day. Transfers between the treasury and the special accounts are no payments. A 一卡通 batch is
one payment, when the bank pays the agent (Assets:Clearing); the households' rows that follow
are not flagged one by one. The official calendar comes from the `chinesecalendar` library,
which knows the State Council's holidays and the make-up working days (调休): a payment on a
Sunday that is a make-up workday (e.g. 2024-09-29, 2025-01-26) is a normal working-day payment.

The calendar is fundtrail.workdays: for a year the library does not cover yet, the rule judges
by weekends alone and says so in the message.

Settings: none.
"""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right

from fundtrail import accounts as acc
from fundtrail import findings
from fundtrail.flows import date_of
from fundtrail.plugins.rules._naming import entry_key
from fundtrail.workdays import rest_day

SETTINGS = ()
OWN = (acc.TREASURY + ":", acc.BANK + ":")
HELD = acc.HELD + ":"


def _rest_days(index) -> list[tuple[list, str]]:
    """([the transactions of the day], why it is no working day) of each rest day with any, in
    date order. Each calendar day from the first transaction's to the last's is asked of the
    calendar and a rest day's transactions found by bisection (they are in date order), so that
    not every transaction's date is read; books spanning more days than they have transactions
    are grouped by day instead (`FlowIndex.by_day`)."""
    transactions = index.transactions
    if not transactions:
        return []
    day, last = transactions[0].date, transactions[-1].date
    if (last - day).days > len(transactions):
        by_day = index.by_day
        return [(by_day[day], why) for day in sorted(by_day)
                for off, why in (rest_day(day),) if off]
    found, lo = [], 0
    while day <= last:
        off, why = rest_day(day)
        if off:
            lo = bisect_left(transactions, day, lo, key=date_of)
            hi = bisect_right(transactions, day, lo, key=date_of)
            if hi > lo:
                found.append((transactions[lo:hi], why))
                lo = hi
        day += _DAY
    return found


_DAY = datetime.timedelta(days=1)


def holiday_payment(ctx):
    for entries, why in _rest_days(ctx.flows):
        for entry in entries:
            paid = -sum((p.units.number for p in entry.postings if p.account.startswith(OWN)
                         or (p.account.startswith(HELD) and p.units.number < 0)), start=0)
            if paid > 0:
                yield findings.emit(
                    "holiday-payment", entry_key(entry), entry, amount=paid, day=entry.date,
                    why=why, payee=entry.payee or "收款人不详", narration=entry.narration)


RULES = {"holiday-payment": holiday_payment}
