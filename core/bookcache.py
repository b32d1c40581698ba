"""The loaded books kept between commands: a data file, never code.

A load of a county's books parses, books, validates and runs every plugin (the checks) again;
on books that have not changed since the last load the result is the same. This cache keeps
that result beside main.beancount (`.fundtrail-books.cache`, git-ignored): the entries, the
load's errors, the options, and what the load derived and kept with the books' flow index (the
checks' findings). `fundtrail check`, the reports and `fundtrail serve` then start from it.

Safe to read: the file is marshal data of plain values only (str, int, bool, None, tuples,
lists, dicts, frozensets), turned back into entries by a fixed decoder: a record names its type
by a number into a table written in this module (beancount's entry, posting and error types,
fundtrail's Finding), never by a class or module name taken from the data; nothing is imported,
called or evaluated because the file says so. (beancount's own pickle cache runs whatever code a
crafted file names.) The file carries a keyed MAC (HMAC-SHA256, the same key as the seal
plugin's memory, in the OS user's own config folder, never in the workspace): a file written
or edited by someone who can write the workspace but not that folder is ignored and rebuilt.

The file: the key, the head (errors, options, findings: all `fundtrail check` reads), the
entries in records of `_CHUNK` entries each (written as each is made, decoded one after the
other, so the plain data of one record is alive beside the entries, not that of all), the rest
(errors, options, findings with their entries by reference), then the MAC of all of it.

Trusted only when nothing the load read has changed: the cache is keyed by the content hash of
every included file, of every other file of the workspace's books (registers, master data,
classify.toml; not documents/ or inbox/, of which only the names, sizes and times count, nor
the reports/ the reports are written to), of fundtrail's own sources and version, of
beancount's and Python's versions. Any change (one byte of any of them, a settings change in main.beancount) and the books are loaded
afresh and the cache written anew. `fundtrail verify` and `fundtrail seal`
(`loading.load(..., trust_caches=False)`) never read it.

Error types that are not beancount's or fundtrail core's own (a plugin's error record) come
back as `KeptError`, with the same source, message and entry.
"""

from __future__ import annotations

import contextlib
import datetime
import enum
import hashlib
import hmac
import marshal
import os
import platform
import sys
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from beancount.core import amount, data, display_context, distribution, position
from beancount.core.number import MISSING
from beancount.parser.grammar import ValueType
from beancount.utils.defdict import ImmutableDictWithDefault

from fundtrail import __version__, gcpause, sealcache
from fundtrail.atomicwrite import atomic

CACHE_FILE = ".fundtrail-books.cache"
FORMAT = b"fundtrail-books-cache-v2"
_MAC_SIZE = 32
_CHUNK = 4096  # entries per marshal record: the plain data of one chunk at a time is alive
_UNHASHED_DIRS = ("documents", "inbox", "reports", "__pycache__")  # listed, not read
_OUTPUT_DIR = "reports"  # the workspace's generated outputs: neither read nor listed
_MEMO_KEPT = ("review",)  # what the load derived and kept with the flow index: the findings
_BROKEN = (ValueError, EOFError, TypeError, IndexError, KeyError, OverflowError, ArithmeticError)  # a file that does not decode


class KeptError(NamedTuple):
    """A load error of a type the cache does not name (a plugin's own error record)."""

    source: dict
    message: str
    entry: object


class Unencodable(Exception):
    """A value the cache cannot write as plain data: the books are then not kept."""


def _error_types() -> list[type]:
    """beancount's error records (every NamedTuple with source, message, entry in its modules)."""
    import beancount.loader
    import beancount.ops.balance
    import beancount.ops.documents
    import beancount.ops.pad
    import beancount.ops.validation
    import beancount.parser.booking
    import beancount.parser.booking_full
    import beancount.parser.grammar
    import beancount.parser.parser
    import beancount.plugins.auto_accounts  # noqa: F401

    modules = [beancount.loader, beancount.ops.balance, beancount.ops.documents, beancount.ops.pad,
               beancount.ops.validation, beancount.parser.booking, beancount.parser.booking_full,
               beancount.parser.grammar]
    found = []
    for module in modules:
        for name in sorted(vars(module)):
            value = getattr(module, name)
            if (isinstance(value, type) and issubclass(value, tuple)
                    and getattr(value, "_fields", None) == ("source", "message", "entry")
                    and value not in found):
                found.append(value)
    return found


