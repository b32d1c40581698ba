"""What a province rollup costs: N counties loaded, checked and exported on Dask, then queried
with DuckDB.

    .venv/bin/python benchmarks/province.py [--counties 40] [--transactions 25000]
        [--steps 10,20,40] [--speedup 10] [--dir DIR]

benchmarks/provincegen.py writes the counties into DIR (kept and reused). Then, each time with
beancount's pickle caches removed (every county loads cold, as after a change):

- scaling: the first 10, 20, 40 counties on a two-worker LocalCluster (one single-threaded
  worker process per core; the cluster's start-up, a few seconds, is not counted), total wall time and its growth between steps (linear = the ratio
  of the county counts);
- speed-up: the first --speedup counties on one worker, then on two;
- time per county (load + checks + Parquet) from the workers' own timings;
- a re-run with nothing changed (every county skipped by its content hash);
- DuckDB: the time of each province query and each cross-county rule over all counties'
  postings, best of three.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from provincegen import generate_province  # noqa: E402

from fundtrail.province.pseudonym import new_key_file, read_key  # noqa: E402
from fundtrail.province.queries import Province  # noqa: E402
from fundtrail.province.rollup import make_client, rollup  # noqa: E402
from fundtrail.province.rules import CHECKS, SETTINGS  # noqa: E402


def cold(ledgers) -> None:
    for ledger in ledgers:
        for cache in Path(ledger).parent.glob(".*.picklecache"):
            cache.unlink()


def _warm() -> None:
    import fundtrail.plugins.checks
    import fundtrail.province.export  # noqa: F401


def timed_rollup(ledgers, out: Path, key: bytes, workers: int) -> tuple[float, list]:
    """Wall time of the rollup on a cluster already started (its start-up is not counted)."""
    cold(ledgers)
    with make_client(workers=workers, memory_limit="3GiB") as client:
        client.wait_for_workers(workers)
        client.run(_warm)  # imports on every worker, so the first county does not pay them
        started = time.perf_counter()
        results = rollup(ledgers, out, key, lambda: contextlib.nullcontext(client), force=True)
        elapsed = time.perf_counter() - started
    failed = [r for r in results if r.status != "exported"]
    if failed:
        raise SystemExit(f"failed: {failed[0].ledger}: {failed[0].error}")
    return elapsed, results


def best(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=40)
    parser.add_argument("--transactions", type=int, default=25_000)
    parser.add_argument("--steps", default="10,20,40")
    parser.add_argument("--speedup", type=int, default=10)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "fundtrail-province")
    parser.add_argument("--queries", type=Path, default=None, metavar="OUT",
                        help="only time the DuckDB queries over an existing rollup in OUT")
    args = parser.parse_args()
    if args.queries:
        time_queries(args.queries)
        return
    steps = [int(s) for s in args.steps.split(",") if int(s) <= args.counties]

    source = args.dir / f"counties-{args.counties}x{args.transactions}"
    if not (source / "expected.json").exists():
        started = time.perf_counter()
        generate_province(source, args.counties, args.transactions)
        print(f"generated {args.counties} counties x ~{args.transactions:,} transactions "
              f"in {time.perf_counter() - started:.0f} s")
    ledgers = sorted(str(p) for p in source.glob("*/main.beancount"))
    txns = sum(p.read_text("utf-8").count(" * ") for p in source.glob("*/transactions/*.beancount"))
    print(f"{len(ledgers)} counties, {txns:,} transactions in all")
    key_file = args.dir / "province.key"
    if not key_file.exists():
        new_key_file(key_file)
    key = read_key(key_file)

    one, _ = timed_rollup(ledgers[:args.speedup], args.dir / "out-1w", key, 1)
    two, _ = timed_rollup(ledgers[:args.speedup], args.dir / "out-2w", key, 2)
    print(f"\nspeed-up on {args.speedup} counties: 1 worker {one:.1f} s, 2 workers {two:.1f} s, "
          f"x{one / two:.2f}")

    print("\nscaling on 2 workers (fresh cluster each, cold loads):")
    print(f"{'counties':>9} {'total s':>9} {'s/county':>9} {'growth':>8} {'ideal':>6}")
    previous, per_county = None, []
    for n in steps:
        out = args.dir / f"out-{n}"
        elapsed, results = timed_rollup(ledgers[:n], out, key, 2)
        per_county = [r.seconds for r in results]
        growth = f"x{elapsed / previous[1]:.2f}" if previous else ""
        ideal = f"x{n / previous[0]:.2f}" if previous else ""
        print(f"{n:>9} {elapsed:>9.1f} {elapsed / n:>9.2f} {growth:>8} {ideal:>6}")
        previous = (n, elapsed)
    print(f"\ntime per county on a worker (load + checks + Parquet), {len(per_county)} counties: "
          f"mean {statistics.mean(per_county):.1f} s, min {min(per_county):.1f} s, "
          f"max {max(per_county):.1f} s")

    started = time.perf_counter()
    skipped = rollup(ledgers[:steps[-1]], args.dir / f"out-{steps[-1]}", key,
                     lambda: make_client(workers=2))
    assert all(r.status == "skipped" for r in skipped)
    print(f"re-run, nothing changed ({len(skipped)} counties skipped): "
          f"{time.perf_counter() - started:.1f} s")

    time_queries(args.dir / f"out-{steps[-1]}")


def time_queries(out: Path, year: int = 2024) -> None:
    province = Province(out)
    rows = province.rows("SELECT count(*) AS n FROM postings")[0]["n"]
    print(f"\nDuckDB over {rows:,} postings of {len(province.counties())} counties (best of 3):")
    queries = {"by_county": lambda: province.by_county(year),
               "by_fund": lambda: province.by_fund(year),
               "by_level": lambda: province.by_level(year),
               "by_document": lambda: province.by_document(year),
               "progress": lambda: province.progress(year),
               "idle": lambda: province.idle(year),
               "county_findings": province.county_findings}
    queries.update({rule: (lambda c=check: list(c(province, SETTINGS)))
                    for rule, check in CHECKS.items()})
    for name, query in queries.items():
        print(f"  {name:<22} {best(query) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
