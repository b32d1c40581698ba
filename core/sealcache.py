"""Which sealed periods were already verified, remembered by the raw text of their entries.

Recomputing the canonical digests (fundtrail.canonical) of a 100k-transaction ledger costs about
a tenth of a load, more than the seal plugin may add. But a sealed period whose entries are
written byte for byte as when it was last verified needs no recomputing: the plugin fingerprints
each period's entries by their raw text and recomputes digests only when the fingerprint is not
the one it last verified for that seal. An entry's text is taken where the parser found it (an entry whose
`filename` or `lineno` metadata, which the books themselves can set, names anything but a file the
parser read and a line number is not fingerprinted, so its period is verified in full): from
its line (the entry's `lineno`) up to the line where the next entry the parser read from that
file begins (or the end of the file), so everything the parser read into the entry (a memo
string with line breaks and dates in it, the postings after it) is in its text; a file whose
bytes are as then is not even sliced. Editing, adding or removing any entry of a sealed period
changes the fingerprint; so does moving one (then the digests show nothing changed, and the new
fingerprint is remembered).

The memory is a small local file beside main.beancount (`.fundtrail-seals.cache`,
git-ignored). It carries a keyed MAC (HMAC-SHA256, the key in the OS user's own config folder,
`~/.config/fundtrail/seal-cache.key`, never in the workspace): a cache forged or edited by
someone who can write the workspace but not that folder is ignored, and the periods are
verified in full. It is dropped when main.beancount (options, plugins) changes; entries without
text of their own (padding) and files with `pushtag`/`pushmeta` (which change entries without
touching their text) are never fingerprinted. `fundtrail verify` and `fundtrail seal` never use
it (`distrusted()`).
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import hmac
import marshal
import secrets
from pathlib import Path

from beancount.core import data

from fundtrail import keys
from fundtrail.atomicwrite import atomic

CACHE_FILE = ".fundtrail-seals.cache"
VERSION = b"fundtrail-seals-cache-v4"
_CONTEXTUAL = (b"pushtag", b"pushmeta")
_MAC_SIZE = 32
_trusted = True


@contextlib.contextmanager
def distrusted():
    """Within: the seal plugin neither reads nor writes its memory (verify and seal)."""
    global _trusted
    before, _trusted = _trusted, False
    try:
        yield
    finally:
        _trusted = before


def enabled() -> bool:
    return _trusted and key() is not None


def key_path() -> Path:
    return keys.config_folder() / "seal-cache.key"


def key() -> bytes | None:
    """The OS user's MAC key, made on first use (0600); None when it cannot be kept."""
    path = key_path()
    with contextlib.suppress(OSError):
        stored = path.read_bytes()
        if len(stored) >= 32:
            return stored
    with contextlib.suppress(OSError):
        keys.private_folder(path.parent)
        atomic(path, secrets.token_bytes(32), mode=0o600)
        return path.read_bytes()
    return None


def _mac(payload: bytes) -> bytes:
    return hmac.new(key() or b"", payload, hashlib.sha256).digest()


