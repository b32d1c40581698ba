"""What every rule sees: the books' flow index, the master data, the settings (typed once by
`fundtrail.plugins.checks.parse_settings`), and the date the books are judged at.

Rules ask the flow index (`ctx.flows`, fundtrail.flows) for the money movements and never walk
the entries themselves. What a rule derives and others share is kept with `ctx.memo(key, build)`:
on the index when it depends on the books alone (`ctx.flows.memo`), on the context when it also
depends on the settings.
"""

from __future__ import annotations

import datetime

from fundtrail.flows import FlowIndex
from fundtrail.masking import PUBLIC, Masker, masker_for
from fundtrail.masterdata import MasterData


class Context:
    def __init__(self, entries, settings: dict, master: MasterData | None = None):
        self.flows = FlowIndex.of(entries)
        self.entries = self.flows.entries
        self.settings = settings
        self.master = master or self.flows.master
        self._memo = {}

    @property
    def masker(self) -> Masker:
        """The ledger's public masker (fundtrail.masking.masker_for): a finding message is read
        by every role, so a person's ID number in it is always masked."""
        return masker_for(self.flows, PUBLIC)

    @property
    def transactions(self):
        return self.flows.transactions

    @property
    def as_of(self) -> datetime.date:
        """The `as_of` setting, else the date the books are complete to: the last transaction,
        or the day before the last balance assertion (a statement's closing balance is asserted
        on the day after its period), whichever is later. Books with neither (master data only)
        are judged at their last entry, so nothing is yet overdue or idle; books with no entry
        at all at today's date."""
        return self.memo("as_of", self._judging_date)

    def _judging_date(self) -> datetime.date:
        if self.settings["as_of"]:
            return self.settings["as_of"]
        transactions, balances = self.flows.transactions, self.flows.balances
        last = transactions[-1].date if transactions else None
        if balances:
            day = balances[-1].date - datetime.timedelta(days=1)
            return max(day, last) if last else day
        return last or (self.entries[-1].date if self.entries else datetime.date.today())

    def memo(self, key: str, build):
        """`build()` once per context (one load and one set of settings), then the same object."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
            return value
