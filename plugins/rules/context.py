"""What every rule sees: the entries, the master data, the settings, and indexes built once.

Rules must not each walk the whole ledger to build the same index: ask `ctx.memo(key, build)`,
which computes `build()` once per load and hands the same object to every rule.
"""

from __future__ import annotations

from functools import cached_property

from beancount.core import data

from fundtrail.masterdata import MasterData


class Context:
    def __init__(self, entries, settings: dict, master: MasterData | None = None):
        self.entries = entries
        self.settings = settings
        self.master = master or MasterData.from_entries(entries)
        self._memo = {}

    @cached_property
    def transactions(self) -> list[data.Transaction]:
        return [e for e in self.entries if isinstance(e, data.Transaction)]

    def memo(self, key: str, build):
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]
