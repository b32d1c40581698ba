"""Writing ledger files safely: atomic replacement (temporary file, fsync, os.replace) and the
small text surgery an import needs (removing a superseded entry's block)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def rel(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def parse(path: Path):
    from beancount.parser import parser

    return parser.parse_file(str(path))


def strip(text: str, remove) -> str:
    """Delete the blocks (directive line + indented lines) of entries read from this file."""
    if not remove:
        return text
    lines = text.splitlines(keepends=True)
    drop = set()
    for entry in remove:
        start = entry.meta["lineno"] - 1
        drop.add(start)
        n = start + 1
        while n < len(lines) and lines[n][:1] in (" ", "\t"):
            drop.add(n)
            n += 1
    return "".join(line for n, line in enumerate(lines) if n not in drop)


def atomic(target: Path, payload: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
