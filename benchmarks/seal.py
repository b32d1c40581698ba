"""Sealing and verifying the 100k-transaction benchmark ledger: time, and the cost on a load.

    python benchmarks/seal.py [DIR] [TRANSACTIONS]

Writes the benchmark workspace (benchmarks/bigledger.py) into DIR (a temporary folder by
default; an existing one is reused), seals everything up to its last day, then times in CPU
seconds, without beancount's pickle cache, best of three:
  - sealing (what `fundtrail seal` adds to its load);
  - loads without and with the seal plugin, interleaved, and the time spent in the plugin
    (its sealed periods written as when last verified or sealed: fundtrail.sealcache); two
    full loads differ by several percent from run to run either way, so the plugin's own
    time is the figure the target is read on;
  - the plugin with that memory lost (a fresh clone, main.beancount edited), and `fundtrail
    verify`'s check of every digest, each as a share of the load.
The target: the plugin adds at most 5% to a load.
"""

from __future__ import annotations

import datetime
import sys
import tempfile
import time
from pathlib import Path

from beancount import loader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bigledger import generate  # noqa: E402

from fundtrail import seals  # noqa: E402
from fundtrail.plugins import seal as seal_plugin  # noqa: E402
from fundtrail.sealcache import CACHE_FILE  # noqa: E402

PLUGIN_LINE = 'plugin "fundtrail.plugins.seal"\n'
RUNS = 3


def best(function, runs: int = RUNS):
    """Least CPU time of `runs` calls (CPU, not wall: the machine is shared) and the result."""
    times, result = [], None
    for _ in range(runs):
        start = time.process_time()
        result = function()
        times.append(time.process_time() - start)
    return min(times), result


def timed_plugin(spent: list[float]):
    """Wrap the seal plugin so each load records the CPU time spent inside it."""
    original = seal_plugin.seal

    def seal(entries, options_map):
        start = time.process_time()
        try:
            return original(entries, options_map)
        finally:
            spent.append(time.process_time() - start)

    seal_plugin.seal = seal


def main(root: Path, transactions: int) -> None:
    loader.initialize(use_cache=False)
    ledger = root / "main.beancount" if (root / "main.beancount").exists() else generate(root, transactions)
    text = ledger.read_text("utf-8")
    assert PLUGIN_LINE in text, "the workspace template lists the seal plugin"
    baseline = ledger.with_name("main-without-seal.beancount")
    baseline.write_text(text.replace(PLUGIN_LINE, ""), "utf-8")
    entries, errors, options = loader.load_file(str(baseline))
    transactions_loaded = sum(1 for e in entries if type(e).__name__ == "Transaction")
    print(f"ledger: {len(entries)} entries, {transactions_loaded} transactions, {len(errors)} errors")

    options = {**options, "filename": str(ledger)}
    last = max(e.date for e in entries)
    if not seals.read_seals(entries):
        planned, (hash_, previous, sidecar) = best(lambda: seals.plan(entries, options, last), 1)
        seals.write(root, last, hash_, previous, sidecar, "benchmark", datetime.date.today())
        seals.remember(entries, options, last, hash_)
        size = seals.sidecar_path(root, last).stat().st_size
        print(f"seal everything through {last}     {planned:6.2f} s CPU   sidecar {size / 1e6:.1f} MB "
              "(on top of the load `fundtrail seal` makes)")

    # loads with and without the plugin, alternating which goes first: a full load varies by
    # several percent from one run to the next, so the plugin's own time is the figure to read
    spent: list[float] = []
    timed_plugin(spent)
    times: dict[str, list[float]] = {str(baseline): [], str(ledger): []}
    for run in range(RUNS):
        for path in (baseline, ledger)[::1 if run % 2 == 0 else -1]:
            seconds, (_entries, errors, _options) = best(lambda p=path: loader.load_file(str(p)), 1)
            times[str(path)].append(seconds)
            assert not [e for e in errors if isinstance(e, seals.SealError)]
    load, sealed = min(times[str(baseline)]), min(times[str(ledger)])
    print(f"load without the seal plugin            {load:6.2f} s CPU")
    print(f"load with it                            {sealed:6.2f} s CPU   {sealed / load - 1:+6.1%} "
          "(two full loads: noisy)")
    print(f"  of which the plugin                   {min(spent):6.2f} s CPU   {min(spent) / load:6.1%} of a load")

    def plugin_cold():
        (root / CACHE_FILE).unlink(missing_ok=True)
        return seals.verify(entries, options, cached=True)

    full, _ = best(lambda: seals.verify(entries, options))
    cold, _ = best(plugin_cold)
    print(f"plugin with its memory lost             {cold:6.2f} s CPU   {cold / load:6.1%} of a load")
    print(f"verify, every digest (fundtrail verify) {full:6.2f} s CPU   {full / load:6.1%} of a load")
    met = min(spent) / load <= 0.05
    print(f"target: the plugin adds at most 5% to a load -> {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="fundtrail-seal-"))
    main(folder, int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
