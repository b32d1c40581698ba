"""The Python API over a fundtrail ledger: what was received, passed down, spent and is left,
per fund, fund level, project, village or town, for any date range, and since when it has sat.

    books = Books.load("main.beancount")
    books.figures("project", start=date(2025, 1, 1), end=date(2025, 3, 31))["QH2024-003"]
    -> Figures(received=..., passed_down=..., spent=..., balance=..., since=date(...))

The meaning of each figure for each dimension is set out in docs/ledger-model.md; the
beanquery queries there give the same numbers (tests/test_books.py checks it).
"""

from __future__ import annotations

import collections
import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from beancount import loader
from beancount.core import data

from fundtrail import accounts as acc
from fundtrail.masterdata import MasterData

ZERO = Decimal(0)
DIMENSIONS = ("fund", "level", "project", "village", "town")


@dataclass
class Figures:
    received: Decimal = ZERO  # in the range: fund = cash receipts; project = allotments
    passed_down: Decimal = ZERO  # in the range: fund = allotted to projects; project = to units
    spent: Decimal = ZERO  # in the range: final payments
    balance: Decimal = ZERO  # at the end of the range: received - spent, all history
    since: datetime.date | None = None  # oldest date of money still in the balance (FIFO)


class _Aging:
    """First in, first out: which inflows are still unspent, and since when."""

    def __init__(self):
        self.lots: collections.deque[list] = collections.deque()

    def inflow(self, date, amount):
        self.lots.append([date, amount])

    def outflow(self, date, amount):
        while amount > 0 and self.lots:
            lot = self.lots[0]
            taken = min(lot[1], amount)
            lot[1] -= taken
            amount -= taken
            if lot[1] == 0:
                self.lots.popleft()
        if amount > 0:  # overspent: the deficit is carried as a negative lot
            self.lots.append([date, -amount])

    @property
    def since(self):
        return next((date for date, rest in self.lots if rest > 0), None)


