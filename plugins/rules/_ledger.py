"""What the rule families 1–8 share: one index of the money postings, built in a single pass
over `ctx.transactions` per load (`ledger(ctx)`, memoised on the context), the registers, the
date the ledger is judged at, and how a finding names the entry it concerns.

The index follows docs/ledger-model.md: receipts on `Income:Fund:*`, allotments on
`Equity:Allotment:*`, spending on `Expenses:*` (its fund from the posting's `fund:` metadata,
else the project's), money parked in `Assets:Held:*`, household subsidies (postings with an
`id_no:`) and the last movement of every bank account.
"""

from __future__ import annotations

import datetime
import os
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail.masterdata import read_register

ZERO = Decimal(0)
FAILED = "失败"  # a roster row's status when the payment bounced: not spending


@dataclass
class Flow:
    """One posting that moves a figure: the entry, the posting and its signed amount."""

    entry: object
    posting: object
    amount: Decimal

    @property
    def date(self) -> datetime.date:
        return self.entry.date

    @property
    def meta(self) -> dict:
        return self.posting.meta or {}


@dataclass
class Ledger:
    as_of: datetime.date | None = None
    received: dict[str, list[Flow]] = field(default_factory=lambda: defaultdict(list))  # fund: + in
    fund_spent: dict[str, list[Flow]] = field(default_factory=lambda: defaultdict(list))  # fund: + out
    allotted: dict[str, list[Flow]] = field(default_factory=lambda: defaultdict(list))  # fund: + out
    project_in: dict[str, list[Flow]] = field(default_factory=lambda: defaultdict(list))  # + in
    project_spent: dict[str, list[Flow]] = field(default_factory=lambda: defaultdict(list))
    held: list[Flow] = field(default_factory=list)  # into implementing units' own accounts
    project_held: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    spending: list[Flow] = field(default_factory=list)  # every expense posting, in order
    subsidies: list[Flow] = field(default_factory=list)  # household payments (id_no metadata)
    bank_out: list[Flow] = field(default_factory=list)  # money leaving a bank account (+)
    bank_last: dict[str, object] = field(default_factory=dict)  # bank account -> last entry
    bank_balance: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def _is_failed(meta) -> bool:
    return FAILED in str(meta.get("status", ""))


def build(ctx) -> Ledger:
    projects = ctx.master.projects
    index = Ledger()
    for entry in ctx.transactions:
        for posting in entry.postings:
            account, number = posting.account, posting.units.number
            meta = posting.meta or {}
            if account.startswith("Expenses:"):
                if _is_failed(meta):
                    continue
                project = acc.leaf(account) if account.startswith(acc.PROJECT + ":") else ""
                fund = str(meta.get("fund") or (projects[project].meta.get("fund", "")
                                                 if project in projects else ""))
                flow = Flow(entry, posting, number)
                index.spending.append(flow)
                if project:
                    index.project_spent[project].append(flow)
                if fund:
                    index.fund_spent[fund].append(flow)
                if meta.get("id_no"):
                    index.subsidies.append(flow)
            elif account.startswith(acc.FUND_INCOME + ":"):
                index.received[acc.leaf(account)].append(Flow(entry, posting, -number))
            elif account.startswith(acc.ALLOT_FUND + ":"):
                index.allotted[acc.leaf(account)].append(Flow(entry, posting, number))
            elif account.startswith(acc.ALLOT_PROJECT + ":"):
                index.project_in[acc.leaf(account)].append(Flow(entry, posting, -number))
            elif account.startswith(acc.HELD + ":"):
                if number > 0:
                    index.held.append(Flow(entry, posting, number))
                if meta.get("project"):
                    index.project_held[str(meta["project"])] += number
            elif account.startswith(acc.BANK + ":"):
                index.bank_last[account] = entry
                if number < 0:
                    index.bank_out.append(Flow(entry, posting, -number))
                index.bank_balance[account] += number
    index.as_of = judging_date(ctx)
    return index


def judging_date(ctx) -> datetime.date | None:
    """The `as_of` setting, else the date the books are complete to: the last transaction, or
    the day before the last balance assertion (a statement's closing balance is asserted on
    the day after its period), whichever is later."""
    as_of = ctx.settings.get("as_of")
    if as_of:
        return datetime.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    last = ctx.transactions[-1].date if ctx.transactions else None
    for entry in reversed(ctx.entries):
        if isinstance(entry, data.Balance):
            day = entry.date - datetime.timedelta(days=1)
            return max(day, last) if last else day
    return last


def ledger(ctx) -> Ledger:
    return ctx.memo("rules.ledger", lambda: build(ctx))


def register(ctx, kind: str) -> list[dict[str, str]]:
    """The rows of a personal-data register the ledger references (`custom "register"`), or []."""

    def load():
        path = ctx.master.registers.get(kind)
        if not path or not os.path.exists(path):
            return []
        return read_register(path)

    return ctx.memo(f"register.{kind}", load)


def id_no(value) -> str:
    return str(value or "").strip().upper()


def households(ctx) -> dict[str, dict]:
    """The household register's rows by ID number (身份证号)."""
    return ctx.memo("rules.households", lambda: {
        id_no(row.get("身份证号")): row for row in register(ctx, "households")})


def by_entry(flows):
    """(entry, [its flows]) for flows in ledger order (an entry's flows are adjacent)."""
    group = []
    for flow in flows:
        if group and flow.entry is not group[0].entry:
            yield group[0].entry, group
            group = []
        group.append(flow)
    if group:
        yield group[0].entry, group


def entry_key(entry) -> str:
    """How a finding names its entry: its links (bank serial, voucher, roster row), which no
    unrelated edit changes; an entry without links by date, payee, narration and amounts."""
    if entry.links:
        return ",".join(sorted(entry.links))
    amounts = ",".join(f"{p.account}={p.units.number}" for p in entry.postings)
    return f"{entry.date}|{entry.payee}|{entry.narration}|{amounts}"


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f} 元"


def village_name(ctx, code: str) -> str:
    return ctx.master.place_name(code) if code else ""
