"""`fundtrail layout suggest`: a draft layout for a bank statement the workspace has no layout for.

From a sample of the file (the first 256 KB, or the first 400 rows of a workbook; never the
whole file) it works out the encoding and the delimiter, the metadata lines above the header
(account number, holder, period) and the header, maps the columns by the header names Chinese
banks use, picks the date and
time formats that read every sampled value, and picks the amount convention (debit + credit, a
借贷标志 and its words, a signed amount and its sign) and the row order by which reading makes
the running balance add up. Whatever it could not decide (two columns fitting one field) is a
note saying which and why.

Headers of two rows with merged cells: a parent cell over children (发生额 over 借方/贷方,
对方信息 over 户名/账号, 交易信息 over 日期/时间) and cells spanning both rows (交易日期, 余额).
A workbook keeps a merged cell's text in its first cell only, a CSV export leaves the other
cells empty; so each child is named `parent/child` (the parent carried to the right over the
empty cells), a cell spanning both rows by its own text. Every row of the head is tried as a
header of one row and, when the row below it holds labels rather than values, as the upper row
of a header of two; the reading that names the most fields wins (one row on a tie). A child is
matched by its own name, by the parent's name joined to it (对方信息/户名 reads as 对方户名)
and, under an amount parent, by the direction words (发生额 over 借/贷 reads as debit/credit).

The bank is told by its name in the lines above the header or in the file name (工商银行,
建行, 信用社 ...), never by words that merely occur in the rows (建设局, 交通运输). When neither
names a bank and --bank is not given, the draft says 未知银行 (bank = "UNKNOWN") and the import
refuses it until the bank's code is written in.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from fundtrail import banks
from fundtrail.importers import cells, sniff
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import STATEMENT, STATEMENT_HEAD
from fundtrail.importers.layout import IN_WORDS, OUT_WORDS, head_text, parse
from fundtrail.importers.tables import Table, is_blank, is_totals

SAMPLE_ROWS = 400

# field -> header names, most telling first (a bracketed unit or English gloss is ignored; an
# English gloss alone is matched too): the statement fields of the header specification.
VOCABULARY = {f.id: f.names for f in STATEMENT.fields if f.names}
META_LABELS = STATEMENT_HEAD.names()  # labels of the metadata lines -> what their value is
# bank names as the lines above a header or a file name write them (never words that merely
# occur in the rows: 建设局, 交通运输局, 工商所 name no bank)
UNKNOWN_BANK = "UNKNOWN"  # the draft's bank when neither the file nor --bank names one
DATES = cells.DATE_FORMATS + ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S",
                              "%Y/%m/%d %H:%M", "%Y%m%d %H:%M:%S", "%Y%m%d%H%M%S", "%Y.%m.%d %H:%M:%S",
                              "%Y年%m月%d日 %H:%M:%S", "%Y-%m-%d-%H.%M.%S")
TIMES = ("%H:%M:%S", "%H%M%S", "%H:%M", "%H.%M.%S")


@dataclass
class Suggestion:
    path: Path
    encoding: str
    delimiter: str
    header_index: int  # into sample rows
    header_rows: int
    bank: str
    layout: dict  # key -> value, written as TOML
    columns: dict[str, str]
    info: dict[str, str]  # what the metadata lines say (account_no, holder, start, end)
    notes: list[str] = field(default_factory=list)  # Chinese / English, one line each
    reconciles: bool = False
    rows: list = field(default_factory=list)  # parsed sample rows (statement.Row)
    problem: str = ""  # why the sample could not be read with the draft

    def toml(self) -> str:
        lines = [f"# 由 fundtrail layout suggest 根据 {_line(self.path.name)} 生成的版式草稿，请核对后使用。",
                 "# Draft layout written by `fundtrail layout suggest`; the format is in docs/importers.md."]
        lines += [f"# {_line(note)}" for note in self.notes]
        for key, value in self.layout.items():
            lines.append(f"{key} = {_toml(value)}")
        lines.append("\n[columns]")
        lines += [f"{key} = {_toml(label)}" for key, label in self.columns.items()]
        return "\n".join(lines) + "\n"


def _line(text: str) -> str:
    """Text from the file inside a TOML comment: one line, whatever it holds."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", " ", text)


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(_toml, value)) + "]"
    return json.dumps(value, ensure_ascii=False)


