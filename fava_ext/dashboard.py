"""The numbers behind fundtrail's Fava pages, computed once per ledger load.

`Dashboard.build(books, findings)` asks the books for every dimension once per calendar year
(`Books.yearly_figures`, one pass) and the books' flow index for the monthly spending and the household
subsidies; a page request only looks things up. A year's `figures` are that year's flows with
the balances at its end; `to_date` adds up the flows of every year up to it, because projects
run over several years. Figures come from the books, never from Fava's filtered journal, which
keeps or drops whole entries and so would miscount an entry that touches two projects.

What a page derives once per load is kept in `memo` (per year or village: bounded by the books).
The findings of a time filter (`shown`) are kept for the `VIEWS` filters used last: a user
typing filters, or a crawler, can name any period; the dashboard of a reload starts empty.
"""

from __future__ import annotations

import collections
import datetime
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from fundtrail import gcpause
from fundtrail.books import DIMENSIONS, ZERO, Books, Figures
from fundtrail.fava_ext.desk import is_open
from fundtrail.findings import SEVERITIES, Finding
from fundtrail.flows import SUBSIDY, Flow, time_progress
from fundtrail.masterdata import MasterData

VIEWS = 16  # time filters whose findings a load keeps (the ones used last)
_VIEWS_LOCK = threading.Lock()  # the pages' threads share a load's dashboard


class Subsidy(NamedTuple):
    """One household subsidy paid through the 一卡通 card (a subsidy flow of a project)."""

    date: datetime.date
    village: str
    beneficiary: str
    id_no: str
    card: str
    item: str
    amount: Decimal
    project: str


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return part / whole if whole else None


def available(fig: Figures) -> Decimal:
    """Money a fund could spend in the year: balance at its start plus what arrived in it."""
    return fig.balance + fig.spent


def _add(total: Figures, fig: Figures) -> Figures:
    total.received += fig.received
    total.passed_down += fig.passed_down
    total.spent += fig.spent
    return total


@dataclass
class YearView:
    year: int
    as_of: datetime.date  # the year's end, or today in the running year
    figures: dict[str, dict[str, Figures]]  # in-year flows, balance and since at the year's end
    to_date: dict[str, dict[str, Figures]]  # flows from the ledger's first year to this one's end
    monthly_spent: list[Decimal]  # fund money spent in each month
    subsidies: dict[str, tuple[Decimal, int]]  # village -> (amount, households) paid in the year

    @property
    def schedule(self) -> Decimal:
        """序时进度 at `as_of` (`flows.time_progress`; end of April = 4/12)."""
        return time_progress(self.as_of)

    def total(self) -> Figures:
        """The county's fund figures for the year (all indicator documents)."""
        total = Figures()
        for fig in self.figures["fund"].values():
            _add(total, fig).balance += fig.balance
        return total

    def progress(self, fig: Figures) -> Decimal | None:
        """Spending progress of a fund or level: spent / available."""
        return ratio(fig.spent, available(fig))

    def project(self, code: str) -> tuple[Figures, Figures]:
        """(in the year, to date) figures of a project; zero figures if it has no flows."""
        return (self.figures["project"].get(code, Figures()),
                self.to_date["project"].get(code, Figures()))


