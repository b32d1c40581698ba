"""A period's findings: which findings a report, a spreadsheet or the findings desk for a period
lists, and with what status. ONE function decides it (`finding_set`); the audit report, the xlsx
export and the Fava desk all ask it.

The set for a period [start, end] is read from the checks run on the books as they stood at its
end (the entries up to `end`, judged at `end`, with the dispositions recorded by then), so a
signed report renders the same later:

- current: the findings whose event falls in the period, with their status at its end;
- carried: earlier findings still open at its end (no disposition, or 核实中);
- closed: earlier findings closed in the period, by a disposition dated in it, or because the
  checks no longer find them (status 已消除: the idle money was spent, the project settled).

A finding the previous period's end or a quarter end inside the period found, and the period's end
no longer finds, is listed with what became of it (已消除, last found at that cut-off), so a later
report accounts for every finding of an earlier one. `run(day)` is the checks at cut-off `day`
(fundtrail.reports.facts.period_findings binds it to the books).

The calendar of every period is here too, once: a day's quarter (`quarter_of`), a quarter's
first and last day (`quarter_span`, `quarter_around`), its label 2024Q3 (`quarter_label`) and
title 2024年第三季度 (`quarter_title`), a month's last day (`month_end`) and the quarter ends
between two days (`quarter_ends`). The cut-offs, the reports' periods, the village notice,
slow-spending, the Fava pages and the demo all ask these. A period as a user types it, a year
2024, a quarter 2024Q3 or a month 2024-07, is read by `parse_period` alone: the command line,
the reports (fundtrail.reports.facts.Period.parse, the village notice) and Fava's downloads.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from fundtrail.findings import GONE, SEVERITIES, Finding, is_closed


@dataclass(frozen=True)
class FindingSet:
    start: datetime.date
    end: datetime.date
    current: tuple[Finding, ...]  # raised in the period
    carried: tuple[Finding, ...]  # raised earlier, open at the period's end
    closed: tuple[Finding, ...]  # raised earlier, closed in the period

    @property
    def earlier(self) -> tuple[Finding, ...]:
        """Every earlier finding the period lists: still open, then closed in it."""
        return self.carried + self.closed

    @property
    def all(self) -> tuple[Finding, ...]:
        return self.current + self.carried + self.closed

    @property
    def ids(self) -> set[str]:
        return {f.id for f in self.all}


def closed_on(finding: Finding) -> datetime.date | None:
    """The day the disposition that closed `finding` was recorded (None while open)."""
    if not is_closed(finding):
        return None
    trail = finding.trail
    days = [e.date for e in getattr(trail, "events", ()) if e.action == finding.status]
    return max(days) if days else None


# -- quarters and months: the one calendar arithmetic of every reader ------------------------
QUARTER_NAMES = "一二三四"


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """(year, quarter 1-4) of `day`."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_span(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of quarter `quarter` (1-4) of `year`."""
    return datetime.date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter)


