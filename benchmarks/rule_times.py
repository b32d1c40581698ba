"""CPU time of every check rule, one by one, on the benchmark county ledger.

    python benchmarks/rule_times.py [TRANSACTIONS] [--repeat N]

Generates the ledger with `bigledger.generate` (in a temporary folder), loads it once without
plugins and without the cache, then runs the shared context and each rule of the catalogue
`--repeat` times and prints the fastest time of each. Process CPU time is used, not wall time,
so that other work on the machine does not count. The sum is compared with the bare load: the
whole catalogue may add at most 15%. A rule's first run pays for the indexes it
shares (ctx.flows.memo, ctx.memo), so the ordering of the catalogue decides which rule shows that cost.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from beancount import loader

from fundtrail.flows import FlowIndex
from fundtrail.plugins.checks import RULES, parse_settings
from fundtrail.plugins.rules.context import Context

sys.path.insert(0, str(Path(__file__).parent))
from bigledger import generate  # noqa: E402


def bare_copy(main: Path) -> Path:
    bare = main.with_name("bare.beancount")
    lines = main.read_text("utf-8").splitlines()
    bare.write_text("\n".join(line for line in lines if not line.startswith("plugin ")), "utf-8")
    return bare


def time_rules(entries, repeat: int) -> dict[str, float]:
    """The fastest CPU time of the context (the books' flow index) and of each rule over
    `repeat` runs."""
    settings = parse_settings(None)
    best = defaultdict(lambda: float("inf"))
    for _ in range(repeat):
        FlowIndex.forget()
        start = time.process_time()
        ctx = Context(entries, settings)
        best["(context)"] = min(best["(context)"], time.process_time() - start)
        for rule_id, rule in RULES.items():
            start = time.process_time()
            for _finding in rule(ctx):
                pass
            best[rule_id] = min(best[rule_id], time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("transactions", nargs="?", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:  # the rules read the registers in it
        bare = bare_copy(generate(Path(folder), args.transactions))
        loader.initialize(use_cache=False)
        start = time.process_time()
        entries, errors, _ = loader.load_file(str(bare))
        load = time.process_time() - start
        best = time_rules(entries, args.repeat)
    total = sum(best.values())
    count = sum(1 for e in entries if type(e).__name__ == "Transaction")
    print(f"{count} transactions, bare load {load:.2f} s CPU ({len(errors)} errors)")
    for rule_id, seconds in sorted(best.items(), key=lambda item: -item[1]):
        print(f"  {rule_id:24} {seconds:7.3f} s  {seconds / load:6.1%}")
    print(f"all rules {total:.2f} s = {total / load:.1%} of the bare load; "
          f"ratio {(load + total) / load:.3f} (target <= 1.15)")


if __name__ == "__main__":
    main()
