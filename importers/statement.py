"""Bank statements (对账单), any layout described by a layouts/*.toml file.

One transaction per statement row, linked by the bank serial (`^ICBC-2345-02000001`; without a
serial, the timestamp, or the date and a digest of the row), classified by the workspace's rules,
the counterparty's account (对方账号) as `payee_account:` on the classified posting; the closing balance becomes a `balance` assertion the day after the statement period, and an
account's first statement with money already on it gets an opening entry (`^<ACCOUNT>-OPEN`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail import banks, gcpause
from fundtrail.importers import cells, columns
from fundtrail.importers.base import (
    Extraction,
    FundtrailImporter,
    cash_open,
    filed_date,
    posting,
    txn,
)
from fundtrail.importers.classify import Item
from fundtrail.importers.context import ImportContext, opening_entries
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import STATEMENT
from fundtrail.importers.layout import Layout, head_text
from fundtrail.importers.tables import (
    HEAD_ROWS,
    Table,
    column_of,
    head_table,
    is_blank,
    is_carried_label,
    is_totals_label,
    onward_label,
    stream_rows,
)
from fundtrail.ledgertext import money

ONE = datetime.timedelta(days=1)
_PLACEHOLDER = re.compile(r"\(\?P<\w+>\.\+\?\)")
ESSENTIAL = ("date", "datetime", "amount", "flag")  # field types a statement cannot lack


@dataclass(slots=True)
class Row:
    number: int
    when: datetime.datetime
    has_time: bool
    amount: Decimal  # + money in, - money out, for the account holder
    balance: Decimal | None
    serial: str
    payee: str  # the counterparty: the payer on money in, the payee on money out
    payee_account: str
    summary: str
    purpose: str
    memo: str


@dataclass
class Statement:
    rows: list[Row]
    info: dict[str, str]  # holder, account_no, start, end from the lines above the header
    skipped: list[tuple[int, str]]
    read: int
    header: list = field(default_factory=list)  # the header's labels, one a column
    used: dict = field(default_factory=dict)  # {column: field label} the layout maps
    below: list = field(default_factory=list)  # the first rows below the header (their cells)
    header_row: int | None = None


def _header_labels(table: Table, index: int, rows: int) -> list[str]:
    """One label a column: a two-row header's lower cell under its (merged) upper one."""
    top = [cells.text(c) for c in table.rows[index][1]]
    if rows == 1:
        return top
    lower = [cells.text(c) for c in table.rows[index + 1][1]] if index + 1 < len(table.rows) else []
    out, carried = [], ""
    for i in range(max(len(top), len(lower))):
        upper = top[i] if i < len(top) else ""
        carried = upper or carried
        below = lower[i] if i < len(lower) else ""
        out.append(f"{carried}/{below}" if below and carried and carried != below else below or upper)
    return out


