"""Pause Python's cyclic garbage collector around bulk work on a loaded ledger.

Importing, checking and building dashboards allocate many small objects but no cycles; with a
100k-transaction ledger in memory every automatic collection walks all of it, which costs more
than the work itself. The collector runs again, as usual, once the block ends.

What the block allocated and kept (an index, a dashboard, a statement's entries) lives as long
as the loaded books, so on leaving the block it is moved straight to the oldest generation
(`gc.freeze()` then `gc.unfreeze()`, both constant-time list moves) instead of being traversed
by the first young collection after `gc.enable()`, which would walk every object the block
kept, to no purpose: refcounting still frees the acyclic ones, and a full collection still
finds cycles. Skipped when something else holds objects frozen, as a forking server may.
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
            if gc.get_freeze_count() == 0:
                gc.freeze()  # the young generations' objects, untraversed, to the permanent one
                gc.enable()
                gc.unfreeze()  # and from there to the oldest
            else:
                gc.enable()


@contextlib.contextmanager
def set_aside():
    """The objects alive on entering the block (the loaded books) out of the collector's reach
    inside it; the collector runs as usual on what the block allocates. For work that makes
    and drops many objects of its own, cycles among them, beside books it does not change: a
    PDF's layout (at 100k the collections walked the loaded ledger for a fifth of the render).
    Skipped when something else holds objects frozen (a forked worker's inherited books)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
