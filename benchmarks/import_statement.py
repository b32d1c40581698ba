"""Import a generated 100,000-row bank statement and compare with a plain beangulp importer.

    .venv/bin/python benchmarks/import_statement.py [--rows 100000] [--no-full]

Generates an ICBC-layout statement (GBK CSV, metadata lines above the header, split debit/credit
columns with thousands separators, a totals row), then times:
  1. fundtrail's statement importer `extract` (identify + parse + check the running balance +
     classify + link every row), the beangulp protocol path;
  2. a plain beangulp `csvbase.Importer` reading the same file (date, narration, payee, one
     amount from the two columns, balance): the baseline;
  3. unless --no-full, a whole `run_import` into an empty workspace: extract, drop what the books
     hold, file the source, validate by loading the would-be ledger, write atomically;
  4. `layout suggest` on the same file (it reads a sample of the head, so its time should not
     grow with the file).
Prints rows per CPU second and the ratio of (1) to (2); the target is a ratio >= 1.0.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from beangulp.importers import csvbase

from fundtrail import workspace
from fundtrail.importers.layout import builtin
from fundtrail.importers.pipeline import run_import
from fundtrail.importers.statement import StatementImporter
from fundtrail.importers.suggest import suggest


def generate(path: Path, rows: int, seed: int = 1) -> None:
    """The statement benchmarks/import_memory.py writes (from 2020-01-01, written line by line)."""
    from import_memory import statement

    statement(path, rows, seed=seed)


class DebitCredit(csvbase.Column):
    def parse(self, debit, credit):
        def number(text):
            return Decimal(text.replace(",", "")) if text.strip() else Decimal(0)
        return number(credit) - number(debit)


class Baseline(csvbase.Importer):
    """A plain csvbase importer for the same layout (the baseline)."""

    encoding = "gbk"
    skiplines = 4
    date = csvbase.Date("日期", "%Y-%m-%d")
    narration = csvbase.Column("摘要")
    payee = csvbase.Column("对方户名")
    amount = DebitCredit("借方发生额", "贷方发生额")
    balance = csvbase.Amount("余额", subs={",": ""})

    def identify(self, filepath):
        return True

    def read(self, filepath):
        return (row for row in super().read(filepath) if row[0] != "合计")


def timed(func) -> tuple[float, object]:
    """CPU seconds of the process: the machines this runs on are shared, and wall-clock time
    there measures the neighbours as much as the code."""
    start = time.process_time()
    result = func()
    return time.process_time() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-full", action="store_true", help="skip the whole run_import")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "icbc-statement.csv"
        generate(path, args.rows)
        root = tmp / "ws"
        main_file = workspace.create(root, workspace.County(start=datetime.date(2016, 1, 1)))
        ours = StatementImporter(builtin("icbc-corporate"), root)
        # first, while the process holds no entries (their garbage collection would be timed too)
        t_suggest, draft = timed(lambda: suggest(path))
        t_base, base = timed(lambda: Baseline("Assets:Bank:ICBC-2345", "CNY").extract(str(path), []))
        t_ours, entries = timed(lambda: ours.identify(str(path)) and ours.extract(str(path), []))
        n_base = sum(1 for e in base if type(e).__name__ == "Transaction")
        n_ours = sum(1 for e in entries if type(e).__name__ == "Transaction" and "opening" not in e.narration)
        assert n_base == n_ours == args.rows, (n_base, n_ours)
        print(f"rows: {args.rows:,}")
        print(f"beangulp csvbase baseline : {t_base:7.2f} s  {args.rows / t_base:10,.0f} rows/s")
        print(f"fundtrail statement extract: {t_ours:7.2f} s  {args.rows / t_ours:10,.0f} rows/s")
        print(f"ratio fundtrail/baseline (rows/s): {t_base / t_ours:.2f}  (target >= 1.0)")
        print(f"layout suggest on the {args.rows:,}-row file: {t_suggest:7.2f} s  (a sample of "
              f"{len(draft.rows):,} rows; running balance {'reconciles' if draft.reconciles else 'BROKEN'})")
        if not args.no_full:
            t_full, summary = timed(lambda: run_import(main_file, [path]))
            print(f"whole import (extract, dedup, validate by loading {summary.transactions:,} "
                  f"transactions, atomic write): {t_full:7.2f} s  {args.rows / t_full:10,.0f} rows/s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
