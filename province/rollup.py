"""Roll many counties up in parallel on Dask: load, check and export each county's Parquet.

    rollup(["a/main.beancount", "b/main.beancount"], "out", key, on_done=print)

One task per county on a `dask.distributed` cluster: a LocalCluster of worker processes on
this machine by default (one single-threaded worker per core: loading a ledger is pure
Python and holds the GIL), or an existing cluster by its scheduler address. The workers write
into OUT/counties/, which on a real cluster must be storage every worker and the client see.

A county whose ledger files are unchanged since its last export (the content hash of its
ledger files and registers, the key's fingerprint and the schema version, kept in
OUT/rollup.json) is skipped. A county that fails is reported with its error and the others go
on; its previous export, if any, stays in place and rollup.json says so.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from fundtrail.atomicwrite import atomic
from fundtrail.province.pseudonym import Pseudonymizer
from fundtrail.province.schema import SCHEMA_VERSION

STATE = "rollup.json"
COUNTIES = "counties"
_LEDGER_FILES = ("*.beancount", "registers/*.csv")


@dataclass
class CountyResult:
    ledger: str
    status: str  # exported | skipped | failed
    county: str = ""
    name: str = ""
    transactions: int = 0
    findings: int = 0
    seconds: float = 0.0
    error: str = ""
    content_hash: str = ""


def content_hash(ledger: str | os.PathLike, key_fingerprint: str) -> str:
    """SHA-256 over every ledger file and register of the workspace, the key and the schema."""
    root = Path(ledger).resolve().parent
    digest = hashlib.sha256(f"{SCHEMA_VERSION}\x1f{key_fingerprint}".encode())
    files = sorted({p for pattern in _LEDGER_FILES for p in root.rglob(pattern)
                    if "reports" not in p.relative_to(root).parts})
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\x1f")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _export_task(ledger: str, out: str, key: bytes, digest: str) -> CountyResult:
    """What a worker runs: never raises, so one county's failure is a result, not a crash."""
    import time

    from fundtrail.province.export import export_county

    started = time.perf_counter()
    try:
        done = export_county(ledger, out, key, digest)
    except Exception as error:  # noqa: BLE001 - every failure is reported per county
        return CountyResult(ledger, "failed", error=f"{type(error).__name__}: {error}",
                            seconds=time.perf_counter() - started)
    return CountyResult(ledger, "exported", done["county"], done["name"], done["transactions"],
                        done["findings"], time.perf_counter() - started, content_hash=digest)


def read_state(out: Path) -> dict:
    try:
        return json.loads((out / STATE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def make_client(scheduler: str | None = None, workers: int | None = None,
                memory_limit: str = "2GiB"):
    """A client of the cluster at `scheduler`, else of a new LocalCluster of worker processes."""
    from dask.distributed import Client

    if scheduler:
        return Client(scheduler)
    return Client(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                  memory_limit=memory_limit, dashboard_address=":0")  # closed with the client


def rollup(ledgers: list[str], out: str | os.PathLike, key: bytes, connect: Callable,
           on_done: Callable[[CountyResult], None] | None = None,
           force: bool = False) -> list[CountyResult]:
    """Export every county that changed; results in the order the counties finish.

    `connect()` gives the Dask client (a context manager), called only when a county changed."""
    from dask.distributed import as_completed

    out = Path(out)
    (out / COUNTIES).mkdir(parents=True, exist_ok=True)
    state = read_state(out)
    fingerprint = Pseudonymizer(key).fingerprint
    results, todo = [], []
    for ledger in ledgers:
        ledger = str(Path(ledger).resolve())
        if not Path(ledger).is_file():
            results.append(CountyResult(ledger, "failed", error="找不到账簿文件 ledger file not found"))
            continue
        try:
            digest = content_hash(ledger, fingerprint)
        except OSError as error:
            results.append(CountyResult(ledger, "failed", error=f"{type(error).__name__}: {error}"))
            continue
        kept = state.get(ledger, {})
        if not force and kept.get("content_hash") == digest and kept.get("status") != "failed" \
                and (out / COUNTIES / kept.get("county", "?") / "county.parquet").exists():
            results.append(CountyResult(ledger, "skipped", kept["county"], kept.get("name", ""),
                                        kept.get("transactions", 0), kept.get("findings", 0),
                                        content_hash=digest))
            continue
        todo.append((ledger, digest))
    for result in results:
        if on_done:
            on_done(result)
    if todo:
        with connect() as client:
            futures = {client.submit(_export_task, ledger, str(out / COUNTIES), key, digest,
                                     key=f"county-{hashlib.sha1(ledger.encode()).hexdigest()[:12]}"
                                         f"-{digest[:8]}", pure=False): ledger
                       for ledger, digest in todo}
            for future in as_completed(futures):
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 - a worker died (memory, killed)
                    result = CountyResult(futures[future], "failed",
                                          error=f"{type(error).__name__}: {error}")
                results.append(result)
                if on_done:
                    on_done(result)
    results = _refuse_shared_codes(out, results)
    _save_state(out, state, results)
    return results


def _refuse_shared_codes(out: Path, results: list[CountyResult]) -> list[CountyResult]:
    """Two ledgers exporting as one county code would overwrite each other: both fail, and
    the folder they wrote is removed rather than left holding one of them."""
    by_code: dict[str, list[str]] = {}
    for result in results:
        if result.status != "failed":
            by_code.setdefault(result.county, []).append(result.ledger)
    shared = {code: ledgers for code, ledgers in by_code.items() if len(ledgers) > 1}
    for code in shared:
        shutil.rmtree(out / COUNTIES / code, ignore_errors=True)
    return [replace(r, status="failed", content_hash="", error=(
                f"区划代码重复 county code {r.county} is also that of "
                f"{', '.join(x for x in shared[r.county] if x != r.ledger)}"))
            if r.status != "failed" and r.county in shared else r for r in results]


def _save_state(out: Path, state: dict, results: list[CountyResult]) -> None:
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    for result in results:
        previous = state.get(result.ledger, {})
        entry = {**asdict(result), "checked": now}
        if result.status == "failed" and previous.get("county"):
            entry.update(county=previous["county"], name=previous.get("name", ""),
                         in_use=f"上次导出 previous export of {previous.get('checked', '')}")
            entry["content_hash"] = ""
        state[result.ledger] = entry
    atomic(out / STATE, json.dumps(state, ensure_ascii=False, indent=1).encode("utf-8"))
