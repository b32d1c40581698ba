"""Reading one cell: labels (full-width forms folded), amounts (Decimal, to the cent) and dates
(with or without a time), the way Chinese bank and treasury files write them.

A date cell may also hold a bare Excel serial number (45474 = 2024-07-01: a date cell saved in
General format, or exported to CSV as a number); `when` and `day` read it as Excel counts days,
when it is plausible (`SERIAL_RANGE`, 1954 to 2119). Only the readers of a date column call
them: a number in an amount column is read by `amount` and stays a number."""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

CENT = Decimal("0.01")
ONE, TEN_THOUSAND = Decimal(1), Decimal(10_000)  # a column in 元, in 万元
EMPTY = frozenset({"", "-", "--", "---", "—", "——", "/"})
_SPACE = re.compile(r"\s+")
DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
TIME_FORMATS = ("%H:%M:%S", "%H%M%S", "%H:%M")
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug included)
SERIAL_RANGE = (20_000, 80_000)  # plausible serial days: 1954-10-03 to 2119-01-10
_SERIAL = re.compile(r"\d{5}(\.\d+)?")
# an amount as written: digits, commas only between groups of three (1,234,567.89), an optional
# sign and decimals; "1,2,3", "1e9", "1_000", "Infinity" are not amounts
_AMOUNT = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+")


class CellError(ValueError):
    """A cell that cannot be read; the caller adds the file and row."""


def fold(text) -> str:
    """NFKC (full-width letters, digits, brackets, colons and spaces become ASCII), no spaces."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text))) if text is not None else ""


def text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def unit(label) -> Decimal:
    """The unit of an amount column by its label as written: TEN_THOUSAND for one in 万元
    (贷款金额(万元)), else ONE (yuan); the `scale` `amount` takes."""
    return TEN_THOUSAND if "万元" in (label or "") else ONE


MAX_DIGITS = 15  # whole-yuan digits an amount may have (under a trillion yuan), within Decimal's precision


def amount(cell, empty=EMPTY, scale: Decimal = ONE) -> Decimal | None:
    """A money cell as Decimal yuan to the cent; None when empty. Excel numbers go through str().
    `scale` is the unit of the column (TEN_THOUSAND for 万元): the cell may then carry as many
    decimals as make whole fen (38.7939 万元 = 387,939.00 元)."""
    if cell is None or isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)):
        value = Decimal(str(cell)) * scale
        if not value.is_finite() or value.adjusted() >= MAX_DIGITS:
            raise CellError(f"金额超出范围 {cell!r} / amount out of range {cell!r}")
        return value.quantize(CENT)
    raw = cell.strip() if cell.isascii() else unicodedata.normalize("NFKC", cell).strip()
    if raw in empty:
        return None
    number = raw
    if not number.isascii():
        number = number.replace("¥", "").replace("元", "")
    number = number.replace(" ", "")
    negative = number.startswith("(") and number.endswith(")")
    if negative:
        number = number[1:-1]
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    if not _AMOUNT.fullmatch(number):
        raise CellError(f"金额格式错误 {shown!r} / malformed amount {shown!r}")
    number = number.replace(",", "")
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise CellError(f"金额格式错误 {shown!r} / malformed amount {shown!r}") from None
    if value.is_finite() and value.adjusted() < MAX_DIGITS:
        value *= scale
    if not value.is_finite() or value.adjusted() >= MAX_DIGITS:
        raise CellError(f"金额格式错误或超出范围 {shown!r} / malformed or out-of-range amount {shown!r}")
    if value != value.quantize(CENT):
        raise CellError(f"金额格式错误 {shown!r} / malformed amount {shown!r}")
    return (-value if negative else value).quantize(CENT)


def _parse(raw: str, formats) -> datetime.datetime | None:
    for fmt in formats:
        try:
            return datetime.datetime.strptime(raw, fmt)
        except ValueError:
            continue
    return None


def serial(cell) -> datetime.datetime | None:
    """The moment an Excel serial number stands for (45474 -> 2024-07-01, 45474.5 -> its noon),
    given as a number or as its digits; None when the cell is no plausible serial."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)):
        number = cell
    elif isinstance(cell, str) and _SERIAL.fullmatch(raw := cell.strip()):
        number = float(raw)
    else:
        return None
    if not SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        return None
    return EXCEL_EPOCH + datetime.timedelta(seconds=round(number * 86_400))


def day(cell) -> datetime.date | None:
    """A date column's cell as a date (see `when`; a time in it is dropped); None when empty."""
    if cell is None or not text(cell):
        return None
    if type(cell) is datetime.date:
        return cell
    return when(cell)[0].date()


def when(cell, formats=(), time_cell=None, time_formats=()) -> tuple[datetime.datetime, bool]:
    """A date (and time, from the same cell or a separate one) -> (datetime, has_time). The
    `formats` given are tried first, then an Excel serial number (see `serial`), then the usual
    forms (DATE_FORMATS, with or without a time)."""
    if isinstance(cell, datetime.datetime):
        return cell, cell.time() != datetime.time()
    if isinstance(cell, datetime.date):
        return datetime.datetime.combine(cell, datetime.time()), False
    if time_cell is None and isinstance(cell, str):
        return _when_text(cell, tuple(formats))
    return _when(cell, formats, time_cell, time_formats)


@lru_cache(maxsize=4096)
def _when_text(cell: str, formats: tuple) -> tuple[datetime.datetime, bool]:
    return _when(cell, formats, None, ())


def _when(cell, formats, time_cell, time_formats) -> tuple[datetime.datetime, bool]:
    raw = unicodedata.normalize("NFKC", text(cell))
    if not raw:
        raise CellError("日期为空 / empty date")
    stamp = _parse(raw, formats) if formats else None
    has_time = False
    if stamp is None and (stamp := serial(cell if isinstance(cell, (int, float)) else raw)):
        has_time = stamp.time() != datetime.time()
    elif stamp is None:
        stamp = _parse(raw, DATE_FORMATS)
    if stamp is None:
        both = [f"{d} {t}" for d in DATE_FORMATS for t in TIME_FORMATS] + ["%Y%m%d%H%M%S"]
        stamp, has_time = _parse(raw, both), True
    elif any(c in f for f in formats for c in ("%H", "%M")):
        has_time = stamp.time() != datetime.time()
    if stamp is None:
        raise CellError(f"日期格式错误 {raw!r} / malformed date {raw!r}")
    if time_cell is not None and text(time_cell):
        clock = text(time_cell)
        if isinstance(time_cell, datetime.time):
            moment = time_cell
        else:
            parsed = _parse(clock.zfill(6) if clock.isdigit() else clock,
                            tuple(time_formats) + TIME_FORMATS)
            if parsed is None:
                raise CellError(f"时间格式错误 {clock!r} / malformed time {clock!r}")
            moment = parsed.time()
        stamp, has_time = datetime.datetime.combine(stamp.date(), moment), True
    return stamp, has_time

