"""Sealing and verifying the 100k-transaction benchmark ledger: time, and the cost on a load.

    python benchmarks/seal.py [DIR] [TRANSACTIONS]

Writes the benchmark workspace (benchmarks/bigledger.py) into DIR (a temporary folder by
default; an existing one is reused), seals everything up to its last day, then times in CPU
seconds, without beancount's pickle cache, best of three:
  - a load without the seal plugin (the baseline);
  - sealing (what `fundtrail seal` adds to its load);
  - verifying every digest (`fundtrail verify`), and the plugin the first time after sealing
    (it recomputes every digest) and then on every later load (the period's text is unchanged,
    fundtrail.sealcache), each as a share of the load;
  - a load with the plugin.
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


def main(root: Path, transactions: int) -> None:
    loader.initialize(use_cache=False)
    ledger = root / "main.beancount" if (root / "main.beancount").exists() else generate(root, transactions)
    text = ledger.read_text("utf-8")
    assert PLUGIN_LINE in text, "the workspace template lists the seal plugin"
    baseline = ledger.with_name("main-without-seal.beancount")
    baseline.write_text(text.replace(PLUGIN_LINE, ""), "utf-8")

    load, (entries, errors, options) = best(lambda: loader.load_file(str(baseline)))
    transactions_loaded = sum(1 for e in entries if type(e).__name__ == "Transaction")
    print(f"ledger: {len(entries)} entries, {transactions_loaded} transactions, {len(errors)} errors")
    print(f"load without the seal plugin           {load:6.2f} s CPU")

    options = {**options, "filename": str(ledger)}
    last = max(e.date for e in entries)
    if not seals.read_seals(entries):
        planned, (hash_, previous, sidecar) = best(lambda: seals.plan(entries, options, last), 1)
        seals.write(root, last, hash_, previous, sidecar, "benchmark", datetime.date.today())
        size = seals.sidecar_path(root, last).stat().st_size
        print(f"seal everything through {last}     {planned:6.2f} s CPU   sidecar {size / 1e6:.1f} MB")
        entries, errors, options = loader.load_file(str(ledger))
    assert not [e for e in errors if isinstance(e, seals.SealError)]

    def plugin_cold():
        (root / CACHE_FILE).unlink(missing_ok=True)
        return seals.verify(entries, options, cached=True)

    full, _ = best(lambda: seals.verify(entries, options))
    cold, _ = best(plugin_cold)
    warm, (found, _watched) = best(lambda: seals.verify(entries, options, cached=True))
    assert not found
    print(f"verify, every digest (fundtrail verify) {full:6.2f} s CPU   {full / load:6.1%} of a load")
    print(f"plugin, first load after sealing       {cold:6.2f} s CPU   {cold / load:6.1%} of a load")
    print(f"plugin, every later load               {warm:6.2f} s CPU   {warm / load:6.1%} of a load")
    sealed, _ = best(lambda: loader.load_file(str(ledger)))
    print(f"load with the plugin (later load)       {sealed:6.2f} s CPU   {sealed / load - 1:+6.1%}")
    print(f"target: the plugin adds at most 5% to a load -> {'met' if warm / load <= 0.05 else 'NOT met'}")


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="fundtrail-seal-"))
    main(folder, int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
