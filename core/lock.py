"""One writer at a time: the workspace lock.

Every command that writes the books (import, seal, a disposition, Fava's own saves through the
`serve` wrapper) holds `writing(root, what)` from reading the books it builds on to the git
commit. A second writer finds the lock held, says so and waits (up to `wait` seconds), then is
refused with `LockBusy`; two writers never interleave.

The lock is an advisory `flock` on the workspace folder itself: no file is written (a refused
import leaves the workspace byte-identical), and the kernel releases it when its holder dies,
even by kill -9. Inside one process it is re-entrant (`fundtrail import` holds it around
`run_import`, which takes it again) and serialises threads (Fava's threaded server).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from pathlib import Path

WAIT_SECONDS = 600.0


class LockBusy(Exception):
    """Another writer held the workspace longer than we would wait (Chinese + English)."""


class _Held:
    def __init__(self):
        self.guard = threading.RLock()  # one thread of this process at a time, re-entrant
        self.depth = 0
        self.handle: int | None = None


_held: dict[str, _Held] = {}
_table = threading.Lock()


@contextlib.contextmanager
def writing(root: Path, what: str, wait: float = WAIT_SECONDS, say=None):
    """Hold the workspace's write lock. `say(message)` is told once when we have to wait."""
    root = Path(root).resolve()
    with _table:
        state = _held.setdefault(str(root), _Held())
    if not state.guard.acquire(timeout=wait if wait >= 0 else -1):
        raise _busy(root, what, wait)
    try:
        if state.depth == 0:
            state.handle = _acquire(root, what, wait, say)
        state.depth += 1
        try:
            yield
        finally:
            state.depth -= 1
            if state.depth == 0:
                handle, state.handle = state.handle, None
                fcntl.flock(handle, fcntl.LOCK_UN)
                os.close(handle)
    finally:
        state.guard.release()


def _acquire(root: Path, what: str, wait: float, say) -> int:
    handle = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    deadline, told = time.monotonic() + wait, False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(handle)
                raise _busy(root, what, wait) from None
            if not told and say:
                say(f"账簿正在被另一操作写入, {what} 等待中… another command is writing the books; "
                    f"{what} is waiting")
                told = True
            time.sleep(0.05)


def _busy(root: Path, what: str, wait: float) -> LockBusy:
    return LockBusy(f"账簿正在被另一操作写入, 已等待 {wait:.0f} 秒, 请稍后再试 {what} / another command "
                    f"is writing the books of {root}; try again later")
