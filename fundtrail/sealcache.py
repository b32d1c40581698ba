"""Which sealed periods were already verified, remembered by the raw text of their entries.

Recomputing the canonical digests (fundtrail.canonical) of a 100k-transaction ledger costs about
a tenth of a load, more than the seal plugin may add. But a sealed period whose entries are
written byte for byte as when it was last verified needs no recomputing: the plugin fingerprints
each period's entries by their raw text (each entry from its first line to the next line that
starts with a date; slicing the files is cheap) and recomputes digests only when the fingerprint
is not the one it last verified for that seal. Editing, adding or removing any entry of a
sealed period changes the fingerprint; so does moving one (then the digests show nothing
changed, and the new fingerprint is remembered).

The memory is a small local file beside main.beancount (`.fundtrail-seals.cache`,
git-ignored), trusted like beancount's own pickle cache (which skips plugins altogether). It is
dropped when main.beancount (options, plugins) changes; entries without text of their own
(padding) and files with `pushtag`/`pushmeta` (which change entries without touching their
text) are never fingerprinted. `fundtrail verify` and `fundtrail seal` never use it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import tempfile
from pathlib import Path

from beancount.core import data

CACHE_FILE = ".fundtrail-seals.cache"
VERSION = b"fundtrail-seals-cache-v1"
_ENTRY_START = re.compile(rb"\d{4}[-/]\d{2}[-/]\d{2}")
_ENTRY_BOUNDARY = re.compile(rb"\n(?=\d{4}[-/]\d{2}[-/]\d{2})")
_CONTEXTUAL = (b"pushtag", b"pushmeta")


class VerifiedPeriods:
    def __init__(self, root: Path, main_file: Path):
        self.path = Path(root) / CACHE_FILE
        self.context = hashlib.blake2b(VERSION + Path(main_file).read_bytes(), digest_size=16).digest()
        self.verified: dict[str, bytes] = {}  # seal hash -> fingerprint of its period's text
        self.files: dict[str, dict[int, bytes]] = {}
        self.dirty = False
        try:
            context, verified = marshal.loads(self.path.read_bytes())
            if context == self.context and isinstance(verified, dict):
                self.verified = verified
        except (OSError, ValueError, EOFError, TypeError):
            pass

    def fingerprint(self, entries: list) -> bytes | None:
        """A hash of the entries' raw text in order, or None when one has no text of its own."""
        fingerprint = hashlib.blake2b(digest_size=16)
        update, files, padding = fingerprint.update, self.files, data.Transaction
        for entry in entries:
            meta = entry.meta
            filename = meta["filename"]
            chunks = files.get(filename)
            if chunks is None:
                chunks = files[filename] = _chunks(filename)
            chunk = chunks.get(meta["lineno"])
            if chunk is None or (type(entry) is padding and entry.flag == "P"):
                return None
            update(chunk)
            update(b"\0")
        return fingerprint.digest()

    def holds(self, seal_hash: str, fingerprint: bytes | None) -> bool:
        return fingerprint is not None and self.verified.get(seal_hash) == fingerprint

    def remember(self, seal_hash: str, fingerprint: bytes | None) -> None:
        if fingerprint is not None and self.verified.get(seal_hash) != fingerprint:
            self.verified[seal_hash] = fingerprint
            self.dirty = True

    def save(self, seal_hashes: set[str]) -> None:
        """Write what was verified, for the seals that still exist."""
        kept = {h: f for h, f in self.verified.items() if h in seal_hashes}
        if not self.dirty and kept == self.verified:
            return
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f"{self.path.name}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                marshal.dump((self.context, kept), handle)
            os.replace(tmp, self.path)
        except OSError:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _chunks(filename: str) -> dict[int, bytes]:
    """Line number -> raw text of each entry of a file (from its line to the next line that
    starts with a date); empty, so nothing is fingerprinted, for a file with `pushtag`."""
    try:
        text = Path(filename).read_bytes()
    except OSError:
        return {}
    if any(word in text for word in _CONTEXTUAL):
        return {}
    chunks, line = {}, 1
    for chunk in _ENTRY_BOUNDARY.split(text):
        if _ENTRY_START.match(chunk):
            chunks[line] = chunk
        line += chunk.count(b"\n") + 1
    return chunks