# -- the sample ------------------------------------------------------------------------------
def sample(path: Path) -> tuple[list[tuple[int, list]], str, str]:
    """(rows with their numbers, encoding, delimiter) from the head of the file only."""
    if path.suffix.lower() in sniff.EXCEL:
        return sniff.excel_rows(path, limit=SAMPLE_ROWS), "xlsx", ""
    text, encoding = sniff.decode(path, sniff.head_lines(path))
    lines = text.splitlines()
    delimiter = sniff.delimiter(lines[:200])
    rows = list(csv.reader(io.StringIO("\n".join(lines), newline=""), delimiter=delimiter))
    return [(n, row) for n, row in enumerate(rows, 1)], encoding, delimiter


# -- the header ------------------------------------------------------------------------------
_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]|（.*?）")
_PARENT_ONLY = re.compile(r"(信息|情况|明细|资料)$")  # a parent's words that name no field


def _matches(label: str) -> list[tuple[int, int, str]]:
    """(strength, preference, field) for a header label: 3 its Chinese name is a known name,
    2 its English gloss is, 1 it contains a known Chinese name of 3 or more characters."""
    folded = cells.fold(label)
    parent, _, child = folded.rpartition("/")  # two rows: `发生额/借方`
    out = []
    if parent and _BRACKETS.sub("", parent) in VOCABULARY["amount"]:  # 发生额 over 借/贷, 收/支
        out += [(3, 0, "debit")] * (child in OUT_WORDS) + [(3, 0, "credit")] * (child in IN_WORDS)
    joined = _PARENT_ONLY.sub("", parent) + child if parent else ""  # 对方信息/户名 -> 对方户名
    for form in dict.fromkeys(f for f in (folded, child or folded, joined) if f):
        zh = _BRACKETS.sub("", form)
        zh = re.split(r"[A-Za-z]", zh)[0] or zh.lower()
        english = "".join(re.findall(r"[A-Za-z'.\-/]+", form)).lower()
        for name, words in VOCABULARY.items():
            for rank, word in enumerate(words):
                if zh == word:
                    out.append((3, -rank, name))
                elif english and english == word:
                    out.append((2, -rank, name))
                elif len(word) >= 3 and not word.isascii() and word in zh:
                    out.append((1, -rank, name))
    return sorted(out, reverse=True)


def _labels(rows, index: int, count: int) -> dict[int, str]:
    """Column -> label as a layout names it (two rows: `upper/lower`, see Table.names)."""
    names = Table(Path(), rows).names(index, count, keyed=False)
    out = {}
    for name, column in names.items():
        if column not in out or "/" in name:
            out[column] = name if count == 2 else cells.text(rows[index][1][column])
    return out


def _named(labels: dict[int, str]) -> tuple[int, int]:
    """(fields named, their summed match strength) by a header's labels."""
    fields: dict[str, int] = {}
    for label in labels.values():
        found = _matches(label)
        if found:
            fields[found[0][2]] = max(fields.get(found[0][2], 0), found[0][0])
    return len(fields), sum(fields.values())


def _holds_labels(row) -> bool:
    """Whether a row holds labels only (the lower row of a header), no number, date or amount."""
    texts = [c for c in row if cells.text(c)]
    if not texts or any(isinstance(c, (int, float, datetime.date)) for c in texts):
        return False
    for cell in texts:
        if _is_date(cell):
            return False
        try:
            if cells.amount(cell) is not None:
                return False
        except cells.CellError:
            pass
    return True


def _header(path: Path, rows) -> tuple[int, int]:
    """(index, 1 or 2) of the header naming the most known fields (see the module doc). Two rows
    are a header when both hold labels only and together name more fields than either alone (a
    metadata line above a header of one row adds none)."""
    search = min(40, len(rows))
    single = [_named(_labels(rows, i, 1)) for i in range(search)] + [(0, 0)]
    best, score = (0, 1), (0, 0)
    for index in range(search):
        if single[index] > score:
            best, score = (index, 1), single[index]
        if index + 1 < len(rows) and _holds_labels(rows[index][1]) and _holds_labels(rows[index + 1][1]):
            named = _named(_labels(rows, index, 2))
            if named > max(score, single[index], single[index + 1]):
                best, score = (index, 2), named
    if score[0] < 2:
        raise BadInput(path, "前40行中找不到对账单表头(日期、金额、余额等列名)",
                       "no statement header (date, amount, balance ... labels) in the first 40 rows")
    return best


