"""The Python API over a fundtrail ledger: what was received, passed down, spent and is left,
per fund, fund level, project, village or town, for any date range, and since when it has sat.

    books = Books.load("main.beancount")
    books.figures("project", start=date(2025, 1, 1), end=date(2025, 3, 31))["QH2024-003"]
    -> Figures(received=..., passed_down=..., spent=..., balance=..., since=date(...))

The meaning of each figure for each dimension is set out in docs/ledger-model.md; the
beanquery queries there give the same numbers (tests/test_books.py checks it). Every figure is
a query over the books' flow index (fundtrail.flows), which the checks plugin, the reports and
the Fava extension share.
"""

from __future__ import annotations

import collections
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from fundtrail import loading
from fundtrail.flows import (
    ALLOTMENT,
    PASS_DOWN,
    RECEIPT,
    SPENDING,
    FlowIndex,
    is_spending,
    since,
    unspent,
)

ZERO = Decimal(0)
DIMENSIONS = ("fund", "level", "project", "village", "town")


@dataclass
class Figures:
    received: Decimal = ZERO  # in the range: fund = cash receipts; project = allotments
    passed_down: Decimal = ZERO  # in the range: fund = allotted to projects; project = to units
    spent: Decimal = ZERO  # in the range: final payments
    balance: Decimal = ZERO  # at the end of the range: received - spent, all history
    since: datetime.date | None = None  # oldest date of money still in the balance (flows.unspent)


class _Inflow(NamedTuple):
    """Money into a fund's or a project's balance, for `unspent`: a receipt or allotment, or
    a refund of spending (its amount made positive)."""

    date: datetime.date
    amount: Decimal


class Books:
    def __init__(self, entries, errors=(), options=None, filename: str | None = None):
        self.entries = entries
        self.errors = list(errors)
        self.options = options or {}
        self.filename = filename
        self.index = FlowIndex.of(entries)
        self.master = self.index.master

    @classmethod
    def load(cls, filename: str, trust_caches: bool = True) -> Books:
        """The books of a ledger file; `trust_caches=False` reads every file (fundtrail.loading)."""
        entries, errors, options = loading.load(filename, trust_caches)
        return cls(entries, errors, options, filename)

    @property
    def transactions(self):
        return self.index.transactions

    # -- figures -----------------------------------------------------------------------
    @property
    def movements(self) -> list[tuple]:
        """(date, "fund" | "project", key, figure, amount) for every flow that moves a figure,
        in date order; derived once per load, so every figure query only sums."""
        return self.index.memo("books.movements", lambda: _daily(_movements(self.index.flows)))

    def _base_figures(self, start, end):
        return next(self._windows([(start, end)]))

    def _windows(self, windows):
        """{"fund" | "project": {key: Figures}} for each (start, end) window: the flows in it,
        balance and since at its end. Windows in date order and not overlapping, so that one
        pass over the movements serves them all."""
        moves, i, count = self.movements, 0, len(self.movements)
        held: dict[str, dict] = {"fund": {}, "project": {}}  # dim -> key -> [balance, money in]
        for start, end in windows:
            figures = {dim: {key: Figures() for key in keys} for dim, keys in held.items()}
            while i < count:
                date, dim, key, kind, amount = moves[i]
                if end and date > end:
                    break
                i += 1
                state = held[dim].get(key)
                if state is None:
                    state = held[dim][key] = [ZERO, []]
                    figures[dim][key] = Figures()
                if kind == "received":  # money in: a negative receipt gives money back
                    state[0] += amount
                    if amount > 0:
                        state[1].append(_Inflow(date, amount))
                elif kind == "spent":  # money out: a negative payment is a refund, new money
                    state[0] -= amount
                    if amount < 0:
                        state[1].append(_Inflow(date, -amount))
                if start is None or date >= start:
                    fig = figures[dim][key]
                    if kind == "spent":
                        fig.spent += amount
                    elif kind == "received":
                        fig.received += amount
                    else:
                        fig.passed_down += amount
            for dim, per_key in figures.items():
                for key, fig in per_key.items():
                    fig.balance, money_in = held[dim][key]
                    fig.since = since(unspent(money_in, balance=fig.balance))
            yield figures

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

    def yearly_figures(self) -> dict[int, dict[str, dict[str, Figures]]]:
        """`all_figures` of every calendar year of the books, from one pass over the books."""
        moves = self.movements
        years = range(moves[0][0].year, moves[-1][0].year + 1) if moves else range(0)
        windows = [(datetime.date(y, 1, 1), datetime.date(y, 12, 31)) for y in years]
        return {year: {by: self._group(by, base) for by in DIMENSIONS}
                for year, base in zip(years, self._windows(windows), strict=True)}

    def _group(self, by: str, base) -> dict[str, Figures]:
        if by in ("fund", "project"):
            return dict(base[by])
        group_of = self.index.memo(("books.group_of", by), lambda: (
            {code: f.level for code, f in self.master.funds.items()} if by == "level" else
            {code: getattr(p, by) for code, p in self.master.projects.items()}))
        source = base["fund" if by == "level" else "project"]
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
        for day, account, number in self.index.cash:
            if day > date:
                break
            balances[account] += number
        return dict(balances)

    def reconcile(self, date: datetime.date) -> dict[str, Decimal]:
        """Split the cash held at `date` into where it belongs, each part summed on its own.

        unallotted: fund receipts not yet allotted to a project (less fund money spent
        outside projects, e.g. returned upwards); projects: allotments not yet spent;
        other: interest, opening balances, suspense, bounced rows and the like. On complete books
        unallotted + projects + other == cash, and cash == the statements' closing balances.
        """
        base = self._base_figures(None, date)
        unallotted = sum((f.received - f.passed_down for f in base["fund"].values()), ZERO)
        projects = sum((p.balance for p in base["project"].values()), ZERO)
        cash = sum((number for day, _, number in self.index.cash if day <= date), ZERO)
        other = -sum((number for day, number in self.index.other if day <= date), ZERO)
        for flow in self.index.flows:
            if flow.date > date:
                break
            if flow.kind in SPENDING and (not flow.project or flow.failed):
                if is_spending(flow):  # a fund's money spent outside projects
                    unallotted -= flow.amount
                else:  # no fund's money, or a bounced row: not spending
                    other -= flow.amount
        return {"cash": cash, "unallotted": unallotted, "projects": projects, "other": other}


