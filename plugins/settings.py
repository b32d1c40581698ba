"""The checks' settings, each declared once: name, type, default, Chinese label and bounds.

A rule module declares the settings it reads; the checks plugin declares its own (fundtrail.plugins.checks):

    SETTINGS = (
        Setting("split_limit", MONEY, 400_000, "拆分支付的合计限额（元）"),
        Setting("split_window_days", DAYS, 30, "拆分支付各笔之间的天数"),
    )

`convert(declared, given)` turns the plugin line's dict into the values the rules read, once
per load: Decimal money and shares, int days, dates, tuples of words, tables with text keys.
A value that does not fit is one Chinese message naming the setting, what was given and what
is expected, and the setting keeps its default: every rule still runs, the one reading that
setting with its default. Numbers are at least 0 unless a setting says otherwise (`low`,
`high`); a default is converted like a given value, so a rule never sees both forms. The
messages are Chinese only: the setting's name, as the county writes it, says which.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from fundtrail.accounts import normalize_level


class Unfit(ValueError):
    """A value of the right type that a setting still cannot take; its text (Chinese) says why."""


class Kind(NamedTuple):
    """A type of setting: its name in the docs, what a county is told to write (Chinese), the
    conversion (ValueError or TypeError for a value it does not take) and whether bounds apply."""
    name: str
    expects: str
    convert: Callable[[object], object]
    numeric: bool = False


def _number(value) -> Decimal:
    """The number as written: 0.3 -> Decimal('0.3'), 400000 -> Decimal('400000'), '1.5' too."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise TypeError(type(value).__name__)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def _integer(value) -> int:
    number = _number(value)
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def _integers(value) -> tuple[int, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        raise TypeError(type(value).__name__)
    return tuple(sorted(_integer(v) for v in value))


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, (datetime.date, str)):
        raise TypeError(type(value).__name__)
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value.strip())


def _bool(value) -> bool:
    if not isinstance(value, bool):
        raise TypeError(type(value).__name__)
    return value


def _text(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise ValueError(value)
    return str(value).strip()


def _words(value) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):  # a bare string would read as its characters
        raise TypeError(type(value).__name__)
    return tuple(_text(v) for v in value)


def _levels(value) -> tuple[str, ...]:
    """Fund levels in any spelling `accounts.normalize_level` reads (区级, 省 ...), as its keys."""
    return tuple(normalize_level(word) for word in _words(value))


def _table(value) -> dict[str, str]:
    if not isinstance(value, dict):
        raise TypeError(type(value).__name__)
    return {_text(k): _text(v) for k, v in value.items()}


def _word_table(value) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise TypeError(type(value).__name__)
    return {_text(k): _words(v) for k, v in value.items()}


MONEY = Kind("money (Decimal)", "金额（数字，如 300000）", _number, numeric=True)
SHARE = Kind("share (Decimal)", "比例（小数，如 0.3 即 30%）", _number, numeric=True)
DAYS = Kind("int (days)", "天数（整数）", _integer, numeric=True)
MONTHS = Kind("int (months)", "月数（整数）", _integer, numeric=True)
INTEGER = Kind("int", "整数", _integer, numeric=True)
YEARS = Kind("list of int (years)", "年数的列表（如 (1, 2)）", _integers, numeric=True)
DATE = Kind("date", "日期（如 '2024-12-31'）", _date)
BOOL = Kind("bool", "True 或 False", _bool)
WORDS = Kind("list of str", "词语的列表（如 ('现金', '取现')）", _words)
LEVELS = Kind("list of fund levels", "资金级次的列表（如 ('中央', '省级', '区级')）", _levels)
TABLE = Kind("dict of str", "字典（如 {'50201': '1'}）", _table)
WORD_TABLE = Kind("dict of lists of str", "字典，每项为词语的列表（如 {'2': ['车']}）", _word_table)


def choice(*values: str) -> Kind:
    """A setting that is one of `values`."""

    def one_of(value) -> str:
        if value not in values:
            raise ValueError(value)
        return value

    return Kind(f"one of {', '.join(values)}", f"以下之一：{'、'.join(values)}", one_of)