# -- deciding --------------------------------------------------------------------------------
class _Draft:
    def __init__(self, path: Path, rows, bank: str):
        self.path, self.rows, self.notes = path, rows, []
        self.index, self.header_rows = _header(path, rows)
        self.labels = _labels(rows, self.index, self.header_rows)
        self.data = [r for _, r in rows[self.index + self.header_rows:] if not is_blank(r)
                     and not is_totals(r)]
        self.columns: dict[str, int] = {}
        self.layout: dict = {}
        self.bank = bank

    def note(self, zh: str, en: str) -> None:
        self.notes.append(f"{zh} / {en}")

    def values(self, column: int) -> list:
        return [r[column] for r in self.data if column < len(r) and cells.text(r[column])]

    def assign(self) -> None:
        candidates: dict[str, list] = {}
        for column, label in self.labels.items():
            found = _matches(label)
            if found:
                strength, rank, name = found[0]
                candidates.setdefault(name, []).append(((strength, rank), column))
        for name, found in candidates.items():
            filled = [c for c in found if self.values(c[1])]
            found = filled or found  # an empty column serves no field
            found.sort(key=lambda c: (c[0], -c[1]), reverse=True)
            top = [c for c in found if c[0][0] == found[0][0][0]]  # as strong a match
            column = top[0][1]
            if len(top) > 1:
                column = self._tie(name, [c for _, c in top])
            self.columns[name] = column

    def _tie(self, name: str, columns: list[int]) -> int:
        """Two columns fit one field equally: the one whose sampled values serve it best."""
        labels = "、".join(self.labels[c] for c in columns)
        if name == "serial":
            unique = [c for c in columns if len(set(map(cells.text, self.values(c)))) == len(self.data)]
            chosen = (unique or columns)[0]
            why = ("其值在样本中各不相同", "its values are all different") if unique else (
                "均有重复值，取第一列", "both repeat values: the first is taken")
        elif STATEMENT[name].type in ("date", "time"):
            readable = [c for c in columns if self._date_format(c) is not None]
            chosen = (readable or columns)[0]
            why = ("可按日期读取", "it reads as dates")
        else:
            chosen = columns[0]
            why = ("取第一列", "the first is taken")
        self.note(f"两列都像「{name}」: {labels}；选用 {self.labels[chosen]}，因为{why[0]}",
                  f"two columns fit `{name}` ({labels}): {self.labels[chosen]}, as {why[1]}")
        return chosen

    # dates -------------------------------------------------------------------------------
    def _date_format(self, column: int, formats=DATES) -> str | None:
        """The first format that reads every sampled value; "" for Excel dates; None if none."""
        values = self.values(column)
        if values and all(isinstance(v, datetime.date) for v in values):
            return ""
        texts = [cells.fold(v) if not isinstance(v, str) else v.strip() for v in values]
        for fmt in formats:
            try:
                for text in texts:
                    datetime.datetime.strptime(text, fmt)
            except ValueError:
                continue
            return fmt if texts else None
        return None

    def dates(self) -> None:
        col, layout = self.columns, self.layout
        date, time = col.pop("date", None), col.pop("time", None)
        full = [f for f in (time, date) if f is not None and (self._date_format(f) or "").count("%H")]
        if full:  # one column holds date and time
            col["datetime"] = full[0]
            fmt = self._date_format(full[0])
            layout["datetime_format"] = fmt
            if date is not None and date != full[0]:
                self.note(f"{self.labels[full[0]]} 含日期和时间，未用 {self.labels[date]}",
                          f"{self.labels[full[0]]} holds date and time; {self.labels[date]} is not used")
            return
        if date is None:
            return
        col["date"] = date
        fmt = self._date_format(date)
        if fmt:
            layout["date_format"] = fmt
        if time is not None:
            tfmt = self._date_format(time, TIMES)
            if tfmt is not None:
                col["time"] = time
                if tfmt:
                    layout["time_format"] = tfmt

    # amounts -----------------------------------------------------------------------------
    def amounts(self) -> None:
        col = self.columns
        tries = []
        if "debit" in col and "credit" in col:
            tries.append(({}, ("debit", "credit"), lambda r: _num(r, col["credit"]) - _num(r, col["debit"])))
        if "amount" in col and "direction" in col:
            flags = sorted({cells.fold(v) for v in self.values(col["direction"])})
            known = set(IN_WORDS) | set(OUT_WORDS)
            pairs = [({}, set(IN_WORDS))] if set(flags) <= known else []
            if len(flags) == 2 and not set(flags) <= known:
                pairs += [({"in_words": [a], "out_words": [b]}, {a}) for a, b in (flags, flags[::-1])]
            for extra, ins in pairs:
                tries.append((extra, ("direction", "amount"), lambda r, ins=ins: abs(_num(r, col["amount"]))
                              * (1 if cells.fold(r[col["direction"]]) in ins else -1)))
        if "amount" in col:
            tries.append(({}, ("amount",), lambda r: _num(r, col["amount"])))
            tries.append(({"amount_in": "negative"}, ("amount",), lambda r: -_num(r, col["amount"])))
        if not tries:
            self.note("找不到金额列(借方/贷方、交易金额)", "no amount columns found (debit/credit, amount)")
            return
        results = []
        for extra, fields, func in tries:
            try:
                amounts = [func(r) for r in self.data]
            except (cells.CellError, TypeError, IndexError):
                continue
            balances = [_num(r, col["balance"], None) for r in self.data] if "balance" in col else []
            ahead = _fits(amounts, balances)
            back = _fits(amounts[::-1], balances[::-1])
            results.append((max(ahead, back), back > ahead, extra, fields))
        if not results:
            self.note("金额列无法读取", "the amount columns cannot be read")
            return
        results.sort(key=lambda r: r[0], reverse=True)
        score, backwards, extra, fields = results[0]
        rows = len(self.data) - 1
        named = [f"{'+'.join(r[3])}{' ' + str(r[2]) if r[2] else ''}" for r in results]
        if len(results) > 1 and results[1][0] == score and score:
            self.note(f"两种金额读法都使余额连续: {named[0]} 与 {named[1]}；选用前者",
                      f"two amount readings both add up: {named[0]} and {named[1]}; the first is taken")
        elif score < rows:
            self.note(f"没有一种金额读法使余额连续(最好的 {named[0]} 只有 {score}/{rows} 行相符)",
                      f"no amount reading adds up (the best, {named[0]}, fits {score} of {rows} rows)")
        self.layout.update(extra)
        if backwards:
            self.layout["order"] = "descending"
        for name in ("debit", "credit", "amount", "direction"):
            if name not in fields:
                col.pop(name, None)
        self.reconciles = bool(self.data) and score == len(self.data) - 1

    # metadata lines ---------------------------------------------------------------------
    def head(self) -> dict[str, str]:
        info, patterns = {}, []
        labels = sorted(((w, k) for k, ws in META_LABELS.items() for w in ws), key=lambda x: -len(x[0]))
        label_re = re.compile("(" + "|".join(re.escape(head_text([w])) for w, _ in labels)
                              + r")(\[[^\]]*\])?", re.I)
        kinds = {head_text([w]).lower(): k for w, k in labels}
        for _, row in self.rows[:self.index]:
            line = head_text([c for c in row if cells.text(c)])
            found = list(label_re.finditer(line))
            if not found:
                continue
            pattern, captured = line[:found[0].start()], {}
            for i, match in enumerate(found):
                value = line[match.end():found[i + 1].start() if i + 1 < len(found) else len(line)]
                kind = kinds[match.group(1).lower()]
                piece = _capture(kind, value)
                if piece is None:
                    pattern += match.group(0) + value
                    continue
                text, got = piece
                captured.update(got)
                pattern += match.group(0) + "：" + text
            if captured and not captured.keys() & info.keys():
                info.update(captured)
                patterns.append(pattern)
        if patterns:
            self.layout["head"] = patterns
        return info


