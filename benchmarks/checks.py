"""What the checks cost: a bare load against the same load with every fundtrail check on.

    .venv/bin/python benchmarks/checks.py [--sizes 10000,50000,100000] [--repeat 5] [--dir DIR] [--wall]

For each size, benchmarks/bigledger.py writes a county workspace (kept in DIR, reused when
there). The script then times, with beancount's pickle cache off:

- bare: the workspace's main file with its `plugin` lines stripped (what `bean-check` does with
  no plugins: parse, book, beancount's own validations);
- checks: the same load with `plugin "fundtrail.plugins.checks"`, i.e. every rule;

and prints both, their ratio (target <= 1.15) and the time per 1,000 transactions (linear
growth keeps it flat). On a busy machine two loads of the same file differ by 10% or more, so it
also times the plugin alone on the loaded entries and prints (bare + plugin) / bare, the
steadier figure. Then it prints the time of each rule on the largest ledger. Times are CPU seconds
of this process (time.process_time), the best of --repeat loads, so that other work on a shared
machine does not blur the ratio; pass --wall for wall-clock time.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import tempfile
import time
from pathlib import Path

from beancount import loader
from beancount.core import data

from fundtrail.plugins import checks
from fundtrail.plugins.rules.context import Context

HERE = Path(__file__).parent


def bigledger():
    spec = importlib.util.spec_from_file_location("bigledger", HERE / "bigledger.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def workspace(root: Path, size: int) -> tuple[Path, Path]:
    """(main file with the checks, the same without plugins) of a generated workspace."""
    main = root / f"county-{size}" / "main.beancount"
    if not main.exists():
        bigledger().generate(main.parent, size)
    text = main.read_text("utf-8")
    if 'plugin "fundtrail.plugins.checks"' not in text:
        raise SystemExit(f"{main} does not load the checks plugin")
    bare = main.with_name("main-bare.beancount")
    bare.write_text("".join(line for line in text.splitlines(True)
                            if not line.startswith("plugin ")), "utf-8")
    return main, bare


CLOCK = time.process_time


def timed(paths: list[Path], repeat: int) -> list[float]:
    """For each path, the fastest of `repeat` loads. The paths are loaded in turn (a, b, a, b,
    ...), each after a garbage collection and with no other ledger alive, so a busy moment of
    the machine or a bigger heap weighs on both alike."""
    best = [float("inf")] * len(paths)
    for _ in range(repeat):
        for i, path in enumerate(paths):
            gc.collect()
            start = CLOCK()
            loader.load_file(str(path))
            best[i] = min(best[i], CLOCK() - start)
    return best


def plugin_time(entries, options, repeat: int) -> float:
    """The checks plugin alone on loaded entries: the fastest of `repeat` runs."""
    best = float("inf")
    for _ in range(repeat):
        checks.forget()
        gc.collect()
        start = CLOCK()
        checks.checks(entries, options)
        best = min(best, CLOCK() - start)
    return best


def per_rule(entries) -> list[tuple[str, float]]:
    """The time of the flow index (with the master data), of the payments derived from it and
    of each rule, on one load."""
    checks.forget()
    gc.collect()
    start = CLOCK()
    ctx = Context(entries, checks.DEFAULTS)
    times = [("(flow index)", CLOCK() - start)]
    start = CLOCK()
    _ = ctx.flows.contractor_payments, ctx.flows.project_paid
    times.append(("(payments from the index)", CLOCK() - start))
    for rule_id, rule in checks.RULES.items():
        start = CLOCK()
        list(rule(ctx))
        times.append((rule_id, CLOCK() - start))
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--wall", action="store_true", help="wall-clock instead of CPU time")
    parser.add_argument("--dir", type=Path, default=None, help="keep the workspaces here")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.perf_counter if args.wall else time.process_time
    loader.initialize(use_cache=False)
    root = args.dir or Path(tempfile.mkdtemp(prefix="fundtrail-bench-"))
    clock = "wall-clock" if args.wall else "CPU"
    print(f"workspaces in {root}; pickle cache off; {clock} seconds, best of {args.repeat}")
    print(f"{'transactions':>12} {'bare s':>8} {'checks s':>9} {'ratio':>6} "
          f"{'bare ms/1k':>11} {'checks ms/1k':>13} {'plugin s':>9} {'(bare+plugin)/bare':>19}"
          f" {'findings':>9}")
    entries = None
    for size in (int(s) for s in args.sizes.split(",")):
        main_file, bare_file = workspace(root, size)
        bare, full = timed([bare_file, main_file], args.repeat)
        entries, errors, options = loader.load_file(str(main_file))
        alone = plugin_time(entries, options, args.repeat)
        count = sum(isinstance(e, data.Transaction) for e in entries)
        print(f"{count:>12,} {bare:>8.2f} {full:>9.2f} {full / bare:>6.3f} "
              f"{1000 * bare / count * 1000:>11.1f} {1000 * full / count * 1000:>13.1f} "
              f"{alone:>9.3f} {(bare + alone) / bare:>19.3f} {len(errors):>9}", flush=True)
    if entries is not None:
        print("per rule on the largest ledger (s):")
        for rule_id, seconds in sorted(per_rule(entries), key=lambda kv: -kv[1]):
            print(f"  {rule_id:24} {seconds:8.3f}")


if __name__ == "__main__":
    main()
