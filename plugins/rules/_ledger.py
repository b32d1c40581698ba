"""What the rule families 1–8 share: one index of the money postings, built in a single pass
over `ctx.transactions` per load (`ledger(ctx)`, memoised on the context), the registers, the
date the ledger is judged at, and how a finding names the entry it concerns.

The index follows docs/ledger-model.md: receipts on `Income:Fund:*`, allotments on
`Equity:Allotment:*`, spending on `Expenses:*` (its fund from the posting's `fund:` metadata,
else the project's), money parked in `Assets:Held:*`, household subsidies (postings with an
`id_no:`) and the last movement of every bank account.
"""

from __future__ import annotations

import csv
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail import findings
from fundtrail.masterdata import read_register

ZERO = Decimal(0)
EMPTY: dict = {}
REGISTER_NAMES = {"households": "脱贫户/监测户登记册", "officials": "干部及亲属登记册"}
FAILED = "失败"  # a roster row's status when the payment bounced: not spending


class Flow:
    """One posting that moves a figure: the entry, the posting, its signed amount, and for a
    household subsidy the normalised ID number of the person paid."""

    __slots__ = ("entry", "posting", "amount", "date", "meta", "person")

    def __init__(self, entry, posting, amount: Decimal, person: str = ""):
        self.entry, self.posting, self.amount = entry, posting, amount
        self.date, self.meta, self.person = entry.date, posting.meta or {}, person


@dataclass
class Ledger:
    as_of: datetime.date = datetime.date.min
    received: dict[str, list[Flow]] = field(default_factory=lambda: defaultdict(list))  # fund: + in
    fund_spent: dict[str, list[Flow]] = field(default_factory=lambda: defaultdict(list))  # fund: + out
    allotted: dict[str, list[Flow]] = field(default_factory=lambda: defaultdict(list))  # fund: + out
    project_in: dict[str, list[Flow]] = field(default_factory=lambda: defaultdict(list))  # + in
    project_spent: dict[str, list[Flow]] = field(default_factory=lambda: defaultdict(list))
    held: list[Flow] = field(default_factory=list)  # into implementing units' own accounts
    project_held: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    works: list[Flow] = field(default_factory=list)  # expense postings other than subsidies
    subsidies: list[Flow] = field(default_factory=list)  # household payments (id_no metadata)
    by_person: dict[str, list[Flow]] = field(default_factory=lambda: defaultdict(list))
    bank_out: list[Flow] = field(default_factory=list)  # money leaving a bank account (+)
    bank_last: dict[str, object] = field(default_factory=dict)  # bank account -> last entry
    bank_balance: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


KINDS = ((acc.DISTRIBUTION + ":", ""), (acc.PROJECT + ":", "project"), ("Expenses:", "expense"),
         (acc.FUND_INCOME + ":", "received"), (acc.ALLOT_FUND + ":", "allotted"),
         (acc.ALLOT_PROJECT + ":", "project_in"), (acc.HELD + ":", "held"), (acc.BANK + ":", "bank"))


def _kind(account: str) -> tuple[str, str]:
    kind = next((kind for prefix, kind in KINDS if account.startswith(prefix)), "")
    return kind, acc.leaf(account)


def build(ctx) -> Ledger:
    """One pass over the transactions; each account is classified once."""
    project_funds = {code: str(p.meta.get("fund", "")) for code, p in ctx.master.projects.items()}
    index, kinds = Ledger(), {}
    subsidies, works, by_person = index.subsidies, index.works, index.by_person
    project_spent, fund_spent = index.project_spent, index.fund_spent
    for entry in ctx.transactions:
        for posting in entry.postings:
            account = posting.account
            try:
                kind, leaf = kinds[account]
            except KeyError:
                kind, leaf = kinds[account] = _kind(account)
            if not kind:
                continue
            number = posting.units.number
            if kind == "project" or kind == "expense":
                meta = posting.meta or EMPTY
                status = meta.get("status")
                if status and FAILED in str(status):
                    continue
                person = meta.get("id_no")
                if person:
                    if not (isinstance(person, str) and person.isdigit()):  # x, spaces, a number
                        person = id_no(person)
                    flow = Flow(entry, posting, number, person)
                    subsidies.append(flow)
                    by_person[person].append(flow)
                else:
                    flow = Flow(entry, posting, number)
                    works.append(flow)
                project = leaf if kind == "project" else ""
                if project:
                    project_spent[project].append(flow)
                fund = meta.get("fund") or project_funds.get(project)
                if fund:
                    fund_spent[str(fund)].append(flow)
            elif kind == "received":
                index.received[leaf].append(Flow(entry, posting, -number))
            elif kind == "allotted":
                index.allotted[leaf].append(Flow(entry, posting, number))
            elif kind == "project_in":
                index.project_in[leaf].append(Flow(entry, posting, -number))
            elif kind == "held":
                if number > 0:
                    index.held.append(Flow(entry, posting, number))
                project = (posting.meta or {}).get("project")
                if project:
                    index.project_held[str(project)] += number
            else:  # bank
                index.bank_last[account] = entry
                if number < 0:
                    index.bank_out.append(Flow(entry, posting, -number))
                index.bank_balance[account] += number
    index.as_of = judging_date(ctx)
    return index


def judging_date(ctx) -> datetime.date:
    """The `as_of` setting, else the date the books are complete to: the last transaction, or
    the day before the last balance assertion (a statement's closing balance is asserted on
    the day after its period), whichever is later. Books with neither (master data only) are
    judged at their last entry, so nothing is yet overdue or idle."""
    as_of = ctx.settings.get("as_of")
    if as_of:
        return datetime.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    last = ctx.transactions[-1].date if ctx.transactions else None
    for entry in reversed(ctx.entries):
        if isinstance(entry, data.Balance):
            day = entry.date - datetime.timedelta(days=1)
            return max(day, last) if last else day
    return last or (ctx.entries[-1].date if ctx.entries else datetime.date.min)


def ledger(ctx) -> Ledger:
    return ctx.memo("rules.ledger", lambda: build(ctx))


def register(ctx, kind: str) -> list[dict[str, str]]:
    """The rows of a personal-data register the ledger references (`custom "register"`); []
    when there is none or it cannot be read (`register_problem` then says why)."""
    return _register(ctx, kind)[0]


def register_problem(ctx, kind: str, rule: str):
    """A finding of `rule` when the register it needs is named but unusable, else nothing."""
    problem = _register(ctx, kind)[1]
    if problem:
        directive = next((e for e in ctx.entries if isinstance(e, data.Custom)
                          and e.type == "register" and e.values and e.values[0].value == kind), None)
        yield findings.emit(rule, f"register|{kind}", directive, variant="no-register",
                            register=REGISTER_NAMES.get(kind, kind), problem=problem)


def _register(ctx, kind: str) -> tuple[list[dict[str, str]], str]:
    def load():
        path = ctx.master.registers.get(kind)
        if not path:
            return [], ""
        try:
            rows = read_register(path)
        except FileNotFoundError:
            return [], f"登记册文件不存在 register file not found: {path}"
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            return [], f"登记册无法读取（应为 UTF-8 CSV）register unreadable: {path}: {error}"
        if rows and "身份证号" not in rows[0]:
            return [], f"登记册缺少“身份证号”列 register has no 身份证号 column: {path}"
        return rows, ""

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