class Setting(NamedTuple):
    name: str
    kind: Kind
    default: object  # as declared; `default_value()` is what the rules read
    label: str  # what it means, in Chinese
    low: object = 0  # bounds of a number (of each number of a list); None = none
    high: object = None

    def value(self, given):
        """`given` as the rules read it; ValueError (Chinese) when it does not fit."""
        if given is None and self.default is None:
            return None
        try:
            typed = self.kind.convert(given)
        except Unfit as why:
            raise ValueError(f"{why}；应为{self.kind.expects}") from None
        except (ValueError, TypeError):
            raise ValueError(f"应为{self.kind.expects}{self.bounds()}") from None
        numbers = typed if isinstance(typed, tuple) else (typed,)
        if self.kind.numeric and any((self.low is not None and n < self.low)
                                     or (self.high is not None and n > self.high) for n in numbers):
            raise ValueError(f"应为{self.kind.expects}{self.bounds()}")
        return typed

    def default_value(self):
        return self.value(self.default)

    def bounds(self) -> str:
        """The bounds of a number, as the error and the docs say them ("，不小于 0")."""
        if not self.kind.numeric:
            return ""
        if self.high is not None:
            return f"，在 {self.low} 与 {self.high} 之间"
        return f"，不小于 {self.low}" if self.low is not None else ""

    def problem(self, given, why: str) -> str:
        """The configuration error of a value that does not fit (Chinese): the setting's name
        as the plugin line writes it and what it means, the value given, why, the default used."""
        shown = repr(given)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        default = show(self.default_value())
        return f"检查设置 {self.name}（{self.label}）的值 {shown} 无效：{why}；本次按默认值（{default}）检查"


def defaults(declared: dict[str, Setting]) -> dict:
    """Every setting at its default, as the rules read it."""
    return {name: setting.default_value() for name, setting in declared.items()}


def convert(declared: dict[str, Setting], given: dict, typed_defaults: dict | None = None
            ) -> tuple[dict, list[str]]:
    """(every setting as the rules read it, the configuration errors): `given` over the
    defaults (`typed_defaults`, the result of `defaults(declared)` kept by the caller); a value
    that does not fit, or a name no setting has, is one message and leaves that setting at its
    default."""
    settings = dict(typed_defaults) if typed_defaults is not None else defaults(declared)
    problems = []
    for name, value in given.items():
        setting = declared.get(name)
        if setting is None:
            problems.append(unknown(name, declared))
            continue
        try:
            settings[name] = setting.value(value)
        except ValueError as why:
            problems.append(setting.problem(value, str(why)))
    return settings, problems


def unknown(name, declared: dict[str, Setting]) -> str:
    """The configuration error of a name no setting has (a typo: the closest name)."""
    close = difflib.get_close_matches(str(name), declared, n=1)
    hint = f"，是否应为 {close[0]}（{declared[close[0]].label}）？" if close else "，可用的设置见 docs/checks.md"
    return f"未知的检查设置 {name!r}，已忽略{hint}"


def show(value) -> str:
    """A value as a county writes it in the plugin line (none: 无)."""
    if value is None:
        return "无"
    if isinstance(value, (Decimal, int)):
        return str(value)
    if isinstance(value, datetime.date):
        return repr(value.isoformat())
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def table(declared: dict[str, Setting]) -> str:
    """The settings as a Markdown table: name, type, default, meaning (docs/checks.md)."""
    rows = ["| setting | type | default | meaning |", "|---|---|---|---|"]
    for name, setting in declared.items():
        default = show(setting.default_value())
        if len(default) > 40:
            default = f"{len(setting.default_value())} 项（见源码 in the source）"
        bounds = setting.bounds().lstrip("，")
        rows.append(f"| `{name}` | {setting.kind.name} | `{default}` | {setting.label}"
                    + (f"（{bounds}）" if bounds else "") + " |")
    return "\n".join(rows) + "\n"
