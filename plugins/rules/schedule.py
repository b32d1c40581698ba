"""Asset income on schedule: a lease's rent against what the village collective received.

income-arrears (medium)
    A lease of a project asset (`custom "lease" "<contract>"`: `asset tenant rent payment start
    end`, optional `due_month due_day`; docs/ledger-model.md) makes its rent due period by
    period: `payment` 月付/季付/半年付/年付 splits the yearly `rent` into equal parts, each due on
    `due_day` of the period's `due_month` (1 = its first month; "末" its last), by default the
    day `lease_due_day` gives for the payment (季付 the 10th of the quarter's first month, 年付
    31 January). The rent received is the collective layer's income on the asset
    (`Income:Asset:<asset>`) from the lease's start; where an asset has several leases, the
    income its tenant paid.
    When, `lease_grace_days` after a due date, less has been received than was due up to it,
    and the arrears still stand at the judging date, the lease is reported: dated the day the
    grace ran out, its amount what is owed now, naming the unpaid periods — in the period after
    the missed payment, not twelve months later as idle-asset would.

An asset register row with 预期年收益 and its 收益支付方式 (`payment:` on the `custom "asset"`) is
scheduled the same way when the asset has no lease: from the period after its registration
until its disposal.

Settings: lease_grace_days (30), lease_due_day ({'月付': '10', '季付': '10', '半年付': '10',
'年付': '31'}).
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from fundtrail import findings
from fundtrail.directives import number_or_none
from fundtrail.flows import ZERO, payee_key, unspent
from fundtrail.periods import quarter_of, quarter_title
from fundtrail.plugins.settings import DAYS, TABLE, Setting

SETTINGS = (
    Setting("lease_grace_days", DAYS, 30, "租金到期后的宽限天数"),
    Setting("lease_due_day", TABLE, {"月付": "10", "季付": "10", "半年付": "10", "年付": "31"},
            "各支付方式在期首月的付款日"),
)

class Due(NamedTuple):
    """A period's rent: what `fundtrail.flows.unspent` takes as money owed."""

    label: str
    date: datetime.date
    amount: Decimal


MONTHS = {"月付": 1, "季付": 3, "半年付": 6, "年付": 12}
CENT = Decimal("0.01")


class Lease:
    __slots__ = ("id", "entry", "asset", "tenant", "rent", "payment", "start", "end", "due_month",
                 "due_day")

    def __init__(self, entry, due_days: dict):
        meta = entry.meta
        self.id, self.entry = str(entry.values[0].value), entry  # a lease, or an asset's own terms
        self.asset, self.tenant = str(meta.get("asset") or ""), str(meta.get("tenant") or "")
        self.rent = number_or_none(meta.get("rent")) or ZERO
        self.payment = next((p for p in MONTHS if p == str(meta.get("payment") or "").strip()), "")
        self.start = meta.get("start") if isinstance(meta.get("start"), datetime.date) else entry.date
        self.end = meta.get("end") if isinstance(meta.get("end"), datetime.date) else None
        month = str(meta.get("due_month") or "1").strip()
        self.due_month = MONTHS.get(self.payment, 12) if month in ("末", "last") else int(month or 1)
        day = meta.get("due_day") or due_days.get(self.payment) or 10
        self.due_day = int(Decimal(str(day)))

    def dues(self, until: datetime.date) -> list[tuple[str, datetime.date, Decimal]]:
        """(period label, due date, amount) of every period that starts by `until`."""
        step = MONTHS.get(self.payment)
        if not step or self.rent <= 0:
            return []
        part = (self.rent * step / 12).quantize(CENT)
        out = []
        year, month = self.start.year, 1 + ((self.start.month - 1) // step) * step
        while True:
            first = datetime.date(year, month, 1)
            if first > until or (self.end and first > self.end):
                return out
            due_month = month + min(self.due_month, step) - 1
            last = calendar.monthrange(year, due_month)[1]
            due = max(datetime.date(year, due_month, min(self.due_day, last)), self.start)
            out.append((_label(year, month, step), due, part))
            month += step
            if month > 12:
                year, month = year + 1, month - 12


def _label(year, month, step) -> str:
    if step == 12:
        return f"{year}年"
    if step == 6:
        return f"{year}年{'上' if month < 7 else '下'}半年"
    if step == 3:
        return quarter_title(*quarter_of(datetime.date(year, month, 1)))  # 2024年第三季度, the reports' wording
    return f"{year}年{month}月"


def leases(ctx) -> list[Lease]:
    """The leases, and each operating asset whose register row gives its expected income's
    payment terms (`income` yearly, `payment`) and that has no lease of its own: due from the
    period after its registration, until its disposal."""
    def build():
        due_days = ctx.settings["lease_due_day"]
        found = [Lease(e, due_days) for e in ctx.flows.customs.get("lease", ()) if e.values]
        leased = {lease.asset for lease in found}
        assets = ctx.master.assets
        for code in sorted(assets):  # by code (no pair kept per asset to sort)
            asset = assets[code]
            entry = asset.entry
            if code in leased or entry is None or not entry.meta.get("payment") or not asset.expected_income:
                continue
            lease = Lease(entry, due_days)
            lease.asset, lease.rent = code, asset.expected_income
            step = MONTHS.get(lease.payment, 12)
            month = (asset.registered.month - 1) // step * step + step + 1
            lease.start = datetime.date(asset.registered.year + (month > 12), (month - 1) % 12 + 1, 1)
            disposal = ctx.master.disposals.get(code)
            lease.end = disposal.date if disposal else None
            found.append(lease)
        return found
    return ctx.memo("schedule.leases", build)


def income_arrears(ctx):
    found = leases(ctx)
    if not found:
        return
    grace = datetime.timedelta(days=ctx.settings["lease_grace_days"])
    leased = defaultdict(list)
    for lease in found:
        leased[lease.asset].append(lease)
    received = defaultdict(list)  # lease id -> [(date, amount)]
    for move in ctx.flows.asset_book.income:
        payer = payee_key(move.entry.payee or "")
        mine = leased.get(move.asset, ())
        lease = mine[0] if len(mine) == 1 else next((x for x in mine if payee_key(x.tenant) == payer), None)
        if lease is not None and move.date >= lease.start:  # earlier income is no rent of it
            received[lease.id].append((move.date, move.amount))
    as_of = ctx.as_of
    for lease in found:
        dues = [d for d in lease.dues(as_of) if d[1] + grace <= as_of]
        if not dues:
            continue
        got = sorted(received.get(lease.id, ()))
        owed = sum((d[2] for d in dues), ZERO)
        paid = sum((amount for day, amount in got if day <= as_of), ZERO)
        if paid >= owed:
            continue
        breach, running = None, ZERO
        for _, due, amount in dues:  # the first due date whose grace ran out short
            running += amount
            by = sum((a for d, a in got if d <= due + grace), ZERO)
            if by < running:
                breach = due
                break
        # first in, first out: the rent received pays the oldest periods; the latest are owed
        owing = unspent([Due(label, due, amount) for label, due, amount in dues], balance=owed - paid)
        unpaid = [f"{d.label}（{d.date}到期）" for d, _ in owing]
        yield findings.emit(
            "income-arrears", lease.id, lease.entry, amount=owed - paid, links=[lease.asset],
            variant="asset" if lease.entry.type == "asset" else "",
            date=(breach or dues[-1][1]) + grace, lease=lease.id, asset=lease.asset,
            tenant=lease.tenant, payment=lease.payment, rent=lease.rent, owed=owed, paid=paid,
            periods=tuple(unpaid), grace=grace.days, as_of=as_of)


RULES = {"income-arrears": income_arrears}
