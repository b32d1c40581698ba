"""Load test of `fundtrail serve --users`: logged-in users browsing while an import and a seal run.

    .venv/bin/python benchmarks/serve_load.py [--source /work/bench/chk/county-100000]
        [--users 20] [--seconds 180] [--threads 16] [--port 5455]

Copies the workspace `--source` into a temporary folder (the source is never written), puts it
under git, writes a users file of `--users` users (a quarter accountants, the rest auditors) and
starts `fundtrail serve --users` on cheroot as a separate process, as an office would run it.
When the books are loaded, every user logs in through the login page and browses Fava's pages
and the fundtrail pages in a loop, each on their own keep-alive connection, for `--seconds` (and
15 s after the last write); meanwhile `fundtrail import` brings in a small bank statement for the workspace's ICBC account
and `fundtrail seal` seals the books through the last day before it (both as separate
processes, as the accountant would run them at the same time; they wait for each other on the
workspace lock).

Checks, then prints: no request failed (a 5xx answer, a refused or dropped connection, a page
that is not 200); no lost write (the statement's rows are in the books, the import and the seal
are commits, nothing is left uncommitted); and the requests served, their median, 95th
percentile and longest response time, overall and per page, and the times of the load, the
import and the seal. Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from fundtrail import history
from fundtrail.web import users

PAGES = ("income_statement/", "balance_sheet/", "trial_balance/", "api/income_statement",
         "api/balance_sheet", "extension/Fundtrail/?partial=true",
         "extension/FundtrailProjects/?partial=true", "extension/FundtrailVillages/?partial=true",
         "extension/FundtrailFindings/?partial=true")
ACCOUNT = "Assets:Bank:ICBC-2345"
STATEMENT_DAY = datetime.date(2026, 1, 5)
SERIAL = "LOADTEST"


def statement(path: Path, opening: Decimal, rows: int = 24) -> None:
    """A small ICBC statement for the ICBC-2345 account, starting at the books' balance."""
    balance, lines = opening, []
    debits = credits = Decimal(0)
    for n in range(1, rows + 1):
        day = STATEMENT_DAY + datetime.timedelta(days=n // 6)
        if n % 3 == 1:
            amount = Decimal(100000 + n * 1000)
            balance, credits = balance + amount, credits + amount
            debit, credit, payee, purpose = "", f'"{amount:,.2f}"', "财政局", "国库下达至专户"
        else:
            amount = Decimal(20000 + n * 137) / 1
            balance, debits = balance - amount, debits + amount
            debit, credit, payee, purpose = f'"{amount:,.2f}"', "", "青禾建工有限公司", f"项目款{n}"
        lines.append(f'{day},{SERIAL}{n:04d},{payee},3701{n:014d},{purpose},{debit},{credit},"{balance:,.2f}"')
    head = ["中国工商银行对公账户明细", "户名:青禾区财政局衔接资金专户", "账号:1605 0012 0920 0012 345",
            f"起止日期:{STATEMENT_DAY}至{STATEMENT_DAY + datetime.timedelta(days=rows // 6)}",
            "日期,凭证号,对方户名,对方账号,摘要,借方发生额,贷方发生额,余额"]
    tail = [f'合计,,,,,"{debits:,.2f}","{credits:,.2f}",']
    path.write_bytes(("\n".join(head + lines + tail) + "\n").encode("gbk"))


def last_balance(root: Path) -> tuple[Decimal, datetime.date]:
    found = re.findall(rf"^(\d{{4}}-\d\d-\d\d) balance {re.escape(ACCOUNT)} +(-?[\d.]+) CNY",
                       (root / "transactions/imported.beancount").read_text("utf-8"), re.M)
    day, amount = max(found)
    return Decimal(amount), datetime.date.fromisoformat(day)


class Browser:
    """One user: a keep-alive connection, the session cookie, the times of their requests."""

    def __init__(self, port: int, name: str, password: str):
        self.port, self.name, self.password = port, name, password
        self.cookie, self.times, self.failures = "", [], []
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in (1, 2):  # a keep-alive connection the server closed is reopened once
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                return response, response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
                if attempt == 2:
                    raise

    def login(self) -> str:
        _, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        form = urlencode({"name": self.name, "password": self.password, "next": "/", "csrf_token": token})
        response, _ = self.request("POST", "/login", form,
                                   {"Content-Type": "application/x-www-form-urlencoded"})
        if response.status != 302:
            raise RuntimeError(f"login of {self.name} answered {response.status}")
        self.cookie = response.getheader("Set-Cookie").split(";")[0]
        response, _ = self.request("GET", "/")
        return response.getheader("Location").strip("/").split("/")[0]

    def browse(self, slug: str, stop: threading.Event, offset: int) -> None:
        n = offset
        while not stop.is_set():
            page = PAGES[n % len(PAGES)]
            n += 1
            start = time.perf_counter()
            try:
                response, _ = self.request("GET", f"/{slug}/{page}")
                status = response.status
            except OSError as error:
                status = f"{type(error).__name__}: {error}"
            self.times.append((page, time.perf_counter() - start))
            if status != 200:
                self.failures.append((page, status))


def run_command(args: list[str], root: Path, results: dict, key: str) -> None:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, cwd=root)
    results[key] = (done.returncode, time.perf_counter() - start, (done.stdout + done.stderr)[-800:])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("/work/bench/chk/county-100000"))
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--port", type=int, default=5455)
    parser.add_argument("--keep", action="store_true", help="keep the temporary workspace")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="fundtrail-serve-load-"))
    root = temp / "ws"
    shutil.copytree(args.source, root, ignore=shutil.ignore_patterns(".git", "*.picklecache"))
    history.init(root, "基线 baseline")
    opening, last_day = last_balance(root)
    inbox = temp / "icbc-2026-01.csv"
    statement(inbox, opening)
    users_path = temp / "users.json"
    people = []
    for n in range(args.users):
        role = "accountant" if n % 4 == 0 else "auditor"
        name, password = f"{'会计' if role == 'accountant' else '审计'}{n:02d}", f"load-pass-{n:02d}-x"
        users.add(users_path, name, role, password)
        people.append((name, password))
    cli = str(Path(sys.executable).parent / "fundtrail")
    server = subprocess.Popen([cli, "serve", str(root / "main.beancount"), "--users", str(users_path),
                               "--port", str(args.port), "--threads", str(args.threads)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        started = time.perf_counter()
        while True:
            if server.poll() is not None:
                print(server.stdout.read())
                return 1
            try:
                connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
                connection.request("GET", "/login")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(1)
        loaded = time.perf_counter() - started
        print(f"server up after {loaded:.1f} s (the books loaded); {args.users} users, "
              f"{args.threads} worker threads, {args.seconds:.0f} s of browsing")
        browsers = [Browser(args.port, name, password) for name, password in people]
        slug = browsers[0].login()
        for browser in browsers[1:]:
            browser.login()
        began, stop = time.monotonic(), threading.Event()
        clients = [threading.Thread(target=b.browse, args=(slug, stop, i)) for i, b in enumerate(browsers)]
        for client in clients:
            client.start()
        writes: dict[str, tuple] = {}
        time.sleep(min(10, args.seconds / 10))
        writers = [threading.Thread(target=run_command, args=(
                       [cli, "import", str(root / "main.beancount"), str(inbox)], root, writes, "import")),
                   threading.Thread(target=run_command, args=(
                       [cli, "seal", str(root / "main.beancount"), "--through", str(last_day)],
                       root, writes, "seal"))]
        for writer in writers:
            writer.start()
            time.sleep(1)
        for writer in writers:
            writer.join()
        # browse on for at least --seconds, and 15 s after the writes (the reloaded books)
        time.sleep(max(15, began + args.seconds - time.monotonic()))
        stop.set()
        for client in clients:
            client.join()
        browsed = time.monotonic() - began
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()

    times = [t for b in browsers for _page, t in b.times]
    failures = [f for b in browsers for f in b.failures]
    print(f"requests served: {len(times)} in {browsed:.0f} s ({len(times) / browsed:.1f}/s); "
          f"failed: {len(failures)}")
    print(f"response time: median {statistics.median(times):.3f} s, 95th percentile "
          f"{percentile(times, 0.95):.3f} s, longest {max(times):.3f} s")
    for page in PAGES:
        mine = [t for b in browsers for p, t in b.times if p == page]
        if mine:
            print(f"  {page:45} {len(mine):5} requests  median {statistics.median(mine):7.3f} s  "
                  f"p95 {percentile(mine, 0.95):7.3f} s")
    for key, (code, seconds, tail) in sorted(writes.items()):
        print(f"{key}: exit {code} after {seconds:.1f} s" + ("" if code == 0 else f"\n{tail}"))
    imported = (root / "transactions/imported.beancount").read_text("utf-8")
    rows = len(re.findall(rf"\^ICBC-2345-{SERIAL}\d{{4}}", imported))
    log = subprocess.run(["git", "-C", str(root), "log", "--format=%s"], capture_output=True,
                         text=True).stdout
    dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True,
                           text=True).stdout
    sealed = f"seal through {last_day}" in log
    print(f"statement rows in the books: {rows} of 24; import committed: {'import' in log.lower()}; "
          f"seal committed: {sealed}; uncommitted files: {len(dirty.splitlines())}")
    for page, status in failures[:10]:
        print(f"  failed: {page}: {status}")
    ok = not failures and rows == 24 and sealed and not dirty.strip() and \
        all(code == 0 for code, _s, _t in writes.values()) and len(writes) == 2
    if args.keep:
        print(f"workspace kept in {root}")
    else:
        shutil.rmtree(temp)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