def _finding_types() -> list[type]:
    from fundtrail import findings, seals, workflow

    return [findings.Finding, seals.SealError, *(value for _name, value in sorted(vars(workflow).items())
                                if isinstance(value, type) and issubclass(value, tuple)
                                and hasattr(value, "_fields") and value.__module__ == workflow.__name__)]


# The fixed table of record types, in a fixed order: a record in the file is an index into it.
_RECORDS: tuple[type, ...] = (
    data.Open, data.Close, data.Commodity, data.Pad, data.Balance, data.Transaction, data.Note,
    data.Event, data.Query, data.Price, data.Document, data.Custom, data.Posting, data.TxnPosting,
    amount.Amount, position.Cost, position.CostSpec, position.Position, ValueType, KeptError,
    *_error_types(), *_finding_types())
_RECORD_INDEX = {cls: i for i, cls in enumerate(_RECORDS)}
_ENUMS: tuple[type, ...] = (data.Booking, display_context.Precision, display_context.Align)
_ENUM_INDEX = {cls: i for i, cls in enumerate(_ENUMS)}
_TYPES: tuple[type, ...] = (str, int, bool, Decimal, datetime.date, amount.Amount, float, type(None))
_TYPE_INDEX = {cls: i for i, cls in enumerate(_TYPES)}
_CONTEXTS = (display_context._CurrencyContext,)

# tags of encoded values (a tuple whose first item is one of these; plain values are themselves)
(_TUPLE, _LIST, _DICT, _DEC, _DATE, _FROZEN, _SET, _REC, _REF, _DATETIME, _ENUM, _TYPE, _MISSING,
 _DCTX, _TXN, _DEFAULTDICT, _TOLMETA, _CUSTOM, _STRDICT, _POSTINGS) = range(20)
_TOLERANCES = "__tolerances__"  # the booking's tolerances in a transaction's meta
_PLAIN = (str, int, bool, type(None), float)
_PLAIN_SET = frozenset(_PLAIN)
_STR = frozenset((str,))


def _all_str(values) -> bool:
    """Whether every value is a str (a transaction's tags and links: marshal writes the
    frozenset itself)."""
    return _STR.issuperset(map(type, values))


