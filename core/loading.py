"""Loading the books with or without the caches: beancount's pickle cache and the seal plugin's
memory (fundtrail.sealcache).

beancount's pickle cache (`.main.beancount.picklecache`) is taken when no included file has a
new mtime or size; it skips the plugins altogether. So an edit that keeps a file's size and
mtime goes unseen by an ordinary load, and a workspace copied with `cp -a` keeps a cache that
names the original's files. Hence:

- `load(ledger)` (every ordinary command) uses the cache, unless the cache's include list names
  a file outside the workspace (a copied or moved workspace): then the cache is deleted and the
  books are read afresh;
- `load(ledger, trust_caches=False)` (`fundtrail verify`, `fundtrail seal`) reads every file and
  runs every plugin, with the seal plugin's memory switched off: the verdict never rests on a
  cache.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from beancount import loader

from fundtrail import sealcache


def load(ledger, trust_caches: bool = True):
    """(entries, errors, options) of the ledger."""
    path = Path(ledger).resolve()
    if not trust_caches:
        with sealcache.distrusted():
            return loader._uncached_load_file(str(path), None, None, None)  # beancount's own uncached path
    entries, errors, options = loader.load_file(str(path))
    if outside(options.get("include", ()), path.parent):
        with contextlib.suppress(OSError):
            os.remove(loader.get_cache_filename(loader.PICKLE_CACHE_FILENAME, str(path)))
        entries, errors, options = loader._uncached_load_file(str(path), None, None, None)
    return entries, errors, options


def outside(files, root: Path) -> list[str]:
    """The files not under `root` (a cache built for another copy of the workspace)."""
    root = Path(root).resolve()
    return [name for name in files if not Path(name).resolve().is_relative_to(root)]
