"""Many reports from one load of the books: the HTML of each is made here, in order (it needs
the books); their PDFs (weasyprint, the cost of a report, which needs only the HTML) are
rendered in worker processes, one per core this process may use, while the next HTML is made.
The workers are forked (where the system can): they start at once, with weasyprint imported.
Only for a command line; a threaded server (Fava) renders in its own thread.

    for name, content in batch.render([(name, lambda: notice_html(...)), ...]):
        write(name, content)

The PDFs come back in the order given. With one core, or one report, everything runs here.
A worker's error (a missing font) is raised here, as a serial render would raise it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from fundtrail.reports import render


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def render_all(jobs: Iterable[tuple[str, Callable[[], str]]],
               workers: int | None = None) -> Iterator[tuple[str, bytes]]:
    """(name, PDF) for each (name, function making the report's HTML), in order."""
    jobs = list(jobs)
    count = min(workers or cores(), len(jobs))
    if count <= 1:
        for name, make in jobs:
            yield name, render.pdf_of(make())
        return
    render.ensure_cjk_font()  # one clear error before any worker starts
    import weasyprint  # noqa: F401 (imported once, before the workers fork)

    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    gc.freeze()  # the books stay shared with the forked workers, not copied by their collector
    try:
        yield from _render(jobs, count, context)
    finally:
        gc.unfreeze()


def _render(jobs, count, context):
    with ProcessPoolExecutor(count, mp_context=context) as pool:
        pending: list[tuple[str, Future]] = []
        for name, make in jobs:
            pending.append((name, pool.submit(render.pdf_of, make())))
            while pending and pending[0][1].done():
                done_name, future = pending.pop(0)
                yield done_name, future.result()
        for name, future in pending:
            yield name, future.result()