# -- encoding ------------------------------------------------------------------------------
class _Encoder:
    def __init__(self, entries):
        self.refs = {id(entry): i for i, entry in enumerate(entries)}
        self.tolerances: dict = {}  # the booking's tolerances as text, one object each

    def entry(self, entry):
        if type(entry) is data.Transaction:
            tags, links = entry.tags, entry.links
            return (_TXN, self.meta(entry.meta), entry.date.toordinal(), entry.flag, entry.payee,
                    entry.narration,
                    tags if type(tags) is frozenset and _all_str(tags) else self.value(tags),
                    links if type(links) is frozenset and _all_str(links) else self.value(links),
                    self.postings(entry.postings, entry.meta.get("filename")))
        if type(entry) is data.Custom and type(entry.values) is list \
                and all(type(v) is ValueType and (type(v.dtype) is str or v.dtype in _TYPE_INDEX)
                        for v in entry.values):
            return (_CUSTOM, self.meta(entry.meta), entry.date.toordinal(), entry.type,
                    tuple((self.value(v.value), v.dtype if type(v.dtype) is str else _TYPE_INDEX[v.dtype])
                          for v in entry.values))
        return self.record(entry)

    def meta(self, meta):
        if type(meta) is dict:
            tolerances = meta.get(_TOLERANCES)
            if tolerances is None:
                if _PLAIN_SET.issuperset(map(type, meta.values())):
                    return meta
            elif type(tolerances) is ImmutableDictWithDefault:
                rest = meta.copy()
                del rest[_TOLERANCES]
                if _PLAIN_SET.issuperset(map(type, rest.values())):
                    kept = self.tolerance(tolerances)
                    if kept is not None:
                        return (_TOLMETA, rest, *kept)
        return self.value(meta)

    def tolerance(self, tolerances):
        """(default, items) of the booking's tolerances as text (None when not Decimals by
        currency); the same text is one object, which marshal writes once."""
        default = tolerances.default
        if default is not None and type(default) is not Decimal:
            return None
        if len(tolerances) == 1:  # the usual: one currency
            (currency, number), = tolerances.items()
            if type(currency) is not str or type(number) is not Decimal:
                return None
            items = ((currency, str(number)),)
        elif all(type(k) is str and type(v) is Decimal for k, v in tolerances.items()):
            items = tuple((k, str(v)) for k, v in tolerances.items())
        else:
            return None
        key = (None if default is None else str(default), items)
        return self.tolerances.setdefault(key, key)

    def postings(self, postings, filename):
        """A transaction's postings, flat: (account, number, currency, flag, meta) for each when
        every one is a plain posting (no cost, no price; meta its line alone when it holds only
        its place in the entry's file), else (_POSTINGS, each encoded by itself)."""
        flat, plain = [], self.plain
        for p in postings:
            item = plain(p, filename)
            if item is None:
                return (_POSTINGS, tuple(self.posting(q, filename) for q in postings))
            flat += item
        return tuple(flat)

    def posting(self, p, filename):
        item = self.plain(p, filename)
        return item if item is not None else self.value(p)

    def plain(self, p, filename):
        """(account, number, currency, flag, meta) of a plain posting (no cost, no price), its meta
        its line alone when it holds only its place in the entry's file; None for another."""
        units, meta = p.units, p.meta
        if type(p) is not data.Posting or type(units) is not amount.Amount \
                or type(units.number) is not Decimal or p.cost is not None or p.price is not None:
            return None
        if type(meta) is dict and len(meta) == 2 and next(iter(meta)) == "filename" \
                and meta["filename"] == filename and type(meta.get("lineno")) is int:
            meta = meta["lineno"]  # the usual posting meta: its line in its entry's file
        else:
            meta = self.meta(meta)
        return (p.account, str(units.number), units.currency, p.flag, meta)

    def record(self, value):
        index = _RECORD_INDEX.get(type(value))
        if index is None:
            raise Unencodable(type(value).__name__)
        return (_REC, index, *(self.value(v) for v in value))

    def value(self, value):
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is Decimal:
            return (_DEC, str(value))
        if kind is datetime.date:
            return (_DATE, value.toordinal())
        if kind is datetime.datetime:
            return (_DATETIME, value.isoformat())
        if kind is frozenset:
            return (_FROZEN, tuple(self.value(v) for v in value))
        if kind is set:
            return (_SET, tuple(self.value(v) for v in value))
        if kind is list:
            return (_LIST, tuple(self.value(v) for v in value))
        if kind is tuple:
            return (_TUPLE, tuple(self.value(v) for v in value))
        if kind is dict:
            if all(type(k) is str and type(v) in _PLAIN for k, v in value.items()):
                return value  # as it is: a dict of plain values (most meta)
            if all(type(k) is str for k in value):
                return (_STRDICT, tuple(value), tuple(self.value(v) for v in value.values()))
            return (_DICT, tuple((self.value(k), self.value(v)) for k, v in value.items()))
        if kind is ImmutableDictWithDefault:
            return (_DEFAULTDICT, self.value(value.default),
                    tuple((self.value(k), self.value(v)) for k, v in value.items()))
        if id(value) in self.refs and kind in _RECORD_INDEX:
            return (_REF, self.refs[id(value)])
        if kind in _RECORD_INDEX:
            return self.record(value)
        if isinstance(value, enum.Enum) and kind in _ENUM_INDEX:
            return (_ENUM, _ENUM_INDEX[kind], value.name)
        if kind is type and value in _TYPE_INDEX:
            return (_TYPE, _TYPE_INDEX[value])
        if value is MISSING:
            return (_MISSING,)
        if kind is display_context.DisplayContext:
            return (_DCTX, value.commas, tuple(self.context(c, ctx) for c, ctx in value.ccontexts.items()))
        if isinstance(value, tuple) and hasattr(value, "source") and hasattr(value, "message"):
            return self.record(KeptError(value.source, value.message, getattr(value, "entry", None)))
        raise Unencodable(kind.__name__)

    def context(self, currency, ctx):
        if type(ctx) not in _CONTEXTS:
            raise Unencodable(type(ctx).__name__)
        return (currency, ctx.has_sign, ctx.integer_max, tuple(ctx.fractional_dist.hist.items()))


