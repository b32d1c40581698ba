"""The money movements the reports are made of, read from the books once per `Books`.

A `Flow` is one posting that moves a project's or a fund's figures: an allotment of a fund to a
project (`allot`), or a final payment (`spend`). Each carries its fund (the indicator that paid)
and its village: the beneficiary's own `village` metadata for household subsidies, else the
project's village ("" for county-wide money). `--all` renders 46 notices from one reading.
"""

from __future__ import annotations

import datetime
import re
import weakref
from dataclasses import dataclass
from decimal import Decimal

from fundtrail import accounts as acc

ZERO = Decimal(0)
_PERIOD = re.compile(r"^(\d{4})(?:[Qq]([1-4]))?$")


@dataclass(frozen=True, eq=False)
class Flow:
    date: datetime.date
    kind: str  # "allot" | "spend"
    project: str  # "" for fund money spent outside projects
    fund: str
    village: str
    amount: Decimal
    entry: object
    meta: dict


@dataclass(frozen=True)
class Period:
    """A year ("2024") or a quarter ("2024Q3")."""

    label: str
    start: datetime.date
    end: datetime.date

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match(str(text).strip())
        if not match:
            raise ValueError(f"期间格式应为 2024 或 2024Q3 period must look like 2024 or 2024Q3: {text!r}")
        year, quarter = int(match[1]), match[2]
        if not quarter:
            return cls(f"{year}年", datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        q = int(quarter)
        start = datetime.date(year, 3 * q - 2, 1)
        end = datetime.date(year + (q == 4), (3 * q) % 12 + 1, 1) - datetime.timedelta(days=1)
        return cls(f"{year}年第{'一二三四'[q - 1]}季度", start, end)

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def time_progress(self) -> Decimal:
        """序时进度 at the end of the period: months elapsed in its year / 12."""
        return (Decimal(self.end.month) / 12).quantize(Decimal("0.0001"))


def _read(books) -> list[Flow]:
    projects = books.master.projects
    flows = []
    for txn in books.transactions:
        fund_of_allotment = next((acc.leaf(p.account) for p in txn.postings
                                  if p.account.startswith(acc.ALLOT_FUND + ":")), "")
        for posting in txn.postings:
            account, meta = posting.account, posting.meta or {}
            if account.startswith(acc.ALLOT_PROJECT + ":"):
                code = acc.leaf(account)
                project = projects.get(code)
                flows.append(Flow(txn.date, "allot", code, fund_of_allotment,
                                  project.village if project else "", -posting.units.number, txn, meta))
            elif account.startswith("Expenses:") and (account.startswith(acc.PROJECT + ":")
                                                      or meta.get("fund")):
                code = acc.leaf(account) if account.startswith(acc.PROJECT + ":") else ""
                project = projects.get(code)
                village = str(meta.get("village") or (project.village if project else ""))
                fund = str(meta.get("fund") or (project.meta.get("fund", "") if project else ""))
                flows.append(Flow(txn.date, "spend", code, fund, village, posting.units.number,
                                  txn, meta))
    return flows


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_INDEX: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def flows(books) -> list[Flow]:
    """Every allotment and payment of the books, in date order (computed once per Books)."""
    if books not in _CACHE:
        _CACHE[books] = _read(books)
    return _CACHE[books]


def _index(books, field: str) -> dict[str, list[Flow]]:
    indexes = _INDEX.setdefault(books, {})
    if field not in indexes:
        index: dict[str, list[Flow]] = {}
        for flow in flows(books):
            index.setdefault(getattr(flow, field), []).append(flow)
        indexes[field] = index
    return indexes[field]


def by_project(books) -> dict[str, list[Flow]]:
    """The flows of each project, in date order (computed once per Books)."""
    return _index(books, "project")


def by_village(books) -> dict[str, list[Flow]]:
    """The flows of each village ("" for county-wide money), in date order (once per Books)."""
    return _index(books, "village")


def total(items, kind: str, start=None, end=None) -> Decimal:
    return sum((f.amount for f in items if f.kind == kind and (start is None or f.date >= start)
                and (end is None or f.date <= end)), ZERO)
