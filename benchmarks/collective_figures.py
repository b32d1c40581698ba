"""The collective layer's figures of a ledger, dumped and compared: do two builds of the books say
the same about asset income and its distribution?

    python benchmarks/collective_figures.py dump LEDGER OUT.json
    python benchmarks/collective_figures.py compare BEFORE.json AFTER.json

`dump` writes, for every village with registered assets, the 资产收益分配 section of its notice
for every quarter from 2024Q1 to 2026Q1 (`reports.village.notice_context(...)["assets"]`: per
asset the income of the quarter and to date, the totals received / distributed / held, the
amounts by purpose and every distribution row), the Fava 资产 page for 2024 and 2025 (its
totals, per-village figures, asset rows and classes), the asset book per village
(`FlowIndex.asset_book.by_village()`) and what each household received (by ID number).
`compare` prints the number of figures in each dump and every one that differs, and exits 1
when any does.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

QUARTERS = [f"{y}Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)] + ["2026Q1"]


def _plain(value):
    if isinstance(value, (Decimal, datetime.date)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _section(summary: dict) -> dict:
    return {
        "totals": summary["totals"], "by_purpose": summary["by_purpose"],
        "assets": {r["asset"].id: {"income_q": r["income_q"], "income_cum": r["income_cum"],
                                   "disposal": r["disposal"].kind if r["disposal"] else ""}
                   for r in summary["assets"]},
        "distributions": sorted([m.date, m.asset, m.purpose, m.amount, m.person,
                                 str(m.meta.get("beneficiary", "")), str(m.meta.get("card", ""))]
                                for m in summary["distributions"]),
    }


def figures(ledger: Path) -> dict:
    from fundtrail.books import Books
    from fundtrail.fava_ext import assets as page
    from fundtrail.reports.village import notice_context, quarter

    books = Books.load(str(ledger), trust_caches=False)
    master, book = books.master, books.index.asset_book
    villages = sorted({a.village for a in master.assets.values()})
    out = {"notices": {}, "page": {}, "by_village": book.by_village(), "households": {}}
    for village in villages:
        for label in QUARTERS:
            out["notices"][f"{village} {label}"] = _section(
                notice_context(books, quarter(label), village)["assets"])
    for year in (2024, 2025):
        p = page.page(books, [], year, datetime.date(year, 12, 31))
        out["page"][str(year)] = {
            "totals": p["totals"],
            "villages": {v["code"]: {k: v[k] for k in ("received_q", "received_cum", "distributed_q",
                                                         "distributed_cum", "held", "value",
                                                         "by_purpose")} for v in p["villages"]},
            "rows": {r["asset"].id: {"income_q": r["income_q"], "income_cum": r["income_cum"],
                                     "last_income": r["last_income"]} for r in p["rows"]},
            "classes": [[cls, c and {"count": c["count"], "value": c["value"]}] for cls, c in p["classes"]],
        }
    received = defaultdict(Decimal)
    for move in book.distributions:
        if move.person:
            received[move.person] += move.amount
    out["households"] = dict(sorted(received.items()))
    return _plain(out)


def _leaves(tree, prefix=""):
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _leaves(value, f"{prefix}/{key}")
    else:
        yield prefix, tree


def dump(ledger: Path, out: Path) -> int:
    data = figures(ledger)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True), "utf-8")
    print(f"{ledger}: {sum(1 for _ in _leaves(data))} figures -> {out}")
    return 0


def compare(before: Path, after: Path) -> int:
    old = dict(_leaves(json.loads(before.read_text("utf-8"))))
    new = dict(_leaves(json.loads(after.read_text("utf-8"))))
    differ = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    for key in differ[:40]:
        print(f"{key}: {old.get(key)!r} -> {new.get(key)!r}")
    print(f"{len(old)} figures before, {len(new)} after: "
          + (f"{len(differ)} differ" if differ else "identical"))
    return 1 if differ else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("ledger", type=Path)
    d.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    return dump(args.ledger, args.out) if args.command == "dump" else compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
