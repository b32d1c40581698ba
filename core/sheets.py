"""Every spreadsheet (xlsx) and CSV file fundtrail writes goes through this module.

    sheets.xlsx_bytes([Sheet("支付", columns(HEADERS, KINDS), rows), ...]) -> bytes
    sheets.write_csv(path, columns(HEADERS, KINDS), rows)

A `Column` names a row's key (the id used in code and JSON), its Chinese header and its kind:

- `text`: a string cell;
- `money`: a Decimal amount, written as a number formatted `#,##0.00`;
- `date`: a date (or an ISO date string), written as a real date `yyyy-mm-dd`;
- `count`: a whole number; `percent`: a ratio, written as a number formatted `0.0%`.

A value that does not fit its kind (a note where a number was expected) is written as text.

The formula guard (CSV or formula injection): a text starting with `= + - @`, a tab or a carriage
return is read as a formula by Excel and LibreOffice, so a payee named `=HYPERLINK(...)` would
become a live link. In an xlsx every text is a string cell, never a formula, and a guarded one
also carries Excel's quote prefix (shown and edited as text). A CSV cannot mark a cell as text:
a guarded cell is written with a leading apostrophe, as OWASP recommends ("'=HYPERLINK(...)");
a program reading the data strips it. Numbers (a negative amount) are never guarded.

A CSV that fundtrail writes and reads back (the registers, registers/*.csv) guards its text cells
with `csv_text` and reads them with `csv_unguarded`, which gives back exactly the text written:
a text that already starts with apostrophes before `= + - @` gets one more, and a text that is a
plain number (`-12.50`, which a spreadsheet reads as a number, never as a formula) is left as it
is, so nothing else in such a file changes.

The xlsx headers are the Chinese ones; a CSV's header row is the keys (the field names its
data package describes).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT, MONEY, DATE, COUNT, PERCENT = "text", "money", "date", "count", "percent"
FORMATS = {MONEY: "#,##0.00", DATE: "yyyy-mm-dd", COUNT: "0", PERCENT: "0.0%"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: list[Column]
    rows: Iterable[dict]


def columns(headers: dict[str, str], kinds: dict[str, str] | None = None) -> list[Column]:
    """Columns from {key: Chinese header}, each of the kind `kinds` gives its key (else text)."""
    kinds = kinds or {}
    return [Column(key, header, kinds.get(key, TEXT)) for key, header in headers.items()]


def guarded(text: str) -> bool:
    """Whether a spreadsheet would take this text for a formula."""
    return text.startswith(FORMULA_START)


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
CSV_GUARD_STARTS = frozenset("'=+-@\t\r")  # a cell starting otherwise is never guarded


def _guarded_text(text: str) -> bool:
    bare = text.lstrip("'")
    return bare.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(bare)


def csv_text(text: str) -> str:
    """A text cell of a CSV fundtrail reads back (a register): after an apostrophe when a
    spreadsheet would take it for a formula (`'=HYPERLINK(...)`), reversibly (`csv_unguarded`):
    apostrophes before such a start get one more; a plain number stays as it is."""
    return "'" + text if text[:1] in CSV_GUARD_STARTS and _guarded_text(text) else text


def csv_unguarded(text: str) -> str:
    """The text `csv_text` was given: one apostrophe taken off a guarded cell, nothing else."""
    return text[1:] if text[:1] == "'" and _guarded_text(text) else text


def typed(value, kind: str):
    """The value as its column's kind writes it: a number, a date, None, or else text."""
    if value is None or value == "":
        return None
    if kind in (MONEY, COUNT, PERCENT) and isinstance(value, (int, float, Decimal)) \
            and not isinstance(value, bool):
        return value
    if kind == DATE:
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            pass
    return str(value)


# -- xlsx ---------------------------------------------------------------------------------
def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """One workbook, a sheet per `Sheet`: Chinese headers, the first row frozen."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_sheet(book.create_sheet(sheet.name), sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_sheet(ws, sheet: Sheet) -> None:
    from openpyxl.styles import Font

    bold = Font(bold=True)
    widths = [len(c.header) for c in sheet.columns]
    for n, column in enumerate(sheet.columns, 1):
        _text_cell(ws.cell(1, n), column.header).font = bold
    for r, row in enumerate(sheet.rows, 2):
        for n, column in enumerate(sheet.columns, 1):
            value = typed(row.get(column.key), column.kind)
            if value is None:
                continue
            cell = ws.cell(r, n)
            if isinstance(value, str):
                _text_cell(cell, value)
            else:
                cell.value = value
                cell.number_format = FORMATS[DATE if isinstance(value, datetime.date) else column.kind]
            if r <= 200:
                widths[n - 1] = max(widths[n - 1], len(str(value)))
    ws.freeze_panes = "A2"
    for n, width in enumerate(widths, 1):
        ws.column_dimensions[ws.cell(1, n).column_letter].width = min(max(width * 1.6, 8), 50)


def _text_cell(cell, text: str):
    """A string cell, never a formula; a text a spreadsheet would evaluate gets the quote prefix."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"
    if guarded(text):
        cell.quotePrefix = True
    return cell


# -- CSV ----------------------------------------------------------------------------------
def csv_cell(value, kind: str = TEXT) -> str:
    """One CSV cell: numbers as they are, dates in ISO form, a guarded text after an apostrophe."""
    value = typed(value, kind)
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if guarded(value) else value
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def write_csv(path: Path, cols: list[Column], rows: Iterable[dict]) -> Path:
    """A UTF-8 CSV: the keys as header row, then a line per row."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([c.key for c in cols])
        writer.writerows([csv_cell(row.get(c.key), c.kind) for c in cols] for row in rows)
    return Path(path)
