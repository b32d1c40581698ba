"""A county's working day on a big ledger, command by command, each beside the bare beancount load.

    .venv/bin/python benchmarks/daily.py [--ledger /work/bench/big100k] [--quarter 2025Q3]
                                         [--rows 300] [--work /tmp/fundtrail-daily]

Copies the workspace (without any cache) and runs, each as its own process:
  bare load       beancount's loader on the same files without fundtrail's plugins (the yardstick)
  check (first)   `fundtrail check --json` with no cache of the loaded books
  check (second)  the same again: the books unchanged, from the cache (fundtrail.bookcache)
  notices         `fundtrail report village --all` for the quarter (one load, every village)
  audit           `fundtrail report audit` for the quarter
  reports (all)   `fundtrail report all`: notices, county and audit report from one load
  Fava first page `fundtrail serve` started, until its first page (the income statement) answers
  import          `fundtrail import` of a 300-row bank statement of the county's main account that
                  continues the books (its balance, its voucher numbers), on the books as the
                  steps before left them
`--save FILE` keeps the figures as JSON; `--against FILE` prints an earlier run's CPU seconds
beside each step's.
Each line: wall seconds, CPU seconds (user + system of the process and its children) and peak
memory (the process's largest resident set, from wait4; this script keeps its own small, as a
child's count starts from its parent's), then the ratio of wall time to the bare load's. The
machine's load average is printed first: on a shared machine wall time waits for the CPU, CPU
seconds do not.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

BIN = Path(sys.executable).parent
CACHES = ("*.picklecache", ".fundtrail-books.cache*", ".fundtrail-seals.cache*", "reports")
PAYEES = ["青禾建工有限公司", "鲁南路桥工程有限公司", "禾丰农业专业合作社", "富康电子商务有限公司"]


def run(args, cwd=None, env=None, until=None) -> tuple[float, float, int, int]:
    """(wall s, CPU s, peak RSS MiB, exit code) of one process (and its children)."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, env={**os.environ, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if until is not None:  # a server: time until `until()` succeeds, then stop it
        while process.poll() is None and not until():
            time.sleep(0.05)
        wall = time.perf_counter() - start
        process.terminate()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = wall if until is not None else time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, -15):
        sys.stderr.write(process.stderr.read().decode(errors="replace")[-2000:])
    process.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, code


def bare_main(root: Path) -> Path:
    """main.beancount without fundtrail's plugin lines: beancount's own load of the same files."""
    bare = root / ".bare-main.beancount"
    text = (root / "main.beancount").read_text("utf-8")
    bare.write_text(re.sub(r'(?m)^plugin "fundtrail\..*$', "", text), "utf-8")
    return bare


def statement(path: Path, root: Path, rows: int) -> None:
    """A statement of the county's main account that continues the books: it opens with the
    balance the books hold at their last day and runs on from the next day."""
    from fundtrail.books import Books

    books = Books.load(str(root / "main.beancount"), trust_caches=False)
    account = "Assets:Bank:ICBC-2345"
    last = max(e.date for e in books.entries if hasattr(e, "postings") or getattr(e, "account", "") == account)
    balance = sum((p.units.number for e in books.transactions for p in e.postings if p.account == account),
                  Decimal(0))
    # the statement's voucher numbers run on from the books' own: a number already imported is
    # taken for a row already in the books and left out (the statement would then not balance)
    prefix = account.rsplit(":", 1)[1] + "-"
    first = 1 + max((int(link[len(prefix):]) for e in books.transactions for link in e.links or ()
                     if link.startswith(prefix) and link[len(prefix):].isdigit()), default=0)
    rng, day = random.Random(1), last + datetime.timedelta(days=1)
    lines = ["中国工商银行对公账户明细", "户名:青禾区财政局衔接资金专户", "账号:1605 0012 0920 0012 345"]
    body = []
    for n in range(1, rows + 1):
        if rng.random() < 0.1:
            day += datetime.timedelta(days=1)
        amount = Decimal(rng.randint(100, 2_000_000)) / 100
        if rng.random() < 0.5 or balance < amount:
            balance += amount
            debit, credit = "", f'"{amount:,.2f}"'
        else:
            balance -= amount
            debit, credit = f'"{amount:,.2f}"', ""
        body.append(f"{day},{first + n - 1:08d},{rng.choice(PAYEES)},3701{n:014d},转账支取 日常{n},{debit},{credit},"
                    f'"{balance:,.2f}"')
    lines.append(f"起止日期:{last + datetime.timedelta(days=1)}至{day}")
    lines.append("日期,凭证号,对方户名,对方账号,摘要,借方发生额,贷方发生额,余额")
    path.write_bytes(("\n".join(lines + body) + "\n").encode("gbk"))


