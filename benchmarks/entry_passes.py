"""Which modules walk the whole ledger: every full iteration over the loaded entries (and over
the list of all transactions), counted by the module that makes it.

    python benchmarks/entry_passes.py [LEDGER]

Loads LEDGER (default: a generated 2,000-transaction county), wraps its entries in a list that
counts each iteration and the module iterating, then does what a load, a report and a Fava page
do: the checks plugin, the seal plugin, `Books` figures and reconciliation, the report facts of
a village notice and of the audit report, the dashboard of the Fava extension. It prints each
module with the number of full passes it made. The design keeps the list to the flow index
(fundtrail.flows), the plugins' own entry point (fundtrail.plugins.checks: is this the same
books as last time?) and the seal plugin (fundtrail.seals, fundtrail.sealcache).
"""

from __future__ import annotations

import collections
import datetime
import sys
import tempfile
from pathlib import Path

from beancount import loader

sys.path.insert(0, str(Path(__file__).parent))

PASSES: collections.Counter = collections.Counter()


class Counted(list):
    """A list that counts every iteration over it, by the module that asks."""

    def __iter__(self):
        PASSES[sys._getframe(1).f_globals.get("__name__", "?")] += 1
        return super().__iter__()


def main() -> None:
    from fundtrail.books import Books
    from fundtrail.fava_ext.dashboard import Dashboard
    from fundtrail.flows import FlowIndex
    from fundtrail.periods import quarter_label
    from fundtrail.plugins import checks, seal
    from fundtrail.reports import audit, facts, village

    if len(sys.argv) > 1:
        ledger = Path(sys.argv[1])
    else:
        from bigledger import generate

        ledger = generate(Path(tempfile.mkdtemp(prefix="fundtrail-passes-")), 2000)
    loader.initialize(use_cache=False)
    loaded, errors, options = loader.load_file(str(ledger))
    entries = Counted(loaded)
    FlowIndex.forget()
    checks.checks(entries, options)  # the plugin: builds the flow index, runs every rule
    index = FlowIndex.of(entries)
    index.transactions = Counted(index.transactions)
    seal.seal(entries, dict(options))
    books = Books(entries, errors, options, str(ledger))
    last = books.transactions[-1].date
    books.all_figures()
    books.reconcile(last)
    period = facts.Period.parse(str(last.year))
    for code in sorted(books.master.villages)[:3]:
        village.notice_context(books, facts.Period.parse(quarter_label(last)), code)
    audit.audit_context(books, period)
    Dashboard.build(books, checks.all_findings(entries, options), today=datetime.date(last.year, 12, 31))
    print(f"{ledger}: {len(entries)} entries; full passes over the entries or the transactions:")
    for module, count in sorted(PASSES.items()):
        print(f"  {module:36} {count}")
    print(f"{len(PASSES)} modules walk the whole ledger")


if __name__ == "__main__":
    main()
