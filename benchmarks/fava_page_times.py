"""Response time of each fundtrail page in Fava on the 100k-transaction ledger, next to Fava's own
income statement on the same ledger (and the ratio).

    python benchmarks/fava_page_times.py [--dir /tmp/big] [--transactions 100000] [--repeat 5]

Fava's router fetches an extension page as `?partial=true` and the income statement as the JSON
of `api/income_statement`; those are compared first. The full pages (Fava's layout with the
ledger data, as on a first visit or a reload) are compared second. Times are medians of warm
requests; the first (cold) request is printed too. Everything the extension shows is computed in
`after_load_file`, whose time (wall clock, and CPU of this process: steadier on a shared
machine) is printed with the load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bigledger import generate  # noqa: E402

from fundtrail.web.serve import create_app  # noqa: E402

PAGES = ("Fundtrail", "FundtrailProjects", "FundtrailVillages", "FundtrailFindings")


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    """(cold, median warm) seconds for GET url; every answer must be 200."""
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return times[0], statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/fundtrail-bench-100k"))
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    ledger = args.dir / "main.beancount"
    if not ledger.exists():
        print(f"generating {args.transactions} transactions in {args.dir} ...")
        generate(args.dir, args.transactions)
    start = time.perf_counter()
    app = create_app(str(ledger))
    loaded = time.perf_counter() - start
    client = app.test_client()
    slug = client.get("/").headers["Location"].split("/")[1]
    fava_ledger = app.config["LEDGERS"].ledgers[0]
    extension = fava_ledger.extensions.get_extension("Fundtrail")
    if extension is None:
        sys.exit(f'{ledger} does not enable the extension: add custom "fava-extension" '
                 '"fundtrail.fava_ext" to it, or let this script generate a new workspace')
    start, cpu = time.perf_counter(), time.process_time()
    extension.after_load_file()
    built, built_cpu = time.perf_counter() - start, time.process_time() - cpu
    transactions = sum(1 for e in fava_ledger.all_entries if type(e).__name__ == "Transaction")
    print(f"ledger: {ledger} ({transactions} transactions, {len(extension.data.findings)} findings,"
          f" {len(extension.data.master.projects)} projects)")
    print(f"Fava load incl. extension: {loaded:.1f} s; extension after_load_file: {built:.2f} s"
          f" ({built_cpu:.2f} s CPU)")

    for label, suffix, reference in (
            ("as Fava's router fetches them", "?partial=true", f"/{slug}/api/income_statement"),
            ("full pages", "", f"/{slug}/income_statement/")):
        base_cold, base = timed(client, reference, args.repeat)
        if not suffix:  # the full income statement page is its layout plus the API call
            api_cold, api = timed(client, f"/{slug}/api/income_statement", args.repeat)
            base_cold, base = base_cold + api_cold, base + api
        print(f"\n{label}: median of {args.repeat} warm requests (cold first request)")
        print(f"  {'Fava income statement':<28} {base * 1000:8.0f} ms  ({base_cold * 1000:.0f} ms)"
              f"   ratio 1.00")
        for page in PAGES:
            cold, warm = timed(client, f"/{slug}/extension/{page}/{suffix}", args.repeat)
            print(f"  {page:<28} {warm * 1000:8.0f} ms  ({cold * 1000:.0f} ms)   ratio {warm / base:.2f}")


if __name__ == "__main__":
    main()
