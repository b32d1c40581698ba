"""Duplicate payments (重复支付): the same payee paid the same amount twice within a window.

Rule `duplicate-payment` (default severity high): two project payments to the same payee of the
same amount within `duplicate_window_days`, on different entries (a new voucher or bank serial),
flag the later one. Payee names are matched after folding full-width forms and punctuation and
dropping the legal form, so 青禾建工有限公司 and 青禾建工有限责任公司 are one payee (near duplicates
paid once by treasury voucher and once from the bank). Loan interest is matched per loan.

Household subsidy rows (一卡通, with `id_no:`) are left to `duplicate-subsidy`, which tells
households apart by ID number: two households paid the same amount the same day are never a
duplicate here. Equal parts of a split payment (see splits.py) are reported as `split-payment`.

Settings:
    duplicate_window_days  30   how far apart the two payments may be
"""

from __future__ import annotations

import datetime

from fundtrail import findings
from fundtrail.plugins.rules._naming import entry_key
from fundtrail.plugins.rules.splits import clusters
from fundtrail.plugins.settings import DAYS, Setting

SETTINGS = (Setting("duplicate_window_days", DAYS, 30, "两笔相同付款视为重复的天数"),)


def duplicate_payment(ctx):
    """A payment whose twins all lie before the window is passed at one comparison; the
    split runs are read only once a payment has an earlier twin within it."""
    window = datetime.timedelta(days=ctx.settings["duplicate_window_days"])
    in_split = None
    # payee -> loan -> amount -> its first payment; once a twin comes, [the latest day so far,
    # the payments so far...] (one list): a payment without a twin costs no list and no reading
    # of its day, and no key tuple is made and kept per payment
    seen = {}
    for pay in ctx.flows.payments:
        by_loan = seen.get(pay.payee)
        if by_loan is None:
            by_loan = seen[pay.payee] = {}
        by_amount = by_loan.get(pay.loan)
        if by_amount is None:
            by_amount = by_loan[pay.loan] = {}
        amount = pay.amount
        record = by_amount.get(amount)
        if record is None:
            by_amount[amount] = pay
            continue
        day = pay.entry.date
        if type(record) is not list:
            record = by_amount[amount] = [record.entry.date, record]
        latest = record[0]
        if day - latest > window:  # every earlier twin lies before the window
            record[0] = day
            record.append(pay)
            continue
        first = None  # the latest earlier twin within the window on another entry
        for n in range(len(record) - 1, 0, -1):
            earlier = record[n]
            if earlier.entry is not pay.entry and day - earlier.entry.date <= window:
                first = earlier
                break
        record.append(pay)
        record[0] = max(latest, day)
        if first is None:
            continue
        if in_split is None:
            in_split = {id(p.entry): n for n, run in enumerate(clusters(ctx)) for p in run["members"]}
        if in_split.get(id(first.entry), -1) == in_split.get(id(pay.entry), -2):
            continue
        days = (pay.entry.date - first.entry.date).days
        yield findings.emit(
            "duplicate-payment", f"{entry_key(first.entry)}|{entry_key(pay.entry)}", pay.entry,
            amount=pay.amount, links=first.entry.links, payee=pay.entry.payee,
            earlier=first.entry.date, earlier_payee=first.entry.payee, days=days,
            project=pay.project, day=pay.entry.date)


RULES = {"duplicate-payment": duplicate_payment}
