"""Peak memory and time of an import: large statements as a dry run, a monthly statement into big
books, and a large file that only looks like XML.

    .venv/bin/python benchmarks/import_memory.py [--rows 100000 300000] [--books WORKSPACE]

Each measurement runs `fundtrail import` in a child process under GNU time (/usr/bin/time: its
wall and CPU seconds, its peak resident memory):
  1. for each `--rows`: an ICBC-layout statement of that many rows (GBK CSV, as
     benchmarks/import_statement.py writes) imported with `--dry-run` into a new workspace;
  2. a 50 MB file that starts with `<` but is no voucher XML: the time until it is refused;
  3. with `--books WORKSPACE` (a copy: the import writes into it), a 300-row statement of the
     month after the books' last `balance` of Assets:Bank:ICBC-2345, imported for real.
Prints wall seconds, CPU seconds and peak MB of each.
"""

from __future__ import annotations

import argparse
import datetime
import random
import re
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from fundtrail import workspace

PAYEES = ["青禾建工有限公司", "鲁南路桥工程有限公司", "禾丰农业专业合作社", "富康电子商务有限公司", "代发一卡通"]
ACCOUNT = "Assets:Bank:ICBC-2345"


def statement(path: Path, rows: int, start: datetime.date = datetime.date(2020, 1, 1),
              balance: Decimal = Decimal("5000000.00"), end: datetime.date | None = None,
              seed: int = 1) -> None:
    """An ICBC-layout statement of `rows` rows from `start`, opening at `balance`, written line by
    line (a 300,000-row file is not built in memory)."""
    rng = random.Random(seed)
    day, debits, credits = start, Decimal(0), Decimal(0)
    per_day = max(1, rows // max(1, ((end or start) - start).days + 1)) if end else 0
    with open(path, "w", encoding="gbk", newline="\n") as out:
        out.write("中国工商银行对公账户明细\n户名:青禾区财政局衔接资金专户\n账号:1605 0012 0920 0012 345\n")
        out.write(f"起止日期:{start}至{end or '%END%'}\n")
        out.write("日期,凭证号,对方户名,对方账号,摘要,借方发生额,贷方发生额,余额\n")
        for n in range(1, rows + 1):
            if (per_day and n % per_day == 0 and day < end) or (not per_day and rng.random() < 0.03):
                day += datetime.timedelta(days=1)
            amount = Decimal(rng.randint(100, 5_000_000)) / 100
            if rng.random() < 0.5 or balance < amount:
                balance += amount
                credits += amount
                debit, credit = "", f'"{amount:,.2f}"'
            else:
                balance -= amount
                debits += amount
                debit, credit = f'"{amount:,.2f}"', ""
            out.write(f'{day},{start:%y%m}{n:08d},{rng.choice(PAYEES)},3701{n:014d},'
                      f'转账支取 项目款{n % 97},{debit},{credit},"{balance:,.2f}"\n')
        out.write(f'合计,,,,,"{debits:,.2f}","{credits:,.2f}",\n')
    if not end:  # the period's end is the last row's day: put it in the head line
        text = path.read_bytes()
        path.write_bytes(text.replace(b"%END%", str(day).encode(), 1))


def measured(args: list[str]) -> tuple[float, float, float, subprocess.CompletedProcess]:
    """(wall s, CPU s, peak MB) of a child process running `fundtrail` with `args`, measured by
    GNU time (/usr/bin/time): one child's own peak, not the largest so far."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        done = subprocess.run(["/usr/bin/time", "-o", out.name, "-f", "%e %U %S %M",
                               sys.executable, "-m", "fundtrail.cli", *args], capture_output=True, text=True)
        wall, user, system, peak = out.read().split()[-4:]
    return float(wall), float(user) + float(system), int(peak) / 1024, done


def report(label: str, wall: float, cpu: float, peak: float, done) -> None:
    last = (done.stdout.strip().splitlines() or done.stderr.strip().splitlines() or [""])[-1]
    print(f"{label:<44} {wall:7.2f} s wall {cpu:7.2f} s CPU {peak:8.0f} MB peak  "
          f"exit {done.returncode}: {last[:90]}")
    sys.stdout.flush()


def last_balance(root: Path) -> tuple[datetime.date, Decimal]:
    found = None
    pattern = re.compile(rf"^(\d{{4}}-\d\d-\d\d) balance {re.escape(ACCOUNT)}\s+(-?[\d.]+) CNY", re.M)
    for path in sorted((root / "transactions").glob("*.beancount")):
        for day, amount in pattern.findall(path.read_text("utf-8")):
            if found is None or day > found[0]:
                found = (day, amount)
    if found is None:
        raise SystemExit(f"no balance of {ACCOUNT} in {root}/transactions")
    return datetime.date.fromisoformat(found[0]), Decimal(found[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 300_000])
    parser.add_argument("--books", type=Path, help="a COPY of a workspace (the import writes into it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fundtrail-import-memory-") as tmp:
        tmp = Path(tmp)
        ledger = tmp / "ws" / "main.beancount"
        workspace.create(ledger.parent, workspace.County(start=datetime.date(2016, 1, 1)))
        for rows in args.rows:
            path = tmp / f"icbc-{rows}.csv"
            statement(path, rows)
            size = path.stat().st_size / 2**20
            report(f"dry run, {rows:,} rows ({size:.0f} MB)",
                   *measured(["import", str(ledger), str(path), "--dry-run"]))
            path.unlink()
        fake = tmp / "fake.xml"
        with open(fake, "wb") as out:
            out.write(b"<?xml version=\"1.0\"?>\n<root>\n")
            line = b"<row>" + b"x" * 1000 + b"</row>\n"
            while out.tell() < 50 * 2**20:
                out.write(line * 1000)
        report("50 MB file starting with '<'", *measured(["import", str(ledger), str(fake), "--dry-run"]))
        if args.books:
            books = args.books.resolve()
            day, balance = last_balance(books)
            end = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
            path = tmp / f"icbc-{day:%Y-%m}.csv"
            statement(path, 300, day, balance, end, seed=day.toordinal())
            report(f"import 300 rows into {books.name}",
                   *measured(["import", str(books / "main.beancount"), str(path)]))


if __name__ == "__main__":
    main()
