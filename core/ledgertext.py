"""Beancount text for the entries fundtrail writes (the importers and the demo builder).

beancount's own printer rejects int metadata; this writes one stable form: quoted strings,
`TRUE`/`FALSE`, dates, bare numbers (counts, row numbers) and money as an `Amount` with two decimals.
"""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal

from beancount.core import data

from fundtrail.accounts import CURRENCY

HIDDEN = ("filename", "lineno")


def quote(text) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def value(v) -> str:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, data.Amount):  # to the fen; a unit price (1.625 元/斤) with its own decimals
        return f"{v.number:{'.2f' if v.number.as_tuple().exponent >= -2 else 'f'}} {v.currency}"
    if isinstance(v, (int, Decimal, datetime.date)):  # money is an Amount, a bare number a count
        return str(v)
    return quote(v)


def meta_lines(meta: dict | None, indent: str = "  ") -> list[str]:
    return [f"{indent}{k}: {value(v)}" for k, v in (meta or {}).items()
            if k not in HIDDEN and not k.startswith("__") and v is not None and v != ""]


def directive(head: str, meta: dict | None) -> str:
    return "\n".join([head, *meta_lines(meta)]) + "\n"


def posting_line(account: str, number: Decimal, currency: str = CURRENCY) -> str:
    return f"  {account:<40} {number:>14.2f} {currency}"


def transaction(entry: data.Transaction) -> str:
    links = " ".join(f"^{link}" for link in sorted(entry.links or ()))
    head = f"{entry.date} {entry.flag} {quote(entry.payee or '')} {quote(entry.narration)} {links}"
    lines = [head.rstrip(), *meta_lines(entry.meta)]
    for posting in entry.postings:
        lines.append(posting_line(posting.account, posting.units.number, posting.units.currency))
        lines += meta_lines(posting.meta, "    ")
    return "\n".join(lines) + "\n"


def entry_text(entry) -> str:
    if isinstance(entry, data.Transaction):
        return transaction(entry)
    if isinstance(entry, data.Balance):
        return directive(f"{entry.date} balance {entry.account} {entry.amount.number:.2f} "
                         f"{entry.amount.currency}", entry.meta)
    if isinstance(entry, data.Open):
        return directive(f"{entry.date} open {entry.account} {','.join(entry.currencies or ())}"
                         .rstrip(), entry.meta)
    if isinstance(entry, data.Custom):
        values = " ".join(value(v.value) for v in entry.values or ())
        return directive(f'{entry.date} custom {quote(entry.type)} {values}'.rstrip(), entry.meta)
    raise TypeError(f"no text form for {type(entry).__name__}")


def money(number: Decimal) -> data.Amount:
    if not (isinstance(number, Decimal) and number.as_tuple().exponent == -2):
        number = Decimal(number).quantize(CENT)
    return data.Amount(number, CURRENCY)


CENT = Decimal("0.01")


def without_controls(text) -> str:
    """`text` without control and format characters (NUL, terminal escapes, bidi overrides):
    what a user or a file writes, before it reaches the books, a commit or a terminal."""
    return "".join(ch for ch in str(text) if unicodedata.category(ch) not in ("Cc", "Cf"))


WHITESPACE = "\t\n\r"  # control characters a multi-line text (a source file, a cell) may hold


class ControlCharacters(ValueError):
    """A text bound for the books holds control or format characters: refused, not cleaned."""


def controls_in(text, allowed: str = "") -> list[str]:
    """The control and format characters of `text` (NUL, ESC, DEL, C1, bidi overrides,
    zero-width characters), each once, as U+XXXX; those in `allowed` pass."""
    text = str(text)
    if text.isprintable():  # no control, format or separator character at all (in C: fast)
        return []
    found = dict.fromkeys(ch for ch in text
                          if ch not in allowed and unicodedata.category(ch) in ("Cc", "Cf"))
    return [f"U+{ord(ch):04X}" for ch in found]


def refuse_controls(text, what: str, allowed: str = "") -> str:
    """`text` as it is, or ControlCharacters naming `what` and the characters (in Chinese,
    then English): the door of every write (the desk, the importers, Fava's saves)."""
    found = controls_in(text, allowed)
    if found:
        codes = " ".join(found[:5])
        raise ControlCharacters(f"{what}含有控制字符 {codes}，已拒绝写入，请删除后重试 "
                                f"control characters refused ({codes})")
    return str(text)


def entry_controls(entry, allowed: str = WHITESPACE) -> tuple[str, list[str]] | None:
    """The first text of a directive (payee, narration, comment, a metadata or custom value,
    a posting's metadata, a tag or link) holding control characters: (field, codes), else
    None."""
    for name, value in _texts(entry):
        if isinstance(value, str) and not value.isprintable():
            found = controls_in(value, allowed)
            if found:
                return name, found
    return None


_FIELDS = ("payee", "narration", "comment", "description", "type", "filename", "name")


def _texts(entry):
    for name in _FIELDS:
        yield name, getattr(entry, name, None)
    metas = [getattr(entry, "meta", None)] + [p.meta for p in getattr(entry, "postings", None) or ()]
    for meta in metas:
        for key, value in (meta or {}).items():
            if key not in HIDDEN and not key.startswith("__"):
                yield key, value
    for name in ("tags", "links"):
        for value in getattr(entry, name, None) or ():
            yield name[:-1], value
    for value in getattr(entry, "values", None) or ():
        yield "value", value.value