def _capture(kind: str, value: str):
    """(pattern text, {field: value}) for one labelled value, None when it is not that kind."""
    if kind == "account_no":
        digits = re.sub(r"[\s\-]", "", value)
        return ("{account_no}", {"account_no": digits}) if re.fullmatch(r"\d{8,}", digits) else None
    if kind == "holder":
        return ("{holder}", {"holder": value}) if value and not value.isdigit() else None
    if kind in ("start", "end"):
        return ("{" + kind + "}", {kind: value}) if _is_date(value) else None
    for cut in re.finditer(r"至|到|~|--|—|-", value):
        start, end = value[:cut.start()], value[cut.end():]
        if _is_date(start) and _is_date(end):
            return "{start}" + cut.group(0) + "{end}", {"start": start, "end": end}
    return None


def _is_date(text: str) -> bool:
    try:
        cells.when(text)
        return True
    except cells.CellError:
        return False


def _num(row, column, default=0):
    value = cells.amount(row[column] if column < len(row) else None)
    return default if value is None else value


def _fits(amounts, balances) -> int:
    """How many rows' balance is the previous balance plus the row's amount."""
    return sum(1 for i in range(1, len(balances)) if balances[i] is not None and balances[i - 1] is not None
               and balances[i - 1] + amounts[i] == balances[i])


