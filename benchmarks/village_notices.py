"""Render every village notice of the demo county for one quarter from one ledger load.

    .venv/bin/python benchmarks/village_notices.py [LEDGER] [--quarter 2024Q3] [--villages N]

Without LEDGER it builds the demo in a temporary folder. Prints the load time, the time per
notice (mean, slowest) and in total, and the share of the whole run spent loading the ledger.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger", nargs="?")
    parser.add_argument("--quarter", default="2024Q3")
    parser.add_argument("--villages", type=int, default=None,
                        help="render only the first N villages (for very large ledgers)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = args.ledger
        if not ledger:
            from fundtrail.ledgers.demo.build import build

            ledger = str(build(Path(tmp) / "demo")["ledger"])
        t0 = time.perf_counter()
        import weasyprint  # noqa: F401  (imported once per process: not a per-notice cost)
        from beancount import loader

        from fundtrail.books import Books
        from fundtrail.reports import village

        loader.initialize(use_cache=False)  # a cold load, as the first `report --all` of the day
        imported = time.perf_counter() - t0
        started = time.perf_counter()
        books = Books.load(ledger)  # once, for every notice
        loaded = time.perf_counter()
        times = []
        for code in village.village_codes(books)[:args.villages]:
            t0 = time.perf_counter()
            village.notice_pdf(books, args.quarter, code)
            times.append(time.perf_counter() - t0)
        done = time.perf_counter()
    load, render, total = loaded - started, done - loaded, done - started
    print(f"ledger: {ledger}  ({sum(1 for _ in books.transactions)} transactions)")
    print(f"notices: {len(times)} villages, quarter {args.quarter}")
    print(f"import weasyprint: {imported:7.2f} s (once per process, not counted below)")
    print(f"load (once, no pickle cache, with every check): {load:7.2f} s")
    print(f"per notice:        {statistics.mean(times):7.3f} s mean, {max(times):.3f} s slowest, "
          f"{statistics.median(times):.3f} s median")
    print(f"all notices:       {render:7.2f} s")
    print(f"total:             {total:7.2f} s; loading share {load / total:.1%}")


if __name__ == "__main__":
    main()
