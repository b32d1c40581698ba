"""Two versions of the rules timed against each other on the same loaded books.

    git archive REV plugins/rules | tar -x -C /tmp/old     # the other version's rule modules
    python benchmarks/rules_ab.py LEDGER /tmp/old/plugins/rules [--runs 7] [--only a,b]

Loads LEDGER once without plugins and without the cache, builds the flow index and what it
derives before any rule asks (the payments, the household register, the asset book), then runs
every rule of the catalogue (or `--only` those) once with the other version's modules and once
with this checkout's, alternating which goes first, each run with the rules' memos built afresh
(`ctx.memo`, `ctx.flows.memo` and the running sums: the first rule to ask pays, as in a
review) and the collector paused. It first checks that both versions find the same (ids,
amounts, dates, links, facets, messages) and then prints the median CPU time of the rules
together and of each rule, both versions side by side. In one process on one heap: the
machine's load moves the figures of separate processes by more than most changes to a rule.
The other version's modules are loaded under this version's module names (their memo keys
match) and import the shared helpers (`_registers`, `_naming` ...) of this checkout.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

from beancount import loader

from fundtrail import gcpause
from fundtrail.flows import FlowIndex
from fundtrail.plugins import checks
from fundtrail.plugins.rules.context import Context


def other_rules(folder: Path) -> dict:
    """The rules of the rule modules in `folder`, by id."""
    rules = {}
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_") or path.name == "context.py":
            continue
        spec = importlib.util.spec_from_file_location(f"fundtrail.plugins.rules.{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        rules.update(module.RULES)
    return rules


def load_bare(ledger: Path):
    loader.initialize(use_cache=False)
    text = ledger.read_text("utf-8")
    bare = ledger.with_name(f"_bare_ab{os.getpid()}.beancount")
    bare.write_text("\n".join(line for line in text.splitlines() if not line.startswith("plugin ")),
                    "utf-8")
    try:
        entries, _errors, _options = loader.load_file(str(bare))
    finally:
        bare.unlink()
    return entries


def what(found) -> list:
    return [(f.id, str(f.amount), f.date, f.links, f.facets, f.group, f.variant, f.message)
            for f in sorted(found, key=lambda f: f.id)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ledger", type=Path)
    parser.add_argument("other", type=Path, help="the other version's plugins/rules folder")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", default="", help="rule ids, comma-separated")
    args = parser.parse_args()
    versions = {"other": other_rules(args.other), "this": dict(checks.RULES)}
    wanted = [r for r in versions["this"] if not args.only or r in args.only.split(",")]
    missing = [r for r in wanted if r not in versions["other"]]
    if missing:
        print(f"not in the other version: {', '.join(missing)}", file=sys.stderr)
        return 2
    entries = load_bare(args.ledger)
    settings = checks.parse_settings(None)
    FlowIndex.forget()
    with gcpause.paused():
        index = FlowIndex.of(entries)
        index.payments, index.household_register, index.asset_book  # noqa: B018 (built here)
    memo, running = dict(index._memo), dict(index._running)

    def run(rules):
        index._memo, index._running = dict(memo), dict(running)
        times, found = {}, {}
        with gcpause.paused():
            ctx = Context(entries, settings)
            for rule_id in wanted:
                start = time.process_time()
                found[rule_id] = list(rules[rule_id](ctx))
                times[rule_id] = time.process_time() - start
        return times, found

    other, this = run(versions["other"])[1], run(versions["this"])[1]
    differ = [r for r in wanted if what(other[r]) != what(this[r])]
    print("findings: " + (f"DIFFER in {', '.join(differ)}" if differ else "the same"))
    figures = {"other": {r: [] for r in wanted}, "this": {r: [] for r in wanted}}
    for n in range(args.runs):
        for name in (("other", "this") if n % 2 == 0 else ("this", "other")):
            for rule_id, seconds in run(versions[name])[0].items():
                figures[name][rule_id].append(seconds)
    med = statistics.median
    total = {name: med(map(sum, zip(*per.values(), strict=True))) for name, per in figures.items()}
    print(f"{'all rules':28} {total['other'] * 1000:8.1f} -> {total['this'] * 1000:8.1f} ms")
    for rule_id in sorted(wanted, key=lambda r: -med(figures["other"][r])):
        print(f"{rule_id:28} {med(figures['other'][rule_id]) * 1000:8.1f} -> "
              f"{med(figures['this'][rule_id]) * 1000:8.1f} ms")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