class VerifiedPeriods:
    def __init__(self, root: Path, main_file: Path, entries=(), files=None):
        self.entries = entries  # all the entries loaded: where each file's entries begin
        # the files the parser read (options_map["include"]): an entry's `filename` and `lineno`
        # metadata can be written in the books, and must not lead the memory to another text
        self.files = frozenset(files) if files is not None else None
        self.starts: dict[str, tuple[list[int], frozenset[int]]] | None = None
        self.path = Path(root) / CACHE_FILE
        self.context = hashlib.blake2b(VERSION + Path(main_file).read_bytes(), digest_size=16).digest()
        # seal hash -> (fingerprint, {filename: (file hash, fingerprint of its entries)})
        self.verified: dict[str, tuple] = {}
        self.texts: dict[str, bytes | None] = {}
        self.dirty = False
        try:
            stored = self.path.read_bytes()
            mac, payload = stored[:_MAC_SIZE], stored[_MAC_SIZE:]
            if hmac.compare_digest(mac, _mac(payload)):  # else forged or foreign: ignored
                context, verified = marshal.loads(payload)
                if context == self.context and isinstance(verified, dict):
                    self.verified = verified
        except (OSError, ValueError, EOFError, TypeError):
            pass

    def check(self, seal_hash: str, entries: list) -> tuple[bool, tuple | None]:
        """Whether a seal's period is written as when last verified, and what to remember if
        it verifies now (None: cannot be fingerprinted). A file whose bytes are unchanged keeps
        its part of the fingerprint; only changed files are sliced into entries."""
        last = self.verified.get(seal_hash)
        fingerprint, known = last if isinstance(last, tuple) and len(last) == 2 else (None, {})
        by_file: dict[str, list] = {}
        for entry in entries:
            filename, lineno = entry.meta.get("filename"), entry.meta.get("lineno")
            if type(lineno) is not int or (self.files is not None and filename not in self.files):
                return False, None  # where the parser did not read it: verified in full
            by_file.setdefault(filename, []).append(entry)
        parts = {}
        for filename, items in sorted(by_file.items()):
            text = self._text(filename)
            if text is None:
                return False, None
            file_hash = hashlib.blake2b(text, digest_size=16).digest()
            old = known.get(filename)
            part = (old[1] if old and old[0] == file_hash
                    else _part(text, items, self._starts(filename, items)))
            if part is None:
                return False, None
            parts[filename] = (file_hash, part)
        now = hashlib.blake2b(b"".join(part for _h, part in parts.values()), digest_size=16).digest()
        return now == fingerprint, (now, parts)

    def remember(self, seal_hash: str, state: tuple | None) -> None:
        if state is not None and self.verified.get(seal_hash) != state:
            self.verified[seal_hash] = state
            self.dirty = True

    def _starts(self, filename: str, items: list) -> list[int]:
        """The lines of `filename` where an entry the parser read begins, in order."""
        if self.starts is None:
            starts: dict[str, set[int]] = {}
            for entry in self.entries:
                meta = entry.meta or {}
                if "lineno" in meta:
                    starts.setdefault(meta.get("filename"), set()).add(meta["lineno"])
            self.starts = {name: (sorted(lines), frozenset(lines)) for name, lines in starts.items()}
        known, known_set = self.starts.get(filename, ([], frozenset()))
        lines = {e.meta["lineno"] for e in items}
        if lines <= known_set:  # the usual: the period's entries are among those loaded
            return known
        return sorted(lines | known_set)

    def _text(self, filename: str) -> bytes | None:
        if filename not in self.texts:
            try:
                self.texts[filename] = Path(filename).read_bytes()
            except OSError:
                self.texts[filename] = None
        return self.texts[filename]

    def save(self, seal_hashes: set[str]) -> None:
        """Write what was verified, for the seals that still exist."""
        kept = {h: state for h, state in self.verified.items() if h in seal_hashes}
        if not self.dirty and kept == self.verified:
            return
        with contextlib.suppress(OSError):  # a read-only workspace: verify in full next time
            payload = marshal.dumps((self.context, kept))
            atomic(self.path, _mac(payload) + payload)


def _part(text: bytes, entries: list, starts: list[int]) -> bytes | None:
    """A hash of the raw text of a file's entries, in order, each from its line to the line where
    the parser's next entry of the file begins (trailing blanks aside); None when one has no text of its own (padding)
    or the file uses pushtag/pushmeta."""
    if any(word in text for word in _CONTEXTUAL):
        return None
    lines = text.split(b"\n")  # beancount's lexer counts lines by \n
    fingerprint = hashlib.blake2b(digest_size=16)
    update, padding = fingerprint.update, data.Transaction
    for entry in entries:
        lineno = entry.meta["lineno"]
        if not 1 <= lineno <= len(lines) or (type(entry) is padding and entry.flag == "P"):
            return None
        after = bisect.bisect_right(starts, lineno)
        end = starts[after] if after < len(starts) else len(lines) + 1
        update(b"\n".join(lines[lineno - 1:end - 1]).rstrip())  # blank lines between: no meaning
        update(b"\0")
    return fingerprint.digest()
