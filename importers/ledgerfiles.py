"""Writing ledger files safely: atomic replacement (temporary file, fsync, os.replace) and the
small text surgery an import needs (removing a superseded entry's block)."""

from __future__ import annotations

from pathlib import Path

from fundtrail.atomicwrite import atomic as atomic  # the importers' writes go through here


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