# -- decoding ------------------------------------------------------------------------------
class _Decoder:
    def __init__(self):
        self.entries: list = []
        self.tolerances: dict = {}  # the same tolerances are one (immutable) object

    def entries_of(self, encoded) -> list:
        """Decode a run of entries (one chunk of the file), appended to `self.entries`."""
        out = self.entries
        append, value, meta = out.append, self.value, self.meta
        txn, fromordinal, postings_of = data.Transaction, datetime.date.fromordinal, self.postings
        for item in encoded:
            if item[0] == _TXN:
                _tag, m, day, flag, payee, narration, tags, links, postings = item
                m = meta(m)
                filename = m.get("filename") if type(m) is dict else None
                append(txn(m, fromordinal(day), flag, payee, narration,
                           tags if type(tags) is frozenset and _all_str(tags) else value(tags),
                           links if type(links) is frozenset and _all_str(links) else value(links),
                           postings_of(postings, filename)))
            elif item[0] == _CUSTOM:
                _tag, m, day, kind, values = item
                append(data.Custom(meta(m), fromordinal(day), kind,
                                   [ValueType(value(v), t if type(t) is str else _TYPES[t]) for v, t in values]))
            else:
                append(value(item))
        return out

    def postings(self, flat, filename, _posting=data.Posting, _amount=amount.Amount, _dec=Decimal) -> list:
        if type(flat) is not tuple:
            raise ValueError("not postings")
        if flat and flat[0] == _POSTINGS:
            return [self.posting(p, filename) for p in flat[1]]
        out, meta_of = [], self.meta
        parts = iter(flat)  # five at a time (strict: a length not a multiple of five is broken)
        for account, number, currency, flag, meta in zip(parts, parts, parts, parts, parts, strict=True):
            if type(meta) is int:
                meta = {"filename": filename, "lineno": meta}
            elif type(meta) is not dict:
                meta = meta_of(meta)
            out.append(_posting(account, _amount(_dec(number), currency), None, None, flag, meta))
        return out

    def meta(self, meta):
        if type(meta) is dict:
            return meta
        if type(meta) is tuple and meta and meta[0] == _TOLMETA:
            _tag, rest, default, items = meta
            if type(rest) is not dict:
                raise ValueError("not a meta")
            tolerances = self.tolerances.get((default, items))
            if tolerances is None:
                tolerances = self.tolerances[(default, items)] = ImmutableDictWithDefault(
                    {currency: Decimal(number) for currency, number in items},
                    default=None if default is None else Decimal(default))
            rest[_TOLERANCES] = tolerances
            return rest
        return self.value(meta)

    def posting(self, p, filename, _posting=data.Posting, _amount=amount.Amount, _dec=Decimal):
        if len(p) == 5 and type(p[0]) is str:
            account, number, currency, flag, meta = p
            if type(meta) is int:
                meta = {"filename": filename, "lineno": meta}
            elif type(meta) is not dict:
                meta = self.meta(meta)
            return _posting(account, _amount(_dec(number), currency), None, None, flag, meta)
        return self.value(p)

    def value(self, value):
        if type(value) is not tuple:
            if type(value) not in _PLAIN and type(value) is not dict:
                raise ValueError("not a plain value")
            return value
        tag = value[0]
        if tag == _DEC:
            return Decimal(value[1])
        if tag == _DATE:
            return datetime.date.fromordinal(value[1])
        if tag == _REC:
            return _RECORDS[value[1]](*(self.value(v) for v in value[2:]))
        if tag == _REF:
            return self.entries[value[1]]
        if tag == _TUPLE:
            return tuple(self.value(v) for v in value[1])
        if tag == _LIST:
            return [self.value(v) for v in value[1]]
        if tag == _STRDICT:
            decode = self.value
            return {k: v if type(v) is not tuple else decode(v) for k, v in zip(value[1], value[2], strict=True)}
        if tag == _DICT:
            return {self.value(k): self.value(v) for k, v in value[1]}
        if tag == _FROZEN:
            return frozenset(self.value(v) for v in value[1])
        if tag == _SET:
            return {self.value(v) for v in value[1]}
        if tag == _DATETIME:
            return datetime.datetime.fromisoformat(value[1])
        if tag == _ENUM:
            return _ENUMS[value[1]][value[2]]  # a member of a fixed enum, by its member name
        if tag == _TYPE:
            return _TYPES[value[1]]
        if tag == _MISSING:
            return MISSING
        if tag == _DCTX:
            dcontext = display_context.DisplayContext()
            dcontext.set_commas(value[1])
            for currency, has_sign, integer_max, hist in value[2]:
                ctx = dcontext.ccontexts[currency]
                ctx.has_sign, ctx.integer_max = has_sign, integer_max
                ctx.fractional_dist = distribution.Distribution()
                ctx.fractional_dist.hist.update(dict(hist))
            return dcontext
        if tag == _DEFAULTDICT:
            return ImmutableDictWithDefault({self.value(k): self.value(v) for k, v in value[2]},
                                            default=self.value(value[1]))
        raise ValueError(f"unknown tag {tag!r}")


