"""Files as tables of cells: CSV in any of the encodings Chinese banks use, and Excel.

`read_table` returns the rows with their physical row numbers, so every message and every `row:`
metadata points at the line a person sees when they open the file (the encoding is told by
`fundtrail.importers.sniff.decode`). `head_table` is a file's first rows (to find and score its
header), `stream_rows` its rows one at a time (a statement is read as a stream: memory does not
grow with the file). `find_columns` and `header_score` locate a header by a header
specification (`fundtrail.importers.headers`).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fundtrail.importers import cells, sniff
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import TOTALS, Spec, label_key


@dataclass
class Table:
    path: Path
    rows: list[tuple[int, list]]  # (physical row number, cells)
    encoding: str = ""

    def header(self, labels, rows: int = 1, search: int = 30):
        """(index into rows, {folded label: column}) of the first row holding every label;
        None if no row holds them all. Two-row headers join `upper/lower` labels."""
        for index in range(min(search, len(self.rows))):
            names = self.names(index, rows)
            if all(column_of(names, label) is not None for label in labels):
                return index, names
        return None

    def names(self, index: int, rows: int = 1, keyed: bool = True) -> dict[str, int]:
        """{folded label: column} of a header row, then (`keyed`) each label's `label_key` (its
        glosses dropped) where that names one column only and no label is written so."""
        names = self._names(index, rows)
        return _keyed(names) if keyed else names

    def _names(self, index: int, rows: int = 1) -> dict[str, int]:
        top = self.rows[index][1]
        if rows == 1:
            return {cells.fold(c): i for i, c in enumerate(top) if cells.text(c)}
        lower = self.rows[index + 1][1] if index + 1 < len(self.rows) else []
        names, carried = {}, ""
        for i in range(max(len(top), len(lower))):
            upper = cells.fold(top[i]) if i < len(top) else ""
            carried = upper or carried  # a merged cell spans the columns to its right
            below = cells.fold(lower[i]) if i < len(lower) else ""
            if below:
                names[f"{carried}/{below}"] = i
                names.setdefault(below, i)
            elif upper:
                names[upper] = i
        return names

    def best_header(self, labels, rows: int = 1, search: int = 30):
        """The row sharing most labels with `labels`: (index, names, missing labels)."""
        best = None
        for index in range(min(search, len(self.rows))):
            names = self.names(index, rows)
            missing = [cells.fold(w) for w in labels if column_of(names, w) is None]
            if best is None or len(missing) < len(best[2]):
                best = (index, names, missing)
        return best


def _keyed(names: dict[str, int]) -> dict[str, int]:
    keyed: dict[str, set[int]] = {}
    for name, column in names.items():
        key = label_key(name)
        if key != name and key not in names:
            keyed.setdefault(key, set()).add(column)
    names.update({key: columns.pop() for key, columns in keyed.items() if len(columns) == 1})
    return names


def column_of(names: dict[str, int], label: str) -> int | None:
    """The column of `label` (a layout's or a specification's name) among a header's `names`
    (Table.names): as written, else by its `label_key` (发放金额(元) finds 发放金额)."""
    folded = cells.fold(label)
    if folded in names:
        return names[folded]
    return names.get(label_key(folded))


@lru_cache(maxsize=64)
def _cached(path: str, size: int, mtime: float, hint: str | None, sheet: str | None,
            delimiter: str) -> Table:
    p = Path(path)
    if p.suffix.lower() in sniff.EXCEL:
        return Table(p, sniff.excel_rows(p, sheet), "xlsx")
    text, encoding = sniff.decode(p, p.read_bytes(), hint)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise csv_error(p, error, reader.line_num) from None
    return Table(p, [(n, row) for n, row in enumerate(rows, 1)], encoding)


def read_table(path, hint: str | None = None, sheet: str | None = None,
               delimiter: str = ",") -> Table:
    p = Path(path)
    stat = p.stat()
    return _cached(str(p.resolve()), stat.st_size, stat.st_mtime, hint, sheet, delimiter)


HEAD_ROWS = 40  # every header search looks at the first 30 rows (two-row headers: one more)


def head_table(path, hint: str | None = None, sheet: str | None = None,
               delimiter: str = ",", rows: int = HEAD_ROWS) -> Table:
    """The first `rows` rows of a file (its head: sniff.head_lines; a workbook's first rows), to
    find and score its header without reading the file whole; read once per version of the
    file (every importer's `score` asks for it)."""
    p = Path(path)
    stat = p.stat()
    return _head_cached(str(p), stat.st_size, stat.st_mtime_ns, hint, sheet, delimiter, rows)


@lru_cache(maxsize=64)
def _head_cached(path: str, _size: int, _mtime: int, hint: str | None, sheet: str | None,
                 delimiter: str, rows: int) -> Table:
    p = Path(path)
    if p.suffix.lower() in sniff.EXCEL:
        return Table(p, sniff.excel_rows(p, sheet, limit=rows), "xlsx")
    text, encoding = sniff.decode(p, sniff.head_lines(p), hint)
    out = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, 1):
            out.append((number, row))
            if number >= rows:
                break
    except csv.Error as error:  # a large file's head may end inside a quoted cell: its rows before do
        if not out or p.stat().st_size <= sniff.SNIFF_BYTES:
            raise csv_error(p, error, reader.line_num) from None
    return Table(p, out, encoding)


def stream_rows(path, hint: str | None = None, sheet: str | None = None, delimiter: str = ","):
    """(encoding, rows): the file's rows (row number, cells) one at a time, as `read_table`
    numbers them, decoded in the encoding the whole file is in (sniff.stream_encoding). Memory
    does not grow with the file: nothing but the current row is held."""
    p = Path(path)
    if p.suffix.lower() in sniff.EXCEL:
        return "xlsx", sniff.iter_excel_rows(p, sheet)
    encoding = sniff.stream_encoding(p, hint)
    return encoding, _csv_rows(p, encoding, delimiter)


def _csv_rows(path: Path, encoding: str, delimiter: str):
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            yield from enumerate(reader, 1)
        except csv.Error as error:
            raise csv_error(path, error, reader.line_num) from None


def csv_error(path, error: csv.Error, line: int) -> BadInput:
    """The refusal of a CSV the csv module cannot split, at the line it stopped on: a cell over
    the csv module's limit is said in Chinese (单元格过长), any other error is a format error."""
    if "field larger than field limit" in str(error):
        limit = csv.field_size_limit()
        return BadInput(path, f"单元格过长（超过 {limit} 个字符），请检查引号是否配对",
                        f"a cell longer than {limit} characters: {error}", line or None)
    return BadInput(path, "CSV格式错误（如引号不配对）", f"malformed CSV: {error}", line or None)


def read_sniffed(path) -> Table:
    """A register's or roster's table: a workbook, or text split by the separator its head uses
    (comma, tab, semicolon, pipe: `sniff.delimiter`)."""
    p = Path(path)
    if p.suffix.lower() in sniff.EXCEL:
        return read_table(p)
    text, _ = sniff.decode(p, sniff.head_lines(p))
    return read_table(p, delimiter=sniff.delimiter(text.splitlines()[:50]))


def sniffed_head(path) -> Table:
    """`read_sniffed`'s first HEAD_ROWS rows: what a `score` looks at (a header is in the first
    30 rows), without reading a large file whole."""
    p = Path(path)
    if p.suffix.lower() in sniff.EXCEL:
        return head_table(p)
    text, _ = sniff.decode(p, sniff.head_lines(p))
    return head_table(p, delimiter=sniff.delimiter(text.splitlines()[:50]))


def is_blank(row) -> bool:
    return not any(cells.text(c) for c in row)




def find_columns(path, table: Table, spec: Spec,
                 search: int = 30) -> tuple[int, dict[str, int], dict[str, str]]:
    """Locate a header by the names of `spec`'s fields; returns (row index, {field: column},
    {field: the label as written}). Raises BadInput naming the required fields it lacks."""
    best, required = None, spec.required
    for index in range(min(search, len(table.rows))):
        labels = {}
        for i, cell in enumerate(table.rows[index][1]):
            if cells.text(cell):
                labels.setdefault(label_key(cells.text(cell)), (i, cells.text(cell)))
                labels.setdefault(cells.fold(cell), (i, cells.text(cell)))
        found = {}
        for field in spec.fields:
            hit = next((labels[a] for a in map(cells.fold, field.names) if a in labels), None) or next(
                (labels[label_key(a)] for a in field.names if label_key(a) in labels), None)
            if hit:
                found[field.id] = hit
        missing = [n for n in required if n not in found]
        if best is None or len(missing) < len(best[2]):
            best = (index, found, missing)
        if not missing:
            break
    index, found, missing = best
    if missing:
        if len(missing) == len(required):
            raise BadInput(path, f"找不到表头 (应含: {'、'.join(spec[m].label for m in required)})",
                           "no header row found (expected: "
                           f"{', '.join(spec[m].label for m in required)})")
        raise BadInput(path, f"表头缺少列: {'、'.join(spec[m].label for m in missing)}",
                       f"header lacks column(s): {', '.join(spec[m].label for m in missing)}",
                       table.rows[index][0])
    return index, {k: v[0] for k, v in found.items()}, {k: v[1] for k, v in found.items()}


def header_score(table: Table, spec: Spec, search: int = 30) -> int:
    """100 when a row holds every required field of `spec`, 1-99 for most of them, else 0."""
    required = spec.required
    for index in range(min(search, len(table.rows))):
        labels = {label_key(cells.text(c)) for c in table.rows[index][1] if cells.text(c)}
        labels |= {cells.fold(c) for c in table.rows[index][1] if cells.text(c)}
        have = sum(1 for n in required if any(label_key(a) in labels or cells.fold(a) in labels
                                              for a in spec[n].names))
        if have == len(required):
            return 100
        if have >= max(2, len(required) * 2 // 3):
            return 40 + have
    return 0


# subtotal and carried-forward lines of accounting and bank printouts: 本月合计, 本年累计,
# 2024年合计, 10月小计, 承前页, 过次页, the whole cell (a date such as 2024年10月5日 is none of
# them, nor a purpose, payee or project that starts like one: 10月累计务工补贴, 小计量器具购置)
ONWARD = r"过次页|转下页|转次页"  # carried to the next page: a file ending on one lost its next pages
CARRIED = rf"承前页|承上页|上页转来|{ONWARD}"
SUBTOTAL = re.compile(r"(?:(?:\d{4}年)?(?:\d{1,2}月份?)?(?:本页|本期|本月|本年|本季|本日|当月|当年|全年)?"
                      rf"(?:合计|总计|小计|累计)|{CARRIED})[\s:：]*")
_CARRIED = re.compile(rf"(?:{CARRIED})[\s:：]*")
# a printout's count and sum lines (借方合计笔数：4, 贷方合计金额：…, 收入合计) and its footer
# (打印时间：…, 制表人：…), a place's subtotal on a roster (涧东新村小计, 张山镇合计); folded text
_SIDE_TOTAL = re.compile(r"(?:借方|贷方|借|贷|收入|支出|收方|付方)(?:合计|总计)")
_FOOTER = re.compile(r"(?:打印时间|打印日期|打印人|打印柜员|制表人|制表日期|制表时间|复核人|审核人|经办人)"
                     r"(?::|$|\d)")
_PLACE_SUBTOTAL = re.compile(r"[\u4e00-\u9fff]{1,12}(?:村|镇|乡|街道|社区|组)(?:小计|合计)")
_ONWARD = re.compile(rf"({ONWARD})[\s:：]*")


def is_totals_label(text: str, words: tuple[str, ...] = TOTALS) -> bool:
    """Whether a row whose first cell reads `text` is a totals, subtotal, carried-forward or
    footer row: it starts with one of `words` (a layout may name its own), is a subtotal line,
    a count or sum line (借方合计笔数：4, 贷方合计金额：…), a place's subtotal (涧东新村小计) or a
    printout's footer (打印时间：…, 制表人：…)."""
    folded = cells.fold(text)
    return (folded.startswith(words) or SUBTOTAL.fullmatch(folded) is not None
            or _SIDE_TOTAL.match(folded) is not None or _FOOTER.match(folded) is not None
            or _PLACE_SUBTOTAL.fullmatch(folded) is not None)


def onward_label(text: str) -> str:
    """The word when `text` is a carried-to-the-next-page line (过次页, 转下页), else ""."""
    found = _ONWARD.fullmatch(cells.fold(text))
    return found.group(1) if found else ""


def is_carried_label(text: str) -> bool:
    """Whether `text` is a carried-forward line at a page break (承前页, 过次页): skipped like a
    totals row, but not the totals row a file that must end with one is checked for."""
    return _CARRIED.fullmatch(cells.fold(text)) is not None


def is_totals(row) -> bool:
    """Whether a register's or roster's row is its totals row (its first cell 合计, 本月合计, 承前页...)."""
    return bool(row) and is_totals_label(cells.text(row[0]))