def _daily(movements) -> list[tuple]:
    """The movements with those of one day, key and figure in a row summed (a 一卡通 batch is
    hundreds of rows): the same figures and the same first-in-first-out ages, fewer steps.
    Amounts of opposite sign, and a key's figures in their order of the day, stay apart."""
    out: list[tuple] = []
    day, per_key = None, {}
    for date, dim, key, kind, amount in movements:
        if date != day:
            out.extend(row for rows in per_key.values() for row in rows)
            day, per_key = date, {}
        rows = per_key.setdefault((dim, key), [])
        last = rows[-1] if rows else None
        if last and last[3] == kind and (last[4] > 0) == (amount > 0):
            rows[-1] = (date, dim, key, kind, last[4] + amount)
        else:
            rows.append((date, dim, key, kind, amount))
    out.extend(row for rows in per_key.values() for row in rows)
    return out


def _movements(flows):
    """The figure each flow moves: spending (`is_spending`) of its project and of its fund
    (`Flow.fund`, the project's fund when the posting names none), receipts, allotments."""
    for flow in flows:
        kind, date = flow.kind, flow.date
        if kind in SPENDING:
            if not is_spending(flow):
                continue
            if flow.project:
                yield date, "project", flow.project, "spent", flow.amount
            if flow.fund:
                yield date, "fund", flow.fund, "spent", flow.amount
        elif kind == RECEIPT:
            yield date, "fund", flow.fund, "received", flow.amount
        elif kind == ALLOTMENT:
            if flow.project:
                yield date, "project", flow.project, "received", flow.amount
            else:
                yield date, "fund", flow.fund, "passed_down", flow.amount
        elif kind == PASS_DOWN and flow.project:
            yield date, "project", flow.project, "passed_down", flow.amount
