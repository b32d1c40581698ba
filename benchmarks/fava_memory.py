"""Memory of a long-running `fundtrail serve`: does it grow with the time filters asked, and with
report jobs across reloads?

    .venv/bin/python benchmarks/fava_memory.py [--source /work/bench/big10k | --demo]
        [--filters 200] [--cycles 3] [--port 5466]

Copies the workspace `--source` into a temporary folder (the source is never written), or makes
a fresh demo, and starts `fundtrail serve` on it as a separate process. Then prints the server's
resident memory (VmRSS of /proc/PID/status):
1. after the dashboard without a filter; after 25, 50, 100 and `--filters` distinct time
   filters (day ranges, as a user typing filters or a crawler asks for them); after the same
   filters again (and the seconds the last 16 of them took, first time and again: what the kept
   views save);
2. over `--cycles` rounds of: a report job (the xlsx export) followed to its file, then a change
   of main.beancount and a page (Fava reloads the books). A finished job that kept its books would
   add one set of books per round.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote


def rss(pid: int) -> int:
    """The process's resident memory in MiB."""
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", text).group(1)) // 1024


class Server:
    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def get(self, path: str) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        body = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.split(";", 1)[0].partition("=")
                self.cookies[key] = rest
        return response.status, dict(response.getheaders()), body


def filters(first: datetime.date, last: datetime.date, count: int) -> list[str]:
    """`count` distinct day ranges within [first, last], as Fava's time filter writes them."""
    span = max(1, (last - first).days - 120)
    out = []
    for n in range(count):
        start = first + datetime.timedelta(days=(n * 37) % span)
        end = start + datetime.timedelta(days=20 + (n * 13) % 90)
        out.append(f"{start.isoformat()} - {end.isoformat()}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("/work/bench/big10k"))
    parser.add_argument("--demo", action="store_true", help="a fresh demo instead of --source")
    parser.add_argument("--filters", type=int, default=200)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--port", type=int, default=5466)
    args = parser.parse_args()

    cli = str(Path(sys.executable).parent / "fundtrail")
    temp = Path(tempfile.mkdtemp(prefix="fundtrail-fava-memory-"))
    root = temp / "ws"
    if args.demo:
        subprocess.run([cli, "demo", "--dir", str(root)], check=True, capture_output=True)
    else:
        shutil.copytree(args.source, root, ignore=shutil.ignore_patterns(".git", "*.picklecache"))
    main_file = root / "main.beancount"
    server = subprocess.Popen([cli, "serve", str(main_file), "--port", str(args.port), "--threads", "4"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    web = Server(args.port)
    try:
        while True:
            if server.poll() is not None:
                print("the server stopped")
                return 1
            try:
                status, headers, _ = web.get("/")
                if status in (301, 302):
                    break
            except OSError:
                time.sleep(0.5)
        slug = headers["Location"].split("/")[1]
        dashboard = f"/{slug}/extension/Fundtrail/"
        status, _, body = web.get(dashboard)
        assert status == 200, status
        years = sorted({int(y) for y in re.findall(r"time=(\d{4})", body.decode())
                        if 2000 <= int(y) <= 2100}) or [2024, 2025]
        first, last = datetime.date(years[0], 1, 1), datetime.date(years[-1], 12, 31)
        print(f"ledger {args.source if not args.demo else 'fresh demo'}; years {years[0]}-{years[-1]}")
        print(f"RSS after the dashboard, no filter:   {rss(server.pid)} MiB")
        asked = filters(first, last, args.filters)
        timings = []
        for time_filter in asked:
            began = time.perf_counter()
            status, _, _ = web.get(f"{dashboard}?time={quote(time_filter)}")
            timings.append(time.perf_counter() - began)
            assert status == 200, (status, time_filter)
            if len(timings) in (25, 50, 100) and len(timings) < len(asked):
                print(f"RSS after {len(timings)} distinct filters:      {rss(server.pid)} MiB", flush=True)
        print(f"RSS after {len(asked)} distinct filters:     {rss(server.pid)} MiB")
        again = []
        for time_filter in asked[-16:]:
            began = time.perf_counter()
            web.get(f"{dashboard}?time={quote(time_filter)}")
            again.append(time.perf_counter() - began)
        print(f"RSS after the last 16 again:          {rss(server.pid)} MiB")
        print(f"the last 16 filters: {sum(timings[-16:]):.2f} s first, {sum(again):.2f} s again "
              f"(all {len(asked)}: {sum(timings):.1f} s)")

        year = years[-1]
        for cycle in range(1, args.cycles + 1):
            _, _, page = web.get(f"{dashboard}?time={year}")  # its buttons carry the page's token
            button = re.search(rb'href="([^"]*/xlsx\?[^"]*)"', page).group(1).decode().replace("&amp;", "&")
            status, headers, body = web.get(button)
            assert status == 303, (status, body[-500:])
            job = headers["Location"]
            while True:
                status, _, body = web.get(job)
                if status != 200 or b'http-equiv="refresh" content="0;' in body:
                    break
                time.sleep(0.2)
            link = re.search(rb'<a class="button" href="([^"]+)">', body).group(1).decode().replace("&amp;", "&")
            status, _, data = web.get(link)
            assert status == 200 and data[:2] == b"PK", status
            with main_file.open("a", encoding="utf-8") as books:
                books.write(f"\n; reload {cycle}\n")
            time.sleep(1.1)
            web.get(f"/{slug}/api/changed")
            web.get(dashboard)
            print(f"RSS after job + reload {cycle}:             {rss(server.pid)} MiB "
                  f"(xlsx {len(data) // 1024} KiB)")
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
