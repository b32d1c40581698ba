"""A canonical form of ledger entries and register rows, for sealing (fundtrail.seals).

The form keeps what an entry *says* and drops where it was written: the filename and line number
metadata, beancount's internal `__...` keys, the order of metadata keys, tags, links and
postings, and the fields that validation fills in (a balance's difference and tolerance).
Two ledgers that differ only in file layout, comments or the order of unrelated lines give the
same digests; any change to a date, amount, account, payee, narration, link or metadata value
gives a different one.

Each entry also has a `key`: what it is called (its links, its account, its custom type and
first value), so a sealed entry that changed can be paired with what it became.
"""

from __future__ import annotations

import csv
import hashlib
import marshal

from beancount.core import data
from beancount.parser.grammar import ValueType

from fundtrail.registers import unguarded

_LAYOUT_META = frozenset({"filename", "lineno", "__automatic__", "__tolerances__", "__residual__"})
_VALIDATION_FIELDS = ("diff_amount", "tolerance")  # filled in by the balance check


def _plain(value):
    """A marshallable stand-in: str, int, bool and None as they are, sequences element-wise,
    anything else (Decimal, date, Amount, Cost) by its repr."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is list or kind is tuple:
        return tuple(_plain(v) for v in value)
    if kind is ValueType:  # a custom directive's value
        return (_plain(value.value), getattr(value.dtype, "__name__", str(value.dtype)))
    if kind is set or kind is frozenset:
        return tuple(sorted(_plain(v) for v in value))
    return repr(value)


def _meta(meta) -> tuple:
    # hot path: most postings carry only filename and lineno
    if not meta or (len(meta) == 2 and "lineno" in meta and "filename" in meta):
        return ()
    return tuple(sorted([(k, v if type(v) is str else _plain(v)) for k, v in meta.items()
                         if k not in _LAYOUT_META]))


def _fields(entry) -> tuple:
    """The entry's content as plain values, with sets, metadata and postings sorted."""
    if type(entry) is data.Transaction:
        postings = [(p.account, str(p.units.number) if p.units is not None else None,
                     p.units.currency if p.units is not None else None,
                     None if p.cost is None else repr(p.cost),
                     None if p.price is None else repr(p.price), p.flag, _meta(p.meta))
                    for p in entry.postings]
        postings.sort()
        return ("Transaction", entry.date.toordinal(), entry.flag, entry.payee, entry.narration,
                tuple(sorted(entry.tags)) if entry.tags else (),
                tuple(sorted(entry.links)) if entry.links else (), _meta(entry.meta), tuple(postings))
    return (type(entry).__name__, entry.date.toordinal(), _meta(entry.meta),
            *(_plain(getattr(entry, name)) for name in entry._fields[2:]
              if name not in _VALIDATION_FIELDS))


def form(entry) -> bytes:
    """The canonical serialisation an entry's digest is taken over: marshal format 2 (no
    back-references, so byte-stable across runs) of its plain fields."""
    return marshal.dumps(_fields(entry), 2)


def digest(entry) -> str:
    return hashlib.blake2b(form(entry), digest_size=16).hexdigest()


def key(entry) -> str:
    """What an entry is called, stable under a change of its amount, date or payee."""
    if isinstance(entry, data.Transaction):
        if entry.links:
            return " ".join("^" + link for link in sorted(entry.links))
        meta = entry.meta or {}
        if "source" in meta:
            return f"{meta['source']}:{meta.get('row', meta.get('voucher', ''))}"
        return f"{entry.narration or ''}"
    if isinstance(entry, data.Custom):
        first = entry.values[0].value if entry.values else ""
        return f"custom {entry.type} {first}"
    account = getattr(entry, "account", None)
    kind = type(entry).__name__.lower()
    return f"{kind} {account}" if account else kind


def register_rows(path: str) -> list[tuple[str, str]]:
    """(digest, key) of every row of a register CSV, header included; the key is the first cell.

    Rows are parsed, so quoting and line endings do not matter; the cells' text does, as the
    registers' readers read it (a cell guarded against spreadsheet formulas as its text)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = [unguarded(row) for row in csv.reader(handle)]
    return [(hashlib.blake2b(repr(row).encode("utf-8"), digest_size=16).hexdigest(),
             row[0] if row else "") for row in rows]