@dataclass
class Dashboard:
    master: MasterData
    years: dict[int, YearView]
    default_year: int | None
    subsidy_flows: dict[str, list[Flow]]  # village -> the subsidies paid to its households
    findings: list[Finding]
    opened: dict[str, datetime.date] = field(default_factory=dict)  # project -> open date
    memo: dict = field(default_factory=dict)  # per-load results the pages derive (memo_of)
    views: collections.OrderedDict = field(default_factory=collections.OrderedDict)  # `shown`
    books: Books | None = None  # for a period's findings (desk.period_findings)

    @classmethod
    def build(cls, books: Books, findings: list[Finding],
              today: datetime.date | None = None) -> Dashboard:
        with gcpause.paused():
            return cls._build(books, findings, today or datetime.date.today())

    @classmethod
    def _build(cls, books: Books, findings: list[Finding], today: datetime.date) -> Dashboard:
        monthly, subsidies = _monthly_spent(books), _subsidies_by_year(books)
        years: dict[int, YearView] = {}
        running: dict[str, dict[str, Figures]] = {by: {} for by in DIMENSIONS}
        for year, figures in books.yearly_figures().items():
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            for by, per_key in figures.items():
                for key, fig in per_key.items():
                    _add(running[by].setdefault(key, Figures()), fig)
            to_date = {by: {key: _to_date(fig, figures[by].get(key)) for key, fig in per_key.items()}
                       for by, per_key in running.items()}
            paid = collections.defaultdict(lambda: [ZERO, set()])
            for flow in subsidies.get(year, ()):
                paid[flow.village][0] += flow.amount
                paid[flow.village][1].add(flow.person)
            years[year] = YearView(year, min(end, max(today, start)), figures, to_date,
                                   [monthly.get((year, m), ZERO) for m in range(1, 13)],
                                   {v: (amount, len(who)) for v, (amount, who) in paid.items()})
        default = max((y for y in years if y <= today.year), default=max(years, default=None))
        opened = {code: books.master.accounts[p.account].date
                  for code, p in books.master.projects.items()}
        by_village = collections.defaultdict(list)
        for flow in (flow for rows in subsidies.values() for flow in rows):
            by_village[flow.village].append(flow)
        return cls(books.master, years, default, dict(by_village), findings, opened, books=books)

    @classmethod
    def empty(cls) -> Dashboard:
        return cls(MasterData(), {}, None, {}, [])

    def year(self, wanted: int | None) -> YearView | None:
        return self.years.get(wanted) or self.years.get(self.default_year)

    def subsidies(self, village: str) -> list[Subsidy]:
        """Every subsidy paid to the village's households, in date order."""
        return self.memo_of(("subsidies", village), lambda: [
            Subsidy(f.date, f.village, str(f.meta.get("beneficiary", "")), str(f.meta.get("id_no", "")),
                    str(f.meta.get("card", "")), str(f.meta.get("item", "")), f.amount, f.project)
            for f in self.subsidy_flows.get(village, ())])

    def memo_of(self, key, build):
        """`build()` once per load for `key` (e.g. a year's project rows), then the same object."""
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]

    def ids(self) -> frozenset[str]:
        """The ids of the findings the checks find now (once per load)."""
        return self.memo_of("finding ids", lambda: frozenset(f.id for f in self.findings))

    def shown(self, start=None, end=None) -> list[Finding]:
        """The findings for Fava's time filter [start, end), as the desk lists them: for a
        period, the set its audit report and spreadsheet list (desk.period_findings)."""
        from fundtrail.fava_ext.desk import in_window, period_findings

        if self.books is None or start is None or end is None:
            return in_window(self.findings, start, end)
        key = (start, end)
        with _VIEWS_LOCK:
            found = self.views.get(key)
            if found is not None:
                self.views.move_to_end(key)
                return found
        found = period_findings(self.books, self.findings, start, end)
        with _VIEWS_LOCK:
            self.views[key] = found
            self.views.move_to_end(key)
            while len(self.views) > VIEWS:
                self.views.popitem(last=False)
        return found

    def open_counts(self, start=None, end=None) -> dict[str, int]:
        """Open findings (no disposition, or under review) per severity, most severe first,
        within Fava's time filter [start, end) as the findings desk counts them."""
        counts = collections.Counter(f.severity for f in self.shown(start, end) if is_open(f))
        return {s: counts[s] for s in reversed(SEVERITIES)}


def _to_date(flows: Figures, at_end: Figures | None) -> Figures:
    return Figures(flows.received, flows.passed_down, flows.spent,
                   at_end.balance if at_end else ZERO, at_end.since if at_end else None)


def _monthly_spent(books: Books) -> dict[tuple[int, int], Decimal]:
    """Fund money spent per (year, month)."""
    monthly: dict[tuple[int, int], Decimal] = collections.defaultdict(Decimal)
    for date, dim, _key, kind, amount in books.movements:
        if dim == "fund" and kind == "spent":
            monthly[date.year, date.month] += amount
    return monthly


def _subsidies_by_year(books: Books) -> dict[int, list[Flow]]:
    """The household subsidies paid on projects, by year."""
    subsidies: dict[int, list[Flow]] = collections.defaultdict(list)
    for flow in books.index.of_kind(SUBSIDY):
        if flow.project:
            subsidies[flow.date.year].append(flow)
    return subsidies