class StatementImporter(FundtrailImporter):
    kind = "银行对账单 bank statement"

    def __init__(self, layout: Layout, workspace=None):
        super().__init__(workspace)
        self.layout = layout

    @property
    def name(self) -> str:
        return f"fundtrail.statement.{self.layout.key}"

    def _table(self, path: Path) -> Table:
        """The file's first rows: where its header is (HEAD_ROWS)."""
        return head_table(path, self.layout.encoding, self.layout.sheet, self.layout.delimiter)

    def score(self, path: Path) -> int:
        if path.suffix.lower() not in self.layout.suffixes:
            return 0
        labels = list(self.layout.columns.values())
        best = self._table(path).best_header(labels, self.layout.header_rows)
        if not best:
            return 0
        missing = len(best[2])
        if missing == 0:
            return 100
        essential = {cells.fold(f.names[0]) for f in self.layout.spec.fields if f.type in ESSENTIAL}
        if essential & set(best[2]):
            return 0  # without its dates and amounts the file is some other bank's
        above = " ".join(cells.fold(c) for _, row in self._table(path).rows[:best[0]] for c in row
                         if cells.text(c))
        named = banks.code_in(above)
        own = self.layout.bank.upper()
        if named and named != own and not own.endswith(named):  # QHRCB is an RCB
            return 0  # a header like this layout's under another bank's name (建设银行, not 中国银行)
        return 50 - missing if missing <= len(labels) // 3 else 0

    def nearest(self, path: Path) -> tuple[int, list[str], list[str]]:
        """How close the file is to this layout: (labels found, labels missing, header cells of
        the file that are none of the layout's labels), for the "no importer" message."""
        if path.suffix.lower() not in self.layout.suffixes:
            return 0, [], []
        labels = list(self.layout.columns.values())
        best = self._table(path).best_header(labels, self.layout.header_rows)
        if best is None:  # an empty file: no row to compare
            return 0, labels, []
        index, names, missing = best
        used = {column_of(names, label) for label in labels}
        extra, seen = [], set()
        for name, column in names.items():  # each column once, as written (its key comes after)
            if "/" in name or column in seen:
                continue
            seen.add(column)
            if column not in used:
                extra.append(name)
        return len(labels) - len(missing), missing, extra

    # -- parsing -------------------------------------------------------------------------------
    def parse(self, path: Path, table: Table | None = None) -> Statement:
        """The statement's rows, oldest first, their running balance checked; `table` (the
        file's rows) is read from `path` unless given (`layout suggest` passes a sample). The
        file is read as a stream: its head for the header, then row by row, each row checked
        and kept as a `Row` only."""
        layout, stream = self.layout, iter(())
        if table is None:
            encoding, stream = stream_rows(path, layout.encoding, layout.sheet, layout.delimiter)
            stream = iter(stream)
            table = Table(Path(path), list(itertools.islice(stream, HEAD_ROWS)), encoding)
        labels = list(layout.columns.values())
        found = table.header(labels, layout.header_rows)
        if not found:
            best = table.best_header(labels, layout.header_rows)
            if best and len(best[2]) < len(labels):
                row = table.rows[best[0]][0]
                raise BadInput(path, f"表头缺少列: {'、'.join(best[2])} (版式 {layout.name})；如该文件不是此版式，"
                               f"可运行 fundtrail layout suggest {Path(path).name} 生成版式",
                               f"header lacks column(s) {', '.join(best[2])} (layout {layout.key}); if the file "
                               f"is of another layout, run `fundtrail layout suggest {Path(path).name}`",
                               row)
            raise BadInput(path, f"找不到表头 (应含: {'、'.join(labels)})",
                           f"no header row found (expected: {', '.join(labels)})")
        index, names = found
        col = {key: column_of(names, label) for key, label in layout.columns.items()}
        info = self._head(table.rows[:index])
        width = max(col.values()) + 1
        rows, skipped, read, serials, below, totalled = [], [], 0, {}, [], False
        onward = ("", 0)  # the last line read when it carries the statement to a next page (过次页)
        start = index + layout.header_rows
        last = table.rows[-1][0] if table.rows else None
        for number, cellrow in itertools.chain(table.rows[start:], stream):
            last = number
            if len(below) < 50:
                below.append(cellrow)
            if is_blank(cellrow):
                continue
            read += 1
            first = cells.text(cellrow[0]) or next(cells.text(c) for c in cellrow if cells.text(c))
            if is_totals_label(first, layout.totals):
                skipped.append((number, "合计行 totals row"))
                totalled = totalled or not is_carried_label(first)
                onward = (onward_label(first), number)
                continue
            onward = ("", number)
            if len(cellrow) < width:
                raise BadInput(path, f"本行只有{len(cellrow)}列，表头有{width}列(文件可能被截断)",
                               f"row has {len(cellrow)} cells, the header {width} (truncated file?)",
                               number)
            try:
                row = self._row(number, cellrow, col)
            except cells.CellError as error:
                zh, _, en = str(error).partition(" / ")
                raise BadInput(path, zh, en or zh, number) from None
            if row.serial:
                if row.serial in serials:
                    raise BadInput(path, f"流水号 {row.serial} 重复(亦见第{serials[row.serial]}行)",
                                   f"serial {row.serial} repeated (also row {serials[row.serial]})",
                                   number)
                serials[row.serial] = number
            rows.append(row)
        if onward[0]:  # its next pages are missing: the rows above are not the whole statement
            raise BadInput(path, f"文件以“{onward[0]}”行结束，其后各页缺失(文件可能被截断)",
                           "the file ends on a carried-to-the-next-page line: its next pages are missing "
                           "(truncated file?)", onward[1])
        if layout.order == "descending":
            rows.reverse()
        rows = self._oldest_first(path, rows)
        if layout.totals_required and not totalled and rows:
            raise BadInput(path, "缺少合计行(文件可能被截断)", "the totals row is missing (truncated file?)",
                           last)
        return Statement(rows, info, skipped, read, _header_labels(table, index, layout.header_rows),
                         {i: STATEMENT[key].label for key, i in col.items()}, below,
                         table.rows[index][0])

    def _head(self, lines) -> dict[str, str]:
        """What the `head` patterns capture in the lines above the header. Each is tried on each
        cell, then on each two neighbouring cells, then on the whole line, all read by
        `head_text` (so `账号：123`, `账号,123` and `户名:X,账号:123` all match `账号:{account_no}`).
        A piece that a more specific pattern matches (more fixed text: `账户名称：{holder}`) is
        not read by a less specific one (`账户：{account_no}`)."""
        info = {}
        patterns = [(p, len(_PLACEHOLDER.sub("", p.pattern))) for p in self.layout.head_patterns()]
        for _, cellrow in lines:
            texts = [c for c in cellrow if cells.text(c)]
            pieces = ([head_text([c]) for c in texts] + [head_text(texts[i:i + 2])
                                                        for i in range(len(texts) - 1)]
                      + [head_text(texts)])
            best = [max((fixed for p, fixed in patterns if p.match(piece)), default=0) for piece in pieces]
            for pattern, fixed in patterns:
                found = next((m for piece, most in zip(pieces, best, strict=True)
                              if most == fixed and (m := pattern.match(piece))), None)
                if found:
                    info.update(found.groupdict())
        return info

    def _row(self, number: int, c: list, col: dict[str, int]) -> Row:
        layout = self.layout

        empty = layout.empty

        def get(key):
            return c[col[key]] if key in col else None

        def text(key):
            value = c[col[key]] if key in col else None
            if value is None:
                return ""
            value = value.strip() if isinstance(value, str) else cells.text(value)
            return "" if value in empty or (len(value) < 4 and cells.fold(value) in empty) else value

        if "datetime" in col:
            when, has_time = cells.when(get("datetime"), layout.date_formats)
        else:
            when, has_time = cells.when(get("date"), layout.date_formats, get("time"),
                                        layout.time_formats)
        if "debit" in col:
            debit, credit = cells.amount(get("debit"), layout.empty), cells.amount(get("credit"), layout.empty)
            if debit is None and credit is None:
                raise cells.CellError("借方、贷方金额均为空 / neither debit nor credit amount")
            amount = (credit or 0) - (debit or 0)
        else:
            value = cells.amount(get("amount"), layout.empty)
            if value is None:
                raise cells.CellError("发生额为空 / empty amount")
            if "direction" in col:
                flag = cells.fold(get("direction"))
                if flag in layout.in_words:
                    amount = abs(value)
                elif flag in layout.out_words:
                    amount = -abs(value)
                else:
                    raise cells.CellError(f"借贷标志无法识别 {flag!r} / unknown debit/credit flag {flag!r}")
            else:
                amount = value if layout.amount_in == "positive" else -value
        summary, purpose = text("summary"), text("purpose")
        if layout.summary_joins_purpose and not purpose:
            summary, _, purpose = summary.partition(" ")
        # the counterparty: the payer on money in, the payee on money out. A layout with a payer's
        # name but one account column (对方账号, read as payee_account) takes that column for the
        # payer's account; with a payer's own account column the payee's account is the holder's
        # (收款人账号 on money in), never the counterparty's
        side = "payer" if amount > 0 and "payer" in col else "payee"
        account = text(f"{side}_account") or (
            text("payee_account") if side == "payer" and "payer_account" not in col else "")
        return Row(number, when, has_time, Decimal(amount), cells.amount(get("balance"), layout.empty),
                   text("serial"), text(side), account, summary, purpose.strip(), text("memo"))

    def _oldest_first(self, path, rows: list[Row]) -> list[Row]:
        """The rows in time order, their running balance checked: in file order (reversed for
        `order = "descending"`), or reversed when only that adds up (newest row listed first)."""
        try:
            self._check_running_balance(path, rows)
            return rows
        except BadInput as error:
            try:
                self._check_running_balance(path, rows[::-1])
            except BadInput:
                raise error from None
            return rows[::-1]

    @staticmethod
    def _check_running_balance(path, rows: list[Row]) -> None:
        running = None
        for row in rows:
            if row.balance is not None and running is not None and running + row.amount != row.balance:
                raise BadInput(path, f"余额不连续: 上一余额 {running:,.2f} + 发生额 {row.amount:,.2f} "
                               f"≠ 本行余额 {row.balance:,.2f}",
                               f"running balance does not add up: {running:,.2f} + {row.amount:,.2f} "
                               f"!= {row.balance:,.2f}", row.number)
            running = row.balance if row.balance is not None else (
                running + row.amount if running is not None else None)

    # -- entries -------------------------------------------------------------------------------
    def _account(self, path: Path, st: Statement, ctx: ImportContext) -> tuple[str, list]:
        bank, number = self.layout.bank, st.info.get("account_no", "")
        if bank == "UNKNOWN":  # a draft of `layout suggest` that could not tell the bank
            raise BadInput(path, f"版式 {self.layout.key} 的银行未知 (bank = \"UNKNOWN\")：请在 layouts/"
                           f"{self.layout.key}.toml 中写明银行代码(如 BOC)，或用 --bank 重新生成版式",
                           f"layout {self.layout.key} names no bank: write the bank's code in it, or "
                           "run `fundtrail layout suggest FILE --bank NAME` again")
        if number:
            account = ctx.account_by_number(number, path) or acc.bank_account(bank, number)
        else:
            account = _filed_account(path, ctx.root) or ctx.fallback_account
            if not account:
                mine = ctx.of_kind(f"{acc.BANK}:{bank.upper()}-")
                account = mine[0] if len(mine) == 1 else ""
            if not account:
                raise BadInput(path, f"对账单未写明账号，且账簿中没有唯一的{bank}账户；请用 --account 指定",
                               f"the statement names no account number and the books hold no single "
                               f"{bank} account: give --account")
        opens = []
        if not ctx.is_open(account) and st.rows:
            opens.append(cash_open(account, ctx.open_date(st.rows[0].when.date()),
                                   name=st.info.get("holder", ""), bank=bank, account_no=number))
        return account, opens

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        with gcpause.paused():  # ~10 objects a row, all kept: the cyclic GC would rescan them all
            return self._read(path, ctx)

    def _read(self, path: Path, ctx: ImportContext) -> Extraction:
        st = self.parse(path)
        account, opens = self._account(path, st, ctx)
        ex = Extraction(path, self, self.kind, account, opens=opens, read=st.read, skipped=st.skipped)
        columns.check(self.workspace, "statement", STATEMENT)
        ex.columns = columns.account(path, st.header, st.below, st.used, "statement", self.workspace,
                                     STATEMENT, st.header_row)
        ex.entries = Entries(self, path, ctx, account, st.rows)
        self._opening(path, ctx, account, st, ex)
        self._closing(path, ctx, account, st, ex)
        if ex.date is None and st.rows:  # no balance column: filed by its last row's day
            ex.date = max(r.when.date() for r in st.rows)
        if not LAZY.get():
            ex.entries = list(ex.entries)
        return ex

    def _entry(self, path, ctx, account, row: Row, link: str) -> data.Transaction:
        item = Item("bank", row.when.date(), "in" if row.amount > 0 else "out", account, row.payee,
                    row.payee_account, row.summary, row.purpose, row.memo,
                    narration=row.purpose or row.summary)
        result = ctx.classifier.classify(item, (path, row.number))
        moment = {"time": f"{row.when:%H:%M:%S}"} if row.has_time else {}
        meta = self.meta(path, ctx, (link, account), row=row.number, **moment)
        cash = posting(account, row.amount)
        other = posting(result.account, -row.amount,
                        {**result.meta, "payee_account": row.payee_account})  # the counterparty's
        postings = [cash, other] if row.amount > 0 else [other, cash]
        return txn(meta, row.when.date(), result.payee, result.narration, {link} | result.links,
                   postings)

    def _opening(self, path, ctx: ImportContext, account: str, st: Statement, ex: Extraction) -> None:
        first = next((r for r in st.rows if r.balance is not None), None)
        if first is None or first is not st.rows[0]:
            return
        day = first.when.date()
        before = ctx.first_posting.get(account)
        if before is not None and before < day:
            return  # the books already carry the account's history before this statement
        existing = opening_entries(ctx.entries).get(account, [])
        if any(e.date <= day for e in existing):
            return
        ex.remove += existing
        prior = first.balance - first.amount
        if prior:
            link = f"{acc.leaf(account)}-OPEN"
            meta = self.meta(path, ctx, (link, account), row=first.number)
            ex.entries.append(txn(meta, day, "", "期初余额(据银行对账单) opening balance", {link}, [
                posting(account, prior), posting(acc.OPENING, -prior)]))

    def _closing(self, path, ctx: ImportContext, account: str, st: Statement, ex: Extraction) -> None:
        last = next((r for r in reversed(st.rows) if r.balance is not None), None)
        if last is None:
            if st.rows:
                ex.warnings.append("对账单无余额列，未生成余额断言 / no balance column: no balance assertion")
            return
        end = _date(st.info.get("end")) or filed_date(path) or st.rows[-1].when.date()
        end = max(end, st.rows[-1].when.date())
        ex.date = end
        day = end + ONE
        held = ctx.balances.get((day, account))
        if held is not None and held.amount.number != last.balance:
            raise BadInput(path, f"期末余额 {last.balance:,.2f} 与账簿中 {day} 的余额断言 "
                           f"{held.amount.number:,.2f} 不一致",
                           f"closing balance {last.balance:,.2f} differs from the books' assertion "
                           f"of {held.amount.number:,.2f} on {day}")
        if held is None:
            ex.entries.append(data.Balance(self.meta(path, ctx), day, account, money(last.balance),
                                           None, None))


