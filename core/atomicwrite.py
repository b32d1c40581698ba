"""Replace a file atomically: write a temporary file beside it, fsync, then os.replace, so a
crash leaves the old file or the new one, never half of either.

The new file keeps the permissions of the file it replaces; a new file gets what the folder's
other files get from an ordinary write (0666 less the process umask), not the 0600 of the
temporary file. Secrets pass `mode=0o600`. The payload is bytes, or an iterable of bytes-like
parts written as they come (a large file need not be joined in memory first)."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


def atomic(target: Path, payload: bytes | Iterable[bytes], mode: int | None = None) -> None:
    """Write `payload` (bytes, or bytes-like parts) to `target` (its folder created); `mode`,
    e.g. 0o600, before it appears (default: the replaced file's mode, or an ordinary new file's).
    An exception while the parts are made leaves `target` as it was."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        mode = _kept_mode(target)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            if isinstance(payload, (bytes, bytearray, memoryview)):
                out.write(payload)
            else:
                for part in payload:
                    out.write(part)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _kept_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return 0o666 & ~umask()


def umask() -> int:
    """The process umask, read without changing it (Linux), else by setting and restoring it."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current