class Books:
    def __init__(self, entries, errors=(), options=None, filename: str | None = None):
        self.entries = entries
        self.errors = list(errors)
        self.options = options or {}
        self.filename = filename
        self.master = MasterData.from_entries(entries)

    @classmethod
    def load(cls, filename: str) -> Books:
        entries, errors, options = loader.load_file(filename)
        return cls(entries, errors, options, filename)

    @property
    def transactions(self):
        return (e for e in self.entries if isinstance(e, data.Transaction))

    # -- flows -------------------------------------------------------------------------
    @cached_property
    def flows(self) -> list[tuple]:
        """(date, fund_or_project, key, kind, amount) for every posting that moves a figure,
        in date order; classified once, so every figure query after the first only sums."""
        return list(self._classify())

    def _classify(self):
        for txn in self.transactions:
            for posting in txn.postings:
                account, number = posting.account, posting.units.number
                meta = posting.meta or {}
                if account.startswith(acc.FUND_INCOME + ":"):
                    yield txn.date, "fund", acc.leaf(account), "received", -number
                elif account.startswith(acc.ALLOT_FUND + ":"):
                    yield txn.date, "fund", acc.leaf(account), "passed_down", number
                elif account.startswith(acc.ALLOT_PROJECT + ":"):
                    yield txn.date, "project", acc.leaf(account), "received", -number
                elif account.startswith(acc.HELD + ":") and meta.get("project"):
                    yield txn.date, "project", str(meta["project"]), "passed_down", number
                elif account.startswith("Expenses:"):
                    if account.startswith(acc.PROJECT + ":"):
                        yield txn.date, "project", acc.leaf(account), "spent", number
                    if meta.get("fund"):
                        yield txn.date, "fund", str(meta["fund"]), "spent", number

    def _base_figures(self, start, end):
        figures = {"fund": collections.defaultdict(Figures),
                   "project": collections.defaultdict(Figures)}
        aging = {"fund": collections.defaultdict(_Aging),
                 "project": collections.defaultdict(_Aging)}
        for date, dim, key, kind, amount in self.flows:
            if end and date > end:
                break
            fig = figures[dim][key]
            if kind == "received":
                fig.balance += amount
                (aging[dim][key].inflow if amount > 0 else aging[dim][key].outflow)(date, abs(amount))
            elif kind == "spent":
                fig.balance -= amount
                (aging[dim][key].outflow if amount > 0 else aging[dim][key].inflow)(date, abs(amount))
            if start is None or date >= start:
                setattr(fig, kind, getattr(fig, kind) + amount)
        for dim in figures:
            for key, fig in figures[dim].items():
                fig.since = aging[dim][key].since if fig.balance > 0 else None
        return figures

    def figures(self, by: str, start: datetime.date | None = None,
                end: datetime.date | None = None) -> dict[str, Figures]:
        """Figures per `by` (one of DIMENSIONS) for [start, end]; balance and since at `end`.

        Villages and towns aggregate the projects located there (the project's `village` and
        `town` metadata; county-wide projects under the key ""); levels aggregate funds.
        """
        if by not in DIMENSIONS:
            raise ValueError(f"by must be one of {DIMENSIONS}, not {by!r}")
        return self._group(by, self._base_figures(start, end))

    def all_figures(self, start: datetime.date | None = None,
                    end: datetime.date | None = None) -> dict[str, dict[str, Figures]]:
        """`figures` for every dimension at once, from one pass over the books."""
        base = self._base_figures(start, end)
        return {by: self._group(by, base) for by in DIMENSIONS}

    def _group(self, by: str, base) -> dict[str, Figures]:
        if by in ("fund", "project"):
            return dict(base[by])
        if by == "level":
            group_of = {code: f.level for code, f in self.master.funds.items()}
            source = base["fund"]
        else:
            group_of = {code: getattr(p, by) for code, p in self.master.projects.items()}
            source = base["project"]
        result: dict[str, Figures] = collections.defaultdict(Figures)
        for key, fig in source.items():
            total = result[group_of.get(key, "")]
            total.received += fig.received
            total.passed_down += fig.passed_down
            total.spent += fig.spent
            total.balance += fig.balance
            if fig.since and (total.since is None or fig.since < total.since):
                total.since = fig.since
        return dict(result)

    # -- cash and reconciliation -------------------------------------------------------
    def cash_balances(self, date: datetime.date) -> dict[str, Decimal]:
        """Balance of every treasury, bank and held account at the end of `date`."""
        balances: dict[str, Decimal] = collections.defaultdict(Decimal)
        for txn in self.transactions:
            if txn.date > date:
                break
            for posting in txn.postings:
                if acc.is_cash(posting.account):
                    balances[posting.account] += posting.units.number
        return dict(balances)

    def reconcile(self, date: datetime.date) -> dict[str, Decimal]:
        """Split the cash held at `date` into where it belongs, each part summed on its own.

        unallotted: fund receipts not yet allotted to a project (less fund money spent
        outside projects, e.g. returned upwards); projects: allotments not yet spent;
        other: interest, opening balances, suspense and the like. On complete books
        unallotted + projects + other == cash, and cash == the statements' closing balances.
        """
        base = self._base_figures(None, date)
        unallotted = sum((f.received - f.passed_down for f in base["fund"].values()), ZERO)
        projects = sum((p.balance for p in base["project"].values()), ZERO)
        cash = other = ZERO
        for txn in self.transactions:
            if txn.date > date:
                break
            for posting in txn.postings:
                account, number = posting.account, posting.units.number
                if acc.is_cash(account):
                    cash += number
                elif acc.is_collective(account):  # the collectives' money, not the funds'
                    continue
                elif account.startswith("Expenses:") and not account.startswith(acc.PROJECT + ":") \
                        and (posting.meta or {}).get("fund"):
                    unallotted -= number
                elif not account.startswith((acc.FUND_INCOME + ":", acc.ALLOT_FUND + ":",
                                             acc.ALLOT_PROJECT + ":", acc.PROJECT + ":")):
                    other -= number
        return {"cash": cash, "unallotted": unallotted, "projects": projects, "other": other}
