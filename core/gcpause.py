"""Pause Python's cyclic garbage collector around bulk work on a loaded ledger.

Importing, checking and building dashboards allocate many small objects but no cycles; with a
100k-transaction ledger in memory every automatic collection walks all of it, which costs more
than the work itself. The collector runs again, as usual, once the block ends.
"""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
