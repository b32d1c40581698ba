"""A long-running `fundtrail serve` does not grow with the time filters it is asked for: the
dashboard keeps the findings of the last few filters, the flow index the last cut-off days and
finding sets, and a reload starts them empty (benchmarks/fava_memory.py measures the server)."""

from __future__ import annotations

import datetime
import threading
from urllib.parse import quote

import pytest
from conftest import copy_workspace
from fava_pages import FavaClient

from fundtrail import bookcache, flows
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



class _Watched:
    """The memo's lock, telling when a thread other than the first to build has taken its look."""

    def __init__(self, lock, builder):
        self.lock, self.builder, self.looked = lock, builder, threading.Event()

    def __enter__(self):
        return self.lock.__enter__()

    def __exit__(self, *exc):
        self.lock.__exit__(*exc)
        if threading.current_thread() is not self.builder[0]:
            self.looked.set()


def test_two_threads_asking_for_one_kept_value_build_it_once(monkeypatch):
    """A second page asking for the findings of a period another is computing waits for that
    result instead of computing it again; the memo's lock is not held while building (another
    key is answered meanwhile)."""
    index = FlowIndex(())
    builder, building, release, calls = [None], threading.Event(), threading.Event(), []
    lock = _Watched(flows._KEPT_LOCK, builder)
    monkeypatch.setattr(flows, "_KEPT_LOCK", lock)

    def build():
        calls.append(threading.current_thread().name)
        builder[0] = builder[0] or threading.current_thread()
        building.set()
        assert release.wait(30)
        return ["findings"]

    got = {}

    def ask(name):
        got[name] = index.memo(("period", 2024), build, keep=3)

    first = threading.Thread(target=ask, args=("first",), name="first")
    first.start()
    assert building.wait(30)
    lock.looked.clear()
    second = threading.Thread(target=ask, args=("second",), name="second")
    second.start()
    assert lock.looked.wait(30)  # the second has looked: it waits for the first or builds too
    other = threading.Thread(target=lambda: got.setdefault("other", index.memo(("period", 2023),
                                                                                lambda: ["2023"], keep=3)))
    other.start()
    other.join(30)
    release.set()
    first.join(30)
    second.join(30)
    assert got["other"] == ["2023"]  # answered while the first was still building
    assert calls == ["first"]
    assert got["first"] is got["second"]
    assert index.memo(("period", 2024), build, keep=3) is got["first"] and calls == ["first"]


def test_a_failed_build_is_built_again_by_the_next_asker():
    index = FlowIndex(())
    calls = []

    def failing():
        calls.append("fail")
        raise ValueError("broken")

    with pytest.raises(ValueError):
        index.memo(("period", 1), failing, keep=3)
    assert index.memo(("period", 1), lambda: calls.append("again") or ["ok"], keep=3) == ["ok"]
    assert calls == ["fail", "again"]


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
