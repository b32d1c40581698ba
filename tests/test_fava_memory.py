"""A long-running `fundtrail serve` does not grow with the time filters it is asked for: the
dashboard keeps the findings of the last few filters, the flow index the last cut-off days and
finding sets, and a reload starts them empty (benchmarks/fava_memory.py measures the server)."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from conftest import copy_workspace
from fava_pages import FavaClient

from fundtrail import bookcache
from fundtrail.fava_ext import dashboard
from fundtrail.fava_ext.dashboard import Dashboard
from fundtrail.flows import FlowIndex
from fundtrail.plugins import checks, cutoffs
from fundtrail.plugins.checks import all_findings
from fundtrail.reports import facts


def windows(count: int) -> list[tuple[datetime.date, datetime.date]]:
    """`count` distinct [start, end) day ranges over the demo's years."""
    first = datetime.date(2024, 1, 1)
    return [(first + datetime.timedelta(days=11 * n), first + datetime.timedelta(days=11 * n + 40))
            for n in range(count)]


def family(index: FlowIndex, name: str) -> list:
    return [key for key in index._memo if type(key) is tuple and key and key[0] == name]


def test_the_memo_keeps_the_last_used_values_of_a_bounded_family():
    index = FlowIndex(())
    built = []

    def value(n):
        return lambda: built.append(n) or [n]

    for n in range(5):
        index.memo(("day", n), value(n), keep=3)
    index.memo("books.other", lambda: "kept")  # another memo: not counted, not dropped
    assert family(index, "day") == [("day", 2), ("day", 3), ("day", 4)] and built == [0, 1, 2, 3, 4]
    assert index.memo(("day", 2), value(2), keep=3) == [2] and built == [0, 1, 2, 3, 4]  # kept
    index.memo(("day", 5), value(5), keep=3)  # drops the least recently used: 3, not 2
    assert sorted(family(index, "day")) == [("day", 2), ("day", 4), ("day", 5)]
    assert index.memo(("day", 0), value(0), keep=3) == [0] and built[-1] == 0  # built again
    assert index.memo("books.other", lambda: "again") == "kept"



def test_the_cut_offs_kept_follow_the_bookcache_setting_at_use(monkeypatch):
    """`bookcache.CUTOFFS_KEPT` bounds the cut-off days kept in the memo as in the cache's file:
    a test or setting that changes it changes both."""
    monkeypatch.setattr(bookcache, "CUTOFFS_KEPT", 2)
    monkeypatch.setattr(checks, "review", lambda entries, settings: ([settings["as_of"]],))
    index = FlowIndex(())
    days = [datetime.date(2024, 3, n) for n in range(1, 6)]
    for day in days:
        assert cutoffs.checks_at(index, day, {}) == [day]
    assert [key[1] for key in family(index, "reports.checks_at")] == days[-2:]

def test_the_dashboard_keeps_the_findings_of_the_last_filters_only(demo_books):
    dash = Dashboard.build(demo_books, all_findings(demo_books.index.entries, demo_books.options))
    asked = windows(3 * dashboard.VIEWS)
    first = dash.shown(*asked[0])
    for window in asked[1:]:
        dash.shown(*window)
    assert list(dash.views) == asked[-dashboard.VIEWS:]
    last = dash.views[asked[-1]]
    assert dash.shown(*asked[-1]) is last  # a filter asked again is looked up, not derived again
    assert dash.shown(*asked[0]) == first  # a dropped one is derived again, the same findings
    assert len(dash.views) == dashboard.VIEWS and asked[1] not in dash.views
    index = demo_books.index
    assert 0 < len(family(index, "reports.checks_at")) <= bookcache.CUTOFFS_KEPT
    assert 0 < len(family(index, "reports.finding_set")) <= facts.FINDING_SETS


def test_the_pages_many_filters_keep_a_few_views_and_a_reload_starts_empty(demo, tmp_path):
    root = tmp_path / "ws"
    copy_workspace(demo[0], root)
    fava = FavaClient(root / "main.beancount")
    ledger = fava.app.config["LEDGERS"].ledgers[0]
    extension = ledger.extensions.get_extension("Fundtrail")
    for start, end in windows(dashboard.VIEWS + 4):
        time_filter = quote(f"{start.isoformat()} - {(end - datetime.timedelta(days=1)).isoformat()}")
        assert "资金总览" in fava.page(f"Fundtrail/?time={time_filter}")
    assert len(extension.data.views) == dashboard.VIEWS
    before = extension.data
    with open(root / "main.beancount", "a", encoding="utf-8") as main:
        main.write("\n; reloaded\n")
    ledger.load_file()
    assert extension.data is not before and not extension.data.views
    assert not family(extension.books.index, "reports.checks_at")