# -- the key -------------------------------------------------------------------------------
def _digest(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "blake2b").digest()[:16]


def _code_digest() -> bytes:
    """fundtrail's own code and data (rules.toml, templates): an edited rule is a new key. An
    installed package is its RECORD (every file with its hash); an editable install (a source
    checkout) is every source file of the checkout."""
    import importlib.metadata
    import json
    from urllib.parse import unquote, urlparse

    digest = hashlib.blake2b(digest_size=16)
    try:
        dist = importlib.metadata.distribution("fundtrail")
        direct = json.loads(dist.read_text("direct_url.json") or "{}")
        record = dist.read_text("RECORD") or ""
    except (importlib.metadata.PackageNotFoundError, ValueError):
        direct, record = {}, ""
    if direct.get("dir_info", {}).get("editable") and direct.get("url", "").startswith("file:"):
        source = Path(unquote(urlparse(direct["url"]).path))
    elif record:
        digest.update(record.encode())
        return digest.digest()
    else:  # no record: a checkout run as it is (every package folder under its root), or the core
        source = Path(__file__).resolve().parent
        if (source.parent / "pyproject.toml").is_file():
            source = source.parent
    for dirpath, dirnames, filenames in os.walk(source):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in
                             ("__pycache__", "build", "dist", "node_modules") and not d.endswith(".egg-info"))
        for name in sorted(filenames):
            if name.endswith((".py", ".toml", ".html", ".css", ".j2", ".txt")):
                path = Path(dirpath) / name
                digest.update(str(path.relative_to(source)).encode() + b"\0" + _digest(path))
    return digest.digest()


_code = None


def context(main: Path, also=()) -> bytes:
    """What the books are loaded from: versions, fundtrail's code, and every file of the
    workspace a load can read (main.beancount, the files it includes, registers...) by content
    (the loaded books only keep a load that includes no file outside these)."""
    global _code
    if _code is None:
        _code = _code_digest()
    import beancount

    root = main.parent
    digest = hashlib.blake2b(FORMAT, digest_size=32)
    for part in (__version__, beancount.__version__, sys.version, platform.machine(), str(main)):
        digest.update(part.encode() + b"\0")
    digest.update(_code)
    files = {main, *(Path(name) for name in also)}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        # reports/ at the top is what the reports write (no load reads it): a written report
        # does not change the books' key
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not (here == root and d == _OUTPUT_DIR))
        listed_only = here != root and here.relative_to(root).parts[0] in _UNHASHED_DIRS
        for name in sorted(filenames):
            path = here / name
            if name.startswith("."):
                continue
            if listed_only:
                with contextlib.suppress(OSError):
                    stat = path.stat()
                    digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
            else:
                files.add(path)
    for path in sorted(files):
        try:
            digest.update(str(path).encode() + b"\0" + _digest(path))
        except OSError:
            digest.update(str(path).encode() + b"\0missing")
    return digest.digest()


# -- reading and writing -------------------------------------------------------------------
def cache_path(main: Path) -> Path:
    return Path(main).parent / CACHE_FILE


def _mac(payload) -> bytes:
    mac = hmac.new(sealcache.key() or b"", b"books\0", hashlib.sha256)
    mac.update(payload)  # no copy of the payload (tens of MB at 100k)
    return mac.digest()


def _signed(parts):
    """`parts` as they come, then the HMAC of all of them (what `_mac` gives of their join)."""
    mac = hmac.new(sealcache.key() or b"", b"books\0", hashlib.sha256)
    for part in parts:
        mac.update(part)
        yield part
    yield mac.digest()


def enabled() -> bool:
    """Whether the cache can be kept: the OS user's config folder holds its key."""
    return sealcache.key() is not None