def _bank(text: str, given: str | None) -> str:
    """The bank's code: from --bank (a name or a code), else from `text` (the lines above the
    header and the file name); UNKNOWN_BANK when neither tells it."""
    if given:
        code = banks.code_in(given)
        if code or not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", given):
            return code or UNKNOWN_BANK
        return given.upper()
    return banks.code_in(text) or UNKNOWN_BANK


def suggest(path, bank: str | None = None) -> Suggestion:
    """A draft layout for `path`, checked on the sample it was made from."""
    from fundtrail.importers.statement import StatementImporter

    path = Path(path)
    rows, encoding, delimiter = sample(path)
    draft = _Draft(path, rows, "")
    above = " ".join(cells.fold(c) for _, r in rows[:draft.index] for c in r if cells.text(c))
    draft.bank = _bank(f"{above} {cells.fold(path.stem)}", bank)
    if draft.bank == UNKNOWN_BANK:
        draft.note(f"未知银行: {'--bank ' + _line(bank) + ' 不是已知的银行名' if bank else '文件中看不出开户银行'}，"
                   "请用 --bank 指定(如 --bank 中国银行 或 --bank BOC)后重新生成，或把 bank 改为银行代码；"
                   "改好之前不能导入",
                   "unknown bank: give --bank (a name or a code such as BOC) and suggest again, or write "
                   "the bank's code in `bank`; the layout does not import until then")
    draft.assign()
    draft.dates()
    draft.reconciles = False
    draft.amounts()
    info = draft.head()
    layout = {"name": f"{path.stem}（自动生成 suggested）", "bank": draft.bank,
              "format": "xlsx" if encoding == "xlsx" else "csv"}
    if encoding != "xlsx":
        layout["encoding"] = encoding
        if delimiter != ",":
            layout["delimiter"] = sniff.delimiter_name(delimiter)
    if draft.header_rows == 2:
        layout["header_rows"] = 2
    layout.update(draft.layout)
    order = ["serial", "date", "time", "datetime", "payer", "payer_account", "payee", "payee_account",
             "summary", "purpose", "memo", "direction", "amount", "debit", "credit", "balance"]
    columns = {k: draft.labels[draft.columns[k]] for k in order if k in draft.columns}
    if "payee" in columns and "payer" not in columns and any(
            w in cells.fold(columns["payee"]) for w in ("收款人", "收款方", "收款单位")):
        draft.note(f"只有收款人列 {columns['payee']}: 收入行的对方会是本单位",
                   f"only a payee column ({columns['payee']}): money in will name the holder")
    if "balance" not in columns:
        draft.note("没有余额列: 无法核对余额，也不会生成余额断言",
                   "no balance column: nothing to reconcile, no balance assertion")
    if not info.get("account_no"):
        draft.note("文件中没有账号: 导入时用 --account 指定账户",
                   "the file names no account number: import with --account")
    result = Suggestion(path, encoding, delimiter, draft.index, draft.header_rows, draft.bank, layout,
                        columns, info, draft.notes)
    try:
        checked = parse(result.toml(), path.stem, f"{path.name} (draft)")
        statement = StatementImporter(checked).parse(path, Table(path, rows, encoding))
        result.rows, result.reconciles = statement.rows, draft.reconciles
    except (BadInput, ValueError) as error:
        result.problem = str(error)
    return result