def quarter_around(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of the quarter `day` falls in."""
    return quarter_span(*quarter_of(day))


def quarter_label(day: datetime.date) -> str:
    """The quarter of `day` as the command line, Fava and the facets write it: 2024Q3."""
    year, quarter = quarter_of(day)
    return f"{year}Q{quarter}"


def quarter_title(year: int, quarter: int) -> str:
    """A quarter as a report names it: 2024年第三季度."""
    return f"{year}年第{QUARTER_NAMES[quarter - 1]}季度"


def month_end(year: int, month: int) -> datetime.date:
    """The last day of `month` (1-12) of `year`."""
    return datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)


# -- a period as it is typed: 2024, 2024Q3 (or 2024q3), 2024-07 ---------------------------------
# Digits are any decimal digits (２０２４ typed full-width reads as 2024), surrounding spaces are
# dropped; the quarter's Q and number and the month's hyphen are ASCII.
_TYPED = {
    "year": re.compile(r"(\d{4})"),
    "quarter": re.compile(r"(\d{4})[Qq]([1-4])"),
    "month": re.compile(r"(\d{4})-(\d{2})"),
}
KINDS = tuple(_TYPED)
_WORDING = {  # the kinds a reader takes -> what its error says they look like
    ("year",): "年度应为四位数字 year must look like 2024",
    ("quarter",): "季度格式应为 2024Q3 quarter must look like 2024Q3",
    ("month",): "月份格式应为 2024-07 month must look like 2024-07",
    ("year", "quarter"): "期间格式应为 2024 或 2024Q3 period must look like 2024 or 2024Q3",
    ("quarter", "month"): "期间格式应为 2024Q3（季度）或 2024-07（月份） period must look like 2024Q3 or 2024-07",
}
_EXAMPLES = {"year": "2024", "quarter": "2024Q3", "month": "2024-07"}


@dataclass(frozen=True)
class TypedPeriod:
    """A year (number 0), a quarter (number 1-4) or a month (number 1-12), as `parse_period`
    read it."""

    kind: str  # "year", "quarter" or "month"
    year: int
    number: int = 0

    @property
    def start(self) -> datetime.date:
        return self.span[0]

    @property
    def end(self) -> datetime.date:
        return self.span[1]

    @property
    def span(self) -> tuple[datetime.date, datetime.date]:
        if self.kind == "quarter":
            return quarter_span(self.year, self.number)
        if self.kind == "month":
            return datetime.date(self.year, self.number, 1), month_end(self.year, self.number)
        return datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)

    @property
    def label(self) -> str:
        """As the command line, Fava and the file names write it: 2024, 2024Q3, 2024-07."""
        if self.kind == "quarter":
            return f"{self.year}Q{self.number}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    @property
    def title(self) -> str:
        """As a report names it: 2024年, 2024年第三季度, 2024年7月."""
        if self.kind == "quarter":
            return quarter_title(self.year, self.number)
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        return f"{self.year}年"


def period_wording(*kinds: str) -> str:
    """What a period of `kinds` looks like, Chinese and English (the error `parse_period` raises)."""
    kinds = tuple(k for k in KINDS if k in (kinds or KINDS))
    if kinds in _WORDING:
        return _WORDING[kinds]
    *first, last = [_EXAMPLES[k] for k in kinds]
    return f"期间格式应为 {'、'.join(first)} 或 {last} period must look like {', '.join(first)} or {last}"


def parse_period(text, *kinds: str) -> TypedPeriod:
    """The period `text` names: a year "2024", a quarter "2024Q3" or a month "2024-07", of the
    `kinds` the caller takes (default: all three). ValueError, with the wording of
    `period_wording(*kinds)` and the text as given, for anything else (a year before 1, a
    quarter 5, a month 13, a bare year where only a quarter is taken)."""
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise TypeError(f"unknown period kinds {sorted(unknown)}")
    written = str(text).strip() if text is not None else ""
    for kind in KINDS:
        match = _TYPED[kind].fullmatch(written) if kind in (kinds or KINDS) else None
        if match:
            year = int(match[1])
            number = int(match[2]) if kind != "year" else 0
            if year >= 1 and (kind != "month" or 1 <= number <= 12):
                return TypedPeriod(kind, year, number)
    raise ValueError(f"{period_wording(*kinds)}: {text!r}")


def quarter_ends(start: datetime.date, stop: datetime.date):
    """The quarter ends after `start` up to `stop`, in order."""
    year, quarter = quarter_of(start)
    while True:
        end = quarter_span(year, quarter)[1]
        if end > stop:
            return
        if end > start:
            yield end
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def order(found) -> list[Finding]:
    """Most severe first, then by date, title and id (as the reports list them)."""
    return sorted(found, key=lambda f: (-SEVERITIES.index(f.severity), f.date or datetime.date.min,
                                        f.title, f.id))


def finding_set(start: datetime.date, end: datetime.date,
                run: Callable[[datetime.date], list[Finding]]) -> FindingSet:
    """The findings of the period [start, end] (see the module docstring)."""
    at_end = run(end)
    seen = {f.id for f in at_end}
    current = [f for f in at_end if f.date is None or start <= f.date <= end]
    carried = [f for f in at_end if f.date and f.date < start and not is_closed(f)]
    closed = [f for f in at_end if f.date and f.date < start and is_closed(f)
              and (closed_on(f) or start) >= start]
    before = start - datetime.timedelta(days=1)
    # the day before the period, then its quarter ends in [start, end)
    days = [before, *quarter_ends(before, end - datetime.timedelta(days=1))]
    for day in reversed(days):  # the latest sighting first
        for f in run(day):
            if f.id in seen or (day == before and is_closed(f)) or \
                    (is_closed(f) and (closed_on(f) or start) < start):
                continue  # listed already, or closed before the period
            seen.add(f.id)
            gone = f if is_closed(f) else f._replace(
                status=GONE, reason=f"截至{end.isoformat()}检查已不再发现（最后一次发现于{day.isoformat()}）")
            (current if f.date and f.date >= start else closed).append(gone)
    return FindingSet(start, end, tuple(order(current)), tuple(order(carried)), tuple(order(closed)))


def at_risk(found) -> Decimal:
    """The money at stake in `found`, each sum counted once: findings of the same amount that
    share an entry, project or fund (a payment both over budget and unallotted, a project's
    unspent money both overdue and behind schedule) count it once."""
    clusters: dict[Decimal, list[set[str]]] = {}  # amount -> the link sets counted for it
    for f in found:
        if not f.amount:
            continue
        links = set(f.links) or {f.id}
        same = clusters.setdefault(f.amount, [])
        kept = [c for c in same if not c & links]
        for c in same:
            if c & links:
                links |= c
        same[:] = [*kept, links]
    return sum((amount * len(sets) for amount, sets in clusters.items()), Decimal(0))