def load(main: Path, fresh, also=()):
    """(entries, errors, options): the kept load when nothing it read has changed, else
    `fresh()`, kept for next time. The key is taken before `fresh()` reads anything, so a file
    changed during the load makes a cache that is never trusted, not a stale one trusted.
    `also`: files outside the workspace the load reads (the plugin allow-list), hashed too."""
    main = Path(main).resolve()
    if sealcache.key() is None:
        return fresh()
    now = context(main, also)
    # the load (or the decoding) makes millions of small objects and no cycles worth finding:
    # the cyclic collector, left on, would walk all of them again and again (fundtrail.gcpause)
    global _last
    with gcpause.paused():
        kept = read(main, now)
        if kept is not None:
            _last = (main, now, kept[0])
            return kept
        entries, errors, options = fresh()
        _last = (main, now, entries) if write(main, now, entries, errors, options) else None
    return entries, errors, options


# -- findings at cut-off dates, kept beside the books -------------------------------------
# A report's findings of a period are the checks run on the books as they stood at the
# period's end and at earlier cut-offs (fundtrail.periods). Each cut-off's findings, once a
# command has run them on books the cache holds, are kept in a second file under the same key
# and MAC (`.fundtrail-books.cache.cutoffs`), and seeded into the flow index with the rest when
# the books are read from the cache: a later report of unchanged books runs no check again.
CUTOFFS_FILE = CACHE_FILE + ".cutoffs"
_CUTOFF_KEYS = ("reports.checks_at",)
CUTOFFS_KEPT = 32  # cut-off days in the file, the last written (a time filter can name any day)
_last: tuple | None = None  # (main, key, entries) of the last load read from or kept in the cache


def _cutoffs_path(main: Path) -> Path:
    return Path(main).parent / CUTOFFS_FILE


def _read_cutoffs(main: Path, now: bytes) -> dict:
    """The kept cut-off findings of the books under key `now` ({} when none or not trusted)."""
    try:
        stored = _cutoffs_path(main).read_bytes()
    except OSError:
        return {}
    mac, payload = stored[:_MAC_SIZE], stored[_MAC_SIZE:]
    if len(mac) != _MAC_SIZE or not hmac.compare_digest(mac, _mac(b"cutoffs\0" + payload)) \
            or payload[:len(now)] != now:
        return {}
    try:
        kept = _Decoder().value(marshal.loads(payload[len(now):]))
    except _BROKEN:
        return {}
    if type(kept) is not dict or not all(type(k) is tuple and k and k[0] in _CUTOFF_KEYS for k in kept):
        return {}
    return kept


def holds(entries) -> bool:
    """Whether `entries` are the books this process read from or kept in the cache (so that
    what `remember` is given is kept for later loads)."""
    return _last is not None and _same(_last[2], entries)


def remember(entries, key: tuple, value) -> None:
    """Keep `value` (a cut-off's findings, under its memo key) for later loads of these books,
    when they are the books the cache holds (read from it or kept in it by this process)."""
    if _last is None or type(key) is not tuple or not key or key[0] not in _CUTOFF_KEYS \
            or not _same(_last[2], entries):
        return
    main, now, _entries = _last
    kept = _read_cutoffs(main, now)
    kept.pop(key, None)
    kept[key] = value  # the latest last: the file keeps the `CUTOFFS_KEPT` written last
    while len(kept) > CUTOFFS_KEPT:
        del kept[next(iter(kept))]
    try:
        body = marshal.dumps(_Encoder(()).value(kept))
    except (Unencodable, ValueError):
        return
    payload = now + body
    with contextlib.suppress(OSError):
        atomic(_cutoffs_path(main), _mac(b"cutoffs\0" + payload) + payload)


def _payload(main: Path, now: bytes) -> memoryview | None:
    """The cache's data after the key, or None: no cache, a cache whose MAC does not verify
    (forged, edited or from another user), or one made from other files, code or versions.
    The file is the payload (the key, the head, the records), then its MAC."""
    try:
        stored = cache_path(main).read_bytes()
    except OSError:
        return None
    view = memoryview(stored)  # slices of it share the bytes read (no copy of the whole)
    payload, mac = view[:-_MAC_SIZE], bytes(view[-_MAC_SIZE:])
    if len(stored) < _MAC_SIZE or not hmac.compare_digest(mac, _mac(payload)):
        return None
    if bytes(payload[:len(now)]) != now:
        return None
    return payload[len(now):]


def _records(payload: memoryview) -> tuple[memoryview, list[memoryview]]:
    """(the head, the records after it): each is its length (8 bytes) and its marshal data."""
    out, at, end = [], 0, len(payload)
    while at < end:
        size = int.from_bytes(payload[at:at + 8], "big")
        if at + 8 + size > end:
            raise ValueError("a record runs past the end")
        out.append(payload[at + 8:at + 8 + size])
        at += 8 + size
    if not out:
        raise ValueError("no head")
    return out[0], out[1:]


