"""Reading master-data directives: the helpers `fundtrail.masterdata` and `fundtrail.assets`
share to turn a directive's values and metadata into typed fields.

A directive that cannot be read raises `MasterDataError`; a field of the wrong type reads as
its default and is listed in the master data's `problems` (`Fields`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from beancount.core import data

ZERO = Decimal(0)


class MasterDataError(ValueError):
    """A master-data directive that cannot be read; the message (Chinese) says which field or
    value and what it should be (the checks plugin reports it at the directive's line)."""


def number(value) -> Decimal | None:
    """An amount or a number written as text (thousands separators allowed) as a Decimal."""
    if value is None:
        return None
    if isinstance(value, data.Amount):
        return value.number
    return Decimal(str(value).replace(",", ""))


def number_or_none(value) -> Decimal | None:
    """`number`, None when the value is empty or no number (a rule's lenient reading of a
    directive's metadata; "NaN" and "Infinity" are no number: they cannot be compared)."""
    if value is None or isinstance(value, str) and not value.strip():
        return None
    try:
        got = number(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, ValueError):
        return None
    return got if got is not None and got.is_finite() else None


def plain(number: Decimal) -> str:
    """A count or quantity as people write it, without trailing zeros: 2 for 2.00, 22.5 for
    22.50."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def flag(value) -> bool:
    """A yes/no field: beancount's TRUE/FALSE, or the same written as a string (是/否 too)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "是", "y")
    return bool(value)


def iso_date(value) -> datetime.date:
    """A date, or a date written as YYYY-MM-DD text."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value).strip())


class Fields:
    """Typed metadata of one directive. A value of the wrong type reads as the default and is
    listed in `md.problems`, so one typo loses a field, not the project or the whole check."""

    def __init__(self, md, entry):
        self.md, self.entry, self.meta = md, entry, entry.meta or {}

    def _read(self, key, parse, default, expected: str):
        value = self.meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        try:
            return parse(value)
        except (ValueError, TypeError, ArithmeticError):
            self.md.problems.append(
                (self.entry, f"{described(self.entry)}的 {key} 应为{expected}，实际为 {shown(value)}，"
                             "本次按未填写读取"))
            return default

    # a value already of the type (as beancount reads numbers and dates) is taken as it is
    def num(self, key) -> Decimal:
        value = self.meta.get(key)
        if type(value) is data.Amount:
            return value.number
        return value if type(value) is Decimal else self._read(key, number, ZERO, "金额（如 100000.00）")

    def int(self, key) -> int:
        value = self.meta.get(key)
        return value if type(value) is int else self._read(key, int, 0, "整数")

    def date(self, key) -> datetime.date | None:
        value = self.meta.get(key)
        return value if type(value) is datetime.date else \
            self._read(key, iso_date, None, "日期（如 2024-05-01）")


def meta_text(meta, key) -> str:
    """A metadata value as text ("" when absent)."""
    value = meta.get(key)
    return "" if value is None else str(value)


def meta_text_list(meta, keys) -> list[str]:
    """`meta_text` of each of `keys`, in their order (a record's fields unpacked in one line:
    no dict per directive, thousands of directives a load)."""
    get = meta.get
    return ["" if value is None else str(value) for value in map(get, keys)]


def custom_key(entry: data.Custom) -> str:
    """A `custom` directive's first value (its record's key) as text, "" when it has none."""
    return str(entry.values[0].value) if entry.values else ""


def shown(value) -> str:
    """A value as the ledger writes it, for a message: text quoted ('十万'), a number or a
    date as it is."""
    return repr(value) if isinstance(value, str) else str(value)


def described(entry) -> str:
    """A master-data directive as a county names it in a message: `custom "loan" "D-1"`, or the
    opening of the account (项目、资金指标) `open Expenses:Project:QH-1`."""
    if isinstance(entry, data.Open):
        return f"open {entry.account} 指令"
    key = custom_key(entry) if isinstance(entry, data.Custom) else ""
    kind = getattr(entry, "type", type(entry).__name__)
    return f'custom "{kind}"' + (f' "{key}"' if key else "") + " 指令"


def custom_values(entry: data.Custom, *names: str) -> list[str]:
    """The directive's first values as strings, one per name; MasterDataError when short. A
    name is what the county writes there, in Chinese (a caller's name may add English after a
    space for the reader of the code: only the Chinese part is shown)."""
    values = [str(v.value) for v in entry.values or ()]
    if len(values) < len(names):
        usage = " ".join(f'"<{name.split()[0]}>"' for name in names)
        given = "，".join(f'"{v}"' for v in values)
        raise MasterDataError(f'custom "{entry.type}" 指令应写为 custom "{entry.type}" {usage}，'
                              f'共 {len(names)} 个值，实际' + (f"只写了 {len(values)} 个（{given}）"
                                                              if values else "一个也没有写"))
    return values[:len(names)]
