"""One writer at a time: the workspace lock.

Every command that writes the books (import, seal, a disposition, Fava's own saves through the
`serve` wrapper) holds `writing(root, what)` from reading the books it builds on to the git
commit. A second writer finds the lock held, says so and waits (up to `wait` seconds), then is
refused with `LockBusy`; two writers never interleave.

The lock is an advisory `flock` on the workspace folder itself: no file is written (a refused
import leaves the workspace byte-identical), and the kernel releases it when its holder dies,
even by kill -9. Inside one process it is re-entrant (`fundtrail import` holds it around
`run_import`, which takes it again) and serialises threads (Fava's threaded server).

What a waiting or refused writer is told is Chinese and names the workspace by its folder's name
(never the machine's path), what holds the lock (another writer of this process by what it
does; another process by its id and its fundtrail command, read from the kernel's lock table,
/proc/locks), how long it waited and what to do.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from pathlib import Path

from fundtrail.workspace import shown_name

WAIT_SECONDS = 600.0
# a holder's fundtrail command (/proc/PID/cmdline) as the message names it
COMMANDS = {"import": "导入", "seal": "封账", "serve": "网页服务（Fava 中的保存或疑点处置）",
            "init": "新建账簿", "demo": "生成演示账簿", "users": "用户管理"}


class LockBusy(Exception):
    """Another writer held the workspace longer than we would wait (Chinese only: a browser
    shows it as it is)."""


class _Held:
    def __init__(self):
        self.guard = threading.RLock()  # one thread of this process at a time, re-entrant
        self.depth = 0
        self.handle: int | None = None
        self.what = ""  # what the writer holding it does (told to a thread of this process that waits)


_held: dict[str, _Held] = {}
_table = threading.Lock()


@contextlib.contextmanager
def writing(root: Path, what: str, wait: float = WAIT_SECONDS, say=None):
    """Hold the workspace's write lock. `say(message)` is told once when we have to wait."""
    root = Path(root).resolve()
    with _table:
        state = _held.setdefault(str(root), _Held())
    if not state.guard.acquire(blocking=False):
        held_by = f"本程序的另一操作（{state.what}）" if state.what else ""
        if say:
            say(_waiting(root, what, held_by))
            say = None  # told once
        if not state.guard.acquire(timeout=wait if wait >= 0 else -1):
            raise _busy(root, what, wait, held_by)
    try:
        if state.depth == 0:
            state.handle = _acquire(root, what, wait, say)
            state.what = what
        state.depth += 1
        try:
            yield
        finally:
            state.depth -= 1
            if state.depth == 0:
                handle, state.handle, state.what = state.handle, None, ""
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
                raise _busy(root, what, wait, holder(root)) from None
            if not told and say:
                say(_waiting(root, what, holder(root)))
                told = True
            time.sleep(0.05)


def holder(root: Path) -> str:
    """Who holds the workspace's lock in another process, as a message names it: `进程 4242
    （fundtrail 导入）`; "" when the kernel's lock table does not say (not Linux, already released)."""
    try:
        stat = os.stat(root)
        wanted = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
        with open("/proc/locks", encoding="ascii", errors="replace") as table:
            rows = [line.split() for line in table]
    except OSError:
        return ""
    pids = [row[4] for row in rows if len(row) > 5 and row[1:4] == ["FLOCK", "ADVISORY", "WRITE"]
            and row[5] == wanted and row[4].isdigit()]
    if not pids or int(pids[0]) == os.getpid():
        return ""
    return f"进程 {pids[0]}{_command(int(pids[0]))}"


def _command(pid: int) -> str:
    """`（fundtrail 导入）` for a fundtrail command, `（python3）` for another program; the
    arguments (files, paths) are never shown."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            argv = file.read().decode("utf-8", "replace").split("\0")
        with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as file:
            program = file.read().strip()
    except OSError:
        return ""
    for number, arg in enumerate(argv[:-1]):
        if Path(arg).name.partition(".")[0] == "fundtrail" and argv[number + 1] in COMMANDS:
            return f"（fundtrail {COMMANDS[argv[number + 1]]}）"
    return f"（{program}）" if program else ""


def _duration(seconds: float) -> str:
    if seconds >= 60:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes} 分钟" + (f" {rest} 秒" if rest else "")
    return f"{round(seconds, 1):g} 秒"


def _waiting(root: Path, what: str, held_by: str) -> str:
    return f"{_held_by(root, held_by)}。{_spaced(what)}等待该操作结束……"


def _busy(root: Path, what: str, wait: float, held_by: str = "") -> LockBusy:
    if held_by.startswith("进程 "):
        stuck = f"如确认该进程已无响应，请先结束{held_by.partition('（')[0]} 再重试。"
    else:
        stuck = ""
    return LockBusy(f"{_held_by(root, held_by)}，已等待 {_duration(wait)}仍未结束。{_spaced(what)}未执行，"
                    f"账簿未作改动。请待该操作结束后重试。{stuck}")


def _spaced(what: str) -> str:
    """`处置疑点 F-0000000001 ` before the Chinese that follows it; `导入` as it is."""
    return what + " " if what[-1:].isascii() and what[-1:].isalnum() else what


def _held_by(root: Path, held_by: str) -> str:
    """`工作区“ws”的账簿正由进程 4242（fundtrail 导入）写入`: one level of brackets, whoever
    holds it (`held_by` "" when the kernel does not say)."""
    return f"工作区“{shown_name(root)}”的账簿正由{held_by or '另一操作'}写入"
