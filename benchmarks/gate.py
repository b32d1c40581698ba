"""What the pre-payment gate costs: a 500-line payment request list against a county ledger.

    python benchmarks/gate.py /work/bench/big100k [--lines 500] [--keep DIR]

The workspace is copied first (the gate writes nothing, but a load may write beancount's pickle
cache next to the ledger). Prints: the load of the books (`Books.load`, with the checks
plugin), the gate on the loaded books (reading the batch with the importers and running every
rule over the books plus the batch: `read_batch` + `plugins.gate.judge`), its share against
the load, a second batch of the same day on the same books (the books' own findings of that day
are then kept), and the whole `fundtrail gate` command in a fresh process. Target: the gate on
loaded books within 5 s for 500 lines on 100,000 transactions.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gatebatch import write_requests  # noqa: E402

from fundtrail.books import Books  # noqa: E402
from fundtrail.importers.batch import read_batch  # noqa: E402
from fundtrail.plugins import gate  # noqa: E402


def batch_lines(books: Books, count: int) -> tuple[datetime.date, list[dict]]:
    """`count` payments on the first working day after the books: library projects paid to the
    firms the books already pay, amounts spread as contractor payments are."""
    day = books.transactions[-1].date + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    firms = sorted({p.entry.payee for p in books.index.payments if p.entry.payee.endswith("公司")})
    codes = sorted(c for c in books.master.projects if c in books.index.spent_on)
    rows = []
    for n in range(count):
        rows.append({"date": day, "payee": firms[n % len(firms)], "account": f"62305200{n:011d}",
                     "project": codes[(n * 7) % len(codes)],
                     "amount": Decimal(1000 + (n * 7919) % 90000) + Decimal(n % 100) / 100,
                     "purpose": "进度款"})
    return day, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="copy the workspace here and keep it")
    args = parser.parse_args()
    scratch = None
    if args.keep:
        root = args.keep
    else:
        scratch = tempfile.TemporaryDirectory(prefix="fundtrail-gate-bench-")
        root = Path(scratch.name) / "ws"
    if not (root / "main.beancount").exists():
        shutil.copytree(args.workspace, root, ignore=shutil.ignore_patterns("*.picklecache", ".git"))
    ledger = root / "main.beancount"
    try:
        Books.load(str(ledger))  # the pickle cache a county's server would have
        started = time.perf_counter()
        books = Books.load(str(ledger))
        load = time.perf_counter() - started
        day, rows = batch_lines(books, args.lines)
        path = write_requests(root.parent / "batch.csv", rows)
        times = []
        for _ in range(2):
            started = time.perf_counter()
            batch = read_batch([path], root, books.entries, day)
            result = gate.judge(books.entries, books.options, batch.lines, batch.opens, day)
            times.append(time.perf_counter() - started)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "fundtrail.cli", "gate", str(ledger), str(path),
                               "--json"], capture_output=True)
        command = time.perf_counter() - started
        print(f"ledger: {len(books.transactions):,} transactions, batch: {len(result.lines)} lines "
              f"({len(result.held)} held), pay day {day}")
        print(f"load (Books.load, cached):      {load:7.2f} s")
        print(f"gate on loaded books:           {times[0]:7.2f} s  (target 5 s)")
        print(f"  same-day batch again:         {times[1]:7.2f} s")
        print(f"share spent loading:            {load / (load + times[0]):7.1%}  (load / (load + gate))")
        print(f"whole `fundtrail gate` command: {command:7.2f} s  (exit {done.returncode})")
    finally:
        if scratch:
            scratch.cleanup()


if __name__ == "__main__":
    main()
