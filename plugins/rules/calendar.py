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

from fundtrail import accounts as acc
from fundtrail import findings
from fundtrail.plugins.rules._naming import entry_key
from fundtrail.workdays import rest_day

SETTINGS = ()
OWN = (acc.TREASURY + ":", acc.BANK + ":")
HELD = acc.HELD + ":"


def holiday_payment(ctx):
    by_day = ctx.flows.by_day
    rest = {day: rest_day(day)[1] for day in by_day if rest_day(day)[0]}
    for entry in [entry for day in sorted(rest) for entry in by_day[day]]:
        why = rest[entry.date]
        paid = -sum((p.units.number for p in entry.postings if p.account.startswith(OWN)
                     or (p.account.startswith(HELD) and p.units.number < 0)), start=0)
        if paid > 0:
            yield findings.emit(
                "holiday-payment", entry_key(entry), entry, amount=paid, day=entry.date,
                why=why, payee=entry.payee or "收款人不详", narration=entry.narration)


RULES = {"holiday-payment": holiday_payment}
