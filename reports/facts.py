"""What the reports are made of: the periods they cover and the money movements of the books,
read from the books' flow index (fundtrail.flows), which the checks and Fava share.

The reports read two kinds of flow: allotments of a fund to a project (the project leg, its fund
the indicator that paid) and spending (`fundtrail.flows.is_spending`: every expense on a project
or of a fund, its fund the posting's `fund:` else its project's, bounced rows left out, as
`Books` counts it). Each carries its fund and its village: the beneficiary's own `village`
metadata for household subsidies, else the project's village ("" for county-wide money).
序时进度 is `fundtrail.flows.time_progress`. `--all` renders 46 notices from one reading.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from fundtrail import periods, projects
from fundtrail.flows import ALLOTMENT, Flow, is_spending, time_progress

ZERO = Decimal(0)
FINDING_SETS = 16  # periods' finding sets kept per load (the pages' time filters name any period)


@dataclass(frozen=True)
class Period:
    """A year ("2024"), a quarter ("2024Q3") or a month ("2024-07", the village notice's), named
    as a report titles it (`label`: 2024年第三季度)."""

    label: str
    start: datetime.date
    end: datetime.date

    @classmethod
    def parse(cls, text: str, *kinds: str) -> Period:
        """The period `text` names (fundtrail.periods.parse_period), of `kinds` (default a year
        or a quarter); ValueError naming the forms taken otherwise."""
        typed = periods.parse_period(text, *(kinds or ("year", "quarter")))
        return cls(typed.title, typed.start, typed.end)

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def time_progress(self) -> Decimal:
        """序时进度 at the end of the period (`flows.time_progress`): months elapsed / 12."""
        return time_progress(self.end)


def period_problem(books, start: datetime.date, end: datetime.date, label: str) -> str | None:
    """Why the books cannot report on [start, end] (no transactions at all, or none in the years
    of the period), Chinese and English; None when they can. The CLI and Fava's downloads
    refuse a period by this one test."""
    span = books.index.memo("reports.span", lambda: _span(books))
    if span is None:
        return "账簿中没有交易, 请先导入 the books hold no transactions: run `fundtrail import` first"
    first, last = span
    if end < datetime.date(first.year, 1, 1) or start > datetime.date(last.year, 12, 31):
        return (f"账簿中没有 {label} 的交易 the books hold no transactions in {label} "
                f"(账簿期间 books cover {first} – {last})")
    return None


def _span(books) -> tuple[datetime.date, datetime.date] | None:
    """The first and the last day of the books' transactions (once per load: Fava's download
    buttons ask on every click), None without any."""
    days = [t.date for t in books.transactions]
    return (min(days), max(days)) if days else None


def check_settings(books) -> dict:
    """The checks' settings of the books (the checks plugin's config), read once per load."""
    from fundtrail.plugins import checks

    return books.index.memo("reports.settings", lambda: checks.parse_settings(
        checks.plugin_config(books.options)))


def project_standing(books, code: str, day: datetime.date):
    """Project `code`'s status at `day` (`fundtrail.projects.standing`, the overdue-project
    rule's criterion) with the books' own settings, as every report and Fava page shows it."""
    return projects.standing(books.index, books.master, code, day, check_settings(books))


def checks_at(books, day: datetime.date, settings: dict | None = None) -> list:
    """Every finding of the checks run on the books as they stood at `day`
    (fundtrail.plugins.cutoffs: kept with the books)."""
    from fundtrail.plugins import cutoffs

    return cutoffs.checks_at(books.index, day, settings if settings is not None else check_settings(books))


def finding_set(books, period: Period, settings: dict | None = None) -> periods.FindingSet:
    """The findings the report, the spreadsheet and the desk list for `period`
    (fundtrail.periods.finding_set: the period's own, earlier ones still open, those closed in it)."""
    # the books' own settings, given or not, are one key: the set is assembled once
    settings = settings if settings is not None else check_settings(books)
    return books.index.memo(("reports.finding_set", period.start, period.end,
                             repr(sorted(settings.items()))),
                            lambda: periods.finding_set(period.start, period.end,
                                                        lambda day: checks_at(books, day, settings)),
                            keep=FINDING_SETS)


__all__ = ["Period", "by_project", "check_settings", "checks_at", "finding_set", "period_problem", "project_standing", "by_village", "flows", "is_allotment", "is_spending", "total"]


def is_allotment(flow: Flow) -> bool:
    """An allotment's project leg: money allotted to the project."""
    return flow.kind == ALLOTMENT and bool(flow.project)


def flows(books) -> list[Flow]:
    """Every allotment to a project and every spending of the books, in date order."""
    return books.index.memo("reports.flows", lambda: [
        f for f in books.index.flows if is_spending(f) or is_allotment(f)])


def _grouped(books, field: str) -> dict[str, list[Flow]]:
    def build():
        index: dict[str, list[Flow]] = {}
        for flow in flows(books):
            index.setdefault(getattr(flow, field), []).append(flow)
        return index
    return books.index.memo(f"reports.by_{field}", build)


def by_project(books) -> dict[str, list[Flow]]:
    """The flows of each project ("" for fund money spent outside projects), in date order."""
    return _grouped(books, "project")


def by_village(books) -> dict[str, list[Flow]]:
    """The flows of each village ("" for county-wide money), in date order."""
    return _grouped(books, "village")


def total(items, wanted, start=None, end=None) -> Decimal:
    """The sum of the flows that are `wanted` (is_allotment, is_spending) dated in [start, end]."""
    return sum((f.amount for f in items if wanted(f) and (start is None or f.date >= start)
                and (end is None or f.date <= end)), ZERO)