def read(main: Path, now: bytes):
    """The kept load (see `_payload` for when there is none). The entries are decoded a chunk
    at a time: the plain data of one chunk is alive beside the entries, not that of all."""
    payload = _payload(main, now)
    if payload is None:
        return None
    try:
        _head, records = _records(payload)
        if not records:
            return None
        decoder = _Decoder()
        for record in records[:-1]:
            chunk = marshal.loads(record)
            if type(chunk) is not tuple:
                return None
            decoder.entries_of(chunk)
            del chunk
        entries = decoder.entries
        rest = marshal.loads(records[-1])
        del payload, records  # the file's bytes
        errors, options, memo = (decoder.value(part) for part in rest)
    except _BROKEN:
        return None
    if type(entries) is not list or type(errors) is not list or type(options) is not dict \
            or type(memo) is not dict:
        return None
    _seed(entries, {**memo, **_read_cutoffs(main, now)})
    return entries, errors, options


def verdict(main: Path, also=()):
    """(errors, options, findings kept with the books) of the kept load of unchanged books,
    without its entries (an error's or a finding's own entry is kept with it, equal to the
    books' but not the same object): what `fundtrail check` prints. None when the books
    must be loaded (no cache, not trusted, or the load kept no findings)."""
    main = Path(main).resolve()
    if sealcache.key() is None:
        return None
    payload = _payload(main, context(main, also))
    if payload is None:
        return None
    try:
        head, _records_after = _records(payload)
        errors, options, memo = (_Decoder().value(part) for part in marshal.loads(head))
    except _BROKEN:
        return None
    if type(errors) is not list or type(options) is not dict or type(memo) is not dict or not memo:
        return None
    return errors, options, memo


def write(main: Path, now: bytes, entries, errors, options) -> bool:
    """Keep this load for the next (False, and no cache, when it holds a value the cache cannot
    write, names a file the key does not hash, or the workspace is read-only)."""
    root = main.parent
    for name in options.get("include", ()):
        path = Path(name).resolve()
        if not path.is_relative_to(root) or path.relative_to(root).parts[0] in _UNHASHED_DIRS:
            return _drop(main)
    output = root / _OUTPUT_DIR
    for name in options.get("documents", ()):  # beancount walks these on a load: reports/ is not keyed
        folder = (root / name).resolve()
        if folder.is_relative_to(output) or output.is_relative_to(folder):
            return _drop(main)
    encoder, alone = _Encoder(entries), _Encoder(())
    try:
        memo = _kept_memo(entries)
        head = marshal.dumps((alone.value(list(errors)), alone.value(dict(options)), alone.value(memo)))
        rest = marshal.dumps((encoder.value(list(errors)), encoder.value(dict(options)), encoder.value(memo)))
    except (Unencodable, ValueError):
        return _drop(main)

    def records():  # the key, the head, the entries a chunk at a time, the rest: each written as made
        yield now + len(head).to_bytes(8, "big") + head
        for start in range(0, len(entries), _CHUNK):
            chunk = marshal.dumps(tuple(encoder.entry(e) for e in entries[start:start + _CHUNK]))
            yield len(chunk).to_bytes(8, "big")
            yield chunk
        yield len(rest).to_bytes(8, "big") + rest

    try:
        atomic(cache_path(main), _signed(records()))
    except (Unencodable, ValueError):
        return _drop(main)
    except OSError:
        return False
    return True


def _drop(main: Path) -> bool:
    with contextlib.suppress(OSError):
        cache_path(main).unlink()
    return False


def _kept_memo(entries) -> dict:
    """The findings the load's checks kept with the flow index of these entries (if any)."""
    from fundtrail.flows import FlowIndex

    latest = FlowIndex._latest
    if latest is None or not _same(latest.entries, entries):
        return {}
    return {key: value for key, value in latest._memo.items()
            if type(key) is tuple and key and key[0] in _MEMO_KEPT}


def _seed(entries, memo: dict) -> None:
    if not memo:
        return
    from fundtrail.flows import FlowIndex

    index = FlowIndex.of(entries)
    for key, value in memo.items():  # the cut-offs as one family, bounded as the reports keep it
        index.memo(key, lambda value=value: value,
                   keep=CUTOFFS_KEPT if key[0] in _CUTOFF_KEYS else None)


def _same(a, b) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))