LAZY = contextvars.ContextVar("fundtrail_statement_lazy", default=False)


@contextlib.contextmanager
def lazily():
    """Within: `read` leaves a statement's entries to be made as they are iterated (`Entries`).
    The import pipeline takes them at once, one by one, so a large statement's entries are
    never all held; every other caller gets them made, as the rules stand at `read`."""
    token = LAZY.set(True)
    try:
        yield
    finally:
        LAZY.reset(token)


class Entries:
    """A statement's entries: one a row, made (classified, linked) as they are iterated, then
    the opening entry and the closing balance (`tail`)."""

    def __init__(self, importer: StatementImporter, path: Path, ctx: ImportContext, account: str,
                 rows: list[Row]):
        self.importer, self.path, self.ctx, self.account, self.rows = importer, path, ctx, account, rows
        self.tail: list = []

    def append(self, entry) -> None:
        self.tail.append(entry)

    def __len__(self) -> int:
        return len(self.rows) + len(self.tail)

    def __eq__(self, other) -> bool:
        return (isinstance(other, Entries) and (self.account, self.rows, self.tail)
                == (other.account, other.rows, other.tail))

    def __getitem__(self, index):
        return list(self)[index]

    def __iter__(self):
        leaf = acc.leaf(self.account)
        seen_links = set()
        for row in self.rows:
            base = link = _row_link(leaf, row)
            repeat = 1
            while link in seen_links:  # no serial and the same second: the bank's order decides
                repeat += 1
                link = f"{base}-{repeat}"
            seen_links.add(link)
            yield self.importer._entry(self.path, self.ctx, self.account, row, link)
        yield from self.tail


def _row_link(leaf: str, row: Row) -> str:
    if row.serial:
        return f"{leaf}-{row.serial}"
    if row.has_time:
        return f"{leaf}-{row.when:%Y%m%d%H%M%S}"
    digest = hashlib.sha1("|".join(map(str, (row.amount, row.balance, row.payee, row.payee_account,
                                             row.summary, row.purpose))).encode()).hexdigest()[:8]
    return f"{leaf}-{row.when:%Y%m%d}-{digest}"


def _date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return cells.when(text)[0].date()
    except cells.CellError:
        return None


def _filed_account(path: Path, root: Path) -> str:
    try:
        parts = Path(path).resolve().relative_to((root / "documents").resolve()).parts
    except ValueError:
        return ""
    return ":".join(parts[:-1]) if len(parts) > 2 and parts[0] in ("Assets",) else ""