def answers(url: str):
    def check() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                return response.status == 200
        except OSError:
            return False
    return check


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=Path, default=Path("/work/bench/big100k"),
                        help="a workspace folder (copied, never written)")
    parser.add_argument("--quarter", default=None, help="default: the books' last full quarter")
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--work", type=Path, default=Path("/tmp/fundtrail-daily"))
    parser.add_argument("--skip", default="", help="comma-separated steps to leave out")
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--against", type=Path,
                        help="a JSON file an earlier run saved: its CPU seconds printed beside each step's")
    args = parser.parse_args()

    root = args.work / args.ledger.name
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(args.ledger, root, ignore=shutil.ignore_patterns(*CACHES))
    main_file = root / "main.beancount"
    fundtrail = [str(BIN / "fundtrail")]
    python = [sys.executable]
    rows = str(args.rows)
    stmt = args.work / f"statement-{rows}.csv"
    # in a child process: the books it loads would raise this process's peak memory, and with it
    # every step's (a child started by vfork/exec starts its peak count from its parent's)
    child = multiprocessing.get_context("fork").Process(target=statement, args=(stmt, root, args.rows))
    child.start()
    child.join()
    if child.exitcode:
        sys.exit(f"the statement could not be made (exit {child.exitcode})")
    for name in CACHES[:3]:
        for path in root.glob(name):
            path.unlink()
    quarter = args.quarter or last_quarter(root)
    port = free_port()
    bare = bare_main(root)
    skip = set(filter(None, args.skip.split(",")))
    steps = [
        ("bare beancount load", python + ["-c", "import sys; from beancount import loader; "
                                          "loader._load([(sys.argv[1], True)], None, None, None)",
                                          str(bare)], {}),
        ("check (first)", fundtrail + ["check", str(main_file), "--json"], {"fresh": True}),
        ("check (second)", fundtrail + ["check", str(main_file), "--json"], {}),
        (f"notices {quarter} (all villages)", fundtrail + ["report", "village", str(main_file),
                                                           "--quarter", quarter, "--all"], {}),
        (f"audit report {quarter}", fundtrail + ["report", "audit", str(main_file), "--period", quarter], {}),
        (f"reports {quarter} (all, one load)", fundtrail + ["report", "all", str(main_file),
                                                            "--quarter", quarter], {}),
        ("Fava first page", fundtrail + ["serve", str(main_file), "--port", str(port)],
         {"until": answers(f"http://127.0.0.1:{port}/")}),
        # last: a day's import starts from the books as the morning's commands left them (their
        # cache), and changes them
        (f"import {rows}-row statement", fundtrail + ["import", str(main_file), str(stmt)], {}),
    ]
    print(f"ledger {args.ledger} ({sum(1 for _ in open_lines(root))} lines), quarter {quarter}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    earlier = json.loads(args.against.read_text("utf-8")) if args.against else {}
    print(f"{'step':<34}{'wall s':>8}{'CPU s':>8}{'peak MiB':>10}{'x bare':>8}"
          + (f"{'earlier CPU s':>15}" if earlier else ""))
    bare_wall, figures = None, {}
    for label, command, options in steps:
        if any(label.startswith(s) for s in skip):
            continue
        if options.get("fresh"):
            for path in root.glob(".fundtrail-books.cache*"):
                path.unlink()
        wall, cpu, peak, code = run(command, cwd=root, until=options.get("until"))
        bare_wall = bare_wall or wall
        flag = "" if code in (0, -15) or (code == 1 and "check" in label) else f"  (exit {code})"
        step = label.split(" 20")[0]  # the quarter left out: runs on other quarters compare
        before = earlier.get(step, {}).get("cpu")
        figures[step] = {"wall": round(wall, 2), "cpu": round(cpu, 2), "peak_mib": peak, "exit": code}
        print(f"{label:<34}{wall:8.1f}{cpu:8.1f}{peak:10d}{wall / bare_wall:8.2f}"
              + (f"{before:15.1f}" if before is not None else "") + flag, flush=True)
    if args.save:
        args.save.write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")


def open_lines(root: Path):
    for path in sorted(root.rglob("*.beancount")):
        if not path.name.startswith("."):
            yield from path.open("rb")


def last_quarter(root: Path) -> str:
    """The last quarter the books hold transactions in (from the file names' dates is not enough:
    read the last transaction date of the imported file)."""
    days = re.findall(rb"(?m)^(\d{4})-(\d{2})-\d{2} [*!]", (root / "transactions/imported.beancount").read_bytes())
    from fundtrail.periods import quarter_label

    year, month = max((int(y), int(m)) for y, m in days)
    return quarter_label(datetime.date(year, month, 1))


if __name__ == "__main__":
    main()
