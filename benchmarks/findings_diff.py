"""The checks' findings of a ledger, dumped and compared: are two versions of the rules the same?

    python benchmarks/findings_diff.py dump LEDGER OUT.json
    python benchmarks/findings_diff.py compare BEFORE.json AFTER.json

`dump` loads LEDGER (no pickle cache, so the rules really run) and writes every finding's id,
rule, severity, amount, date, links and facets, sorted by id. `compare` prints the number of
findings per rule in each dump and every finding that is missing, new or changed in any of those
fields, and exits 1 when the dumps differ. Messages are left out: their wording may change
without the rules finding anything else.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

FIELDS = ("id", "rule", "severity", "amount", "date", "links", "facets")


def dump(ledger: Path, out: Path) -> int:
    from beancount import loader

    from fundtrail.plugins.checks import all_findings

    loader.initialize(use_cache=False)
    entries, _errors, options = loader.load_file(str(ledger))
    rows = [{k: v for k, v in f.as_json().items() if k in FIELDS}
            for f in all_findings(entries, options)]
    rows.sort(key=lambda row: row["id"])
    out.write_text(json.dumps(rows, ensure_ascii=False, indent=0, sort_keys=True), "utf-8")
    print(f"{ledger}: {len(rows)} findings -> {out}")
    return 0


def _read(path: Path) -> dict[str, dict]:
    rows = json.loads(path.read_text("utf-8"))
    rows = rows["findings"] if isinstance(rows, dict) else rows
    return {row["id"]: {k: None if row.get(k) == "None" else row.get(k) for k in FIELDS}
            for row in rows}


def compare(before: Path, after: Path) -> int:
    old, new = _read(before), _read(after)
    rules = Counter(r["rule"] for r in old.values()), Counter(r["rule"] for r in new.values())
    print(f"{'rule':24} {'before':>7} {'after':>7}")
    for rule in sorted(set(rules[0]) | set(rules[1])):
        mark = "" if rules[0][rule] == rules[1][rule] else "  <-"
        print(f"{rule:24} {rules[0][rule]:>7} {rules[1][rule]:>7}{mark}")
    missing = sorted(set(old) - set(new))
    added = sorted(set(new) - set(old))
    changed = sorted(i for i in set(old) & set(new) if old[i] != new[i])
    for label, ids, rows in (("missing", missing, old), ("new", added, new)):
        for i in ids:
            print(f"{label}: {json.dumps(rows[i], ensure_ascii=False)}")
    for i in changed:
        print(f"changed: {json.dumps(old[i], ensure_ascii=False)}\n"
              f"     -> {json.dumps(new[i], ensure_ascii=False)}")
    same = not (missing or added or changed)
    print(f"{len(old)} findings before, {len(new)} after: "
          + ("identical (ids, amounts, dates, links, facets)" if same else
             f"{len(missing)} missing, {len(added)} new, {len(changed)} changed"))
    return 0 if same else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("ledger", type=Path)
    d.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    return dump(args.ledger, args.out) if args.command == "dump" else compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
