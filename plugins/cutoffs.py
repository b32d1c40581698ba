"""The checks at a cut-off date: every rule run on the books as they stood at a day (the entries
up to it, judged at it, with the dispositions recorded by then), the findings a period's report
lists (fundtrail.periods.finding_set asks for the day before the period, the quarter ends in it
and its end).

    found = cutoffs.checks_at(index, day, settings)      # kept with the books
    cutoffs.keep_last_quarter(index, settings)            # what `fundtrail check` prepares

A cut-off's findings are kept in the flow index's memo (the `bookcache.CUTOFFS_KEPT` days used
last, read at each use: a time filter can name any day) and, when the books came from or went
into the cache of the loaded books, in its cut-offs file (fundtrail.bookcache.remember), so a
later report of unchanged books runs no rule again. `fundtrail check` runs the cut-offs of the
books' last quarter (the quarter of their last transaction) after it has printed its findings:
the quarter's notices and reports are what a county makes next.
"""

from __future__ import annotations

import bisect
import datetime

from beancount.core import data

from fundtrail import bookcache, gcpause, periods
from fundtrail.flows import date_of
from fundtrail.plugins import checks


def checks_at(index, day: datetime.date, settings: dict) -> list:
    """Every finding of the checks on the books of `index` as at `day`."""
    entries = index.entries  # in date order: the books as at `day` are a prefix
    key = ("reports.checks_at", day, repr(sorted(settings.items())))

    def run():
        with gcpause.paused():
            found = checks.review(entries[:bisect.bisect_right(entries, day, key=date_of)],
                                  {**settings, "as_of": day})[0]
        bookcache.remember(entries, key, found)  # kept for later loads of unchanged books
        return found
    # the bound read at use: one setting for the memo and the cache's file (a year's report asks
    # for five days)
    return index.memo(key, run, keep=bookcache.CUTOFFS_KEPT)


def last_quarter(index) -> tuple[datetime.date, datetime.date] | None:
    """(first day, last day) of the quarter of the books' last transaction, or None."""
    day = next((e.date for e in reversed(index.entries) if isinstance(e, data.Transaction)), None)
    if day is None:
        return None
    return periods.quarter_around(day)


def keep_last_quarter(index, settings: dict) -> None:
    """Run and keep the cut-offs a report of the books' last quarter asks for, when the books
    are the cache's (else nothing would be kept: nothing is run)."""
    quarter = last_quarter(index)
    if quarter is not None and bookcache.holds(index.entries):
        periods.finding_set(*quarter, lambda day: checks_at(index, day, settings))
