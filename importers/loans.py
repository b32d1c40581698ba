"""Micro-loan registers (小额信贷台账) -> masterdata/loans.beancount.

What banks and counties keep about the micro-loans: a bank's loan ledger (借款人, 身份证号,
贷款账号, 贷款金额, 放款日期, 到期日期, 贷款用途, 执行利率, 已贴息金额, 还款情况, 逾期金额, 结清日期),
the county's 台账 (乡镇, 行政村, 户主姓名, 借款人姓名, 证件号码, 贷款银行, 贷款金额(万元), 贷款期限(月), ...)
or a bank system's export (客户名称, 证件号码, 借据号, 合同金额, 起息日, 止息日, 年利率 as a fraction,
累计财政贴息, 贷款状态, 逾期本金, 结清日). The columns are `headers.LOANS` (with the workspace's
own names from columns.toml, section `[loans]`); every other column is ignored by name or stops
the import (`fundtrail.importers.columns`). CSV in UTF-8 or GBK, comma or tab separated, title
and metadata rows above the header, a 合计 row and a footer line below; Excel with date cells,
dates as bare serial numbers or as text (2024.6.5, 20240520, 2024/03/15).

Each row becomes two directives, upserted by loan id (re-importing a newer register updates them):

- `custom "loan" "<id>"` on the issue date: the terms (household, borrower, borrower_id, amount,
  term_months, due, rate (percent), bank, purpose, used_by) and the household as the county's
  台账 names it: head (户主姓名), town (乡镇) and village (行政村), the town and village by their
  division codes when the division list knows the names (`registers.village_of`), else as
  written. The id is the file's loan number
  (贷款账号, 借据号); a register with none gets `LN<issue date>-<6 hex digits>` from the borrower's ID
  number, the issue date and the amount (the same row always gets the same id).
- `custom "loan-status" "<id>"` on the date the register states (统计截止日期, 填报日期 ...; else
  the day of the import): status (正常, 逾期, 结清, 展期), settled, overdue (principal overdue),
  subsidy_paid (the cumulative interest subsidy) and subsidy_to (the date it is paid up to: the
  same date).

Amounts in a column whose label says 万元 are converted to yuan; a rate written as a fraction
(0.0345) or with a percent sign (3.45%) is kept in percent (3.45). A term not given is the months
from issue to maturity (2023-03-15 to 2026-03-14 is 36).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from fundtrail.idno import id_no
from fundtrail.importers import cells
from fundtrail.importers.base import Extraction
from fundtrail.importers.context import ImportContext
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import LOANS
from fundtrail.importers.registers import (
    TabularImporter,
    count_held,
    master_custom,
    unresolved_villages,
    village_of,
)
from fundtrail.ledgertext import money

LOANS_FILE = "masterdata/loans.beancount"
SETTLED, OVERDUE, EXTENDED, NORMAL = "结清", "逾期", "展期", "正常"
_STATED = re.compile(r"(截止日期|截至日期|统计日期|数据日期|报表日期|填报日期|制表日期)[:：]?\s*"
                     r"(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{8})")


def stated_date(rows) -> datetime.date | None:
    """The date a register states in a line above or below its table (统计截止日期 before
    填报日期); None when it states none."""
    found = {}
    for _, row in rows:
        line = cells.fold(" ".join(cells.text(c) for c in row))
        for word, day in _STATED.findall(line):
            try:
                found.setdefault(word, cells.when(day.replace("年", "-").replace("月", "-").rstrip("日"))[0].date())
            except cells.CellError:
                continue
    for word in ("截止日期", "截至日期", "统计日期", "数据日期", "报表日期", "填报日期", "制表日期"):
        if word in found:
            return found[word]
    return None


_BANK = re.compile(r"^(\S*?(银行|信用社|信用联社|农商行)\S*?(支行|分行|营业部|分理处)?)(?=\s|$|脱贫|小额|扶贫)")


def title_bank(rows) -> str:
    """The bank a bank's own ledger names in its title line (中国邮政储蓄银行青禾区支行 脱贫人口
    小额信贷台账), "" when the lines above the header name none."""
    for _, row in rows:
        found = _BANK.match(cells.text(row[0]) if row else "")
        if found:
            return found[1]
    return ""


def day_of(cell) -> datetime.date | None:
    """A date cell: a date, text in the usual forms (2024.6.5, 2024/3/5: cells.DATE_FORMATS,
    with or without a time: 2024-06-05 00:00:00), or an Excel serial number (General format);
    text with spaces inside (2024 年 6 月 5 日) is read without them."""
    try:
        return cells.day(cell)
    except cells.CellError:
        if not isinstance(cell, str):
            raise
        return cells.day(cells.fold(cell))


def rate_of(cell, label: str) -> Decimal | None:
    """An annual rate in percent: 3.45, "3.45%" and 0.0345 all give 3.45."""
    text = cells.fold(cells.text(cell))
    if not text or text in cells.EMPTY:
        return None
    percent = text.endswith("%") or "%" in label
    try:
        value = Decimal(str(cell)) if isinstance(cell, float) else Decimal(text.rstrip("%"))
    except InvalidOperation:
        raise cells.CellError(f"利率格式错误 {text!r}") from None
    if value.is_nan():  # NaN: no rate, and no comparison either
        raise cells.CellError(f"利率格式错误 {text!r}")
    if not percent and value < 1:
        value *= 100
    if not 0 <= value < 100:
        raise cells.CellError(f"利率超出范围 {text!r}")
    value = value.quantize(Decimal("0.0001"))
    return Decimal(format(value.normalize(), "f"))


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from issue to maturity: 2023-03-15 -> 2026-03-14 and 2021-07-01 ->
    2024-07-01 are 36; a few days into a further month count as that month."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months + (1 if end.day > start.day else 0)


def term_of(cell) -> int:
    """A term in whole months: 36, "36个月"; CellError on anything else (三年, 3年)."""
    text = cells.fold(cells.text(cell))
    try:
        value = Decimal(text.rstrip("个月"))
    except InvalidOperation:
        raise cells.CellError(f"贷款期限格式错误 {text!r}") from None
    if not value.is_finite():
        raise cells.CellError(f"贷款期限格式错误 {text!r}")
    return int(value.to_integral_exact())


def status_of(word: str, settled, overdue: Decimal) -> str:
    folded = cells.fold(word)
    if settled or any(w in folded for w in ("结清", "还清", "已还")):
        return SETTLED
    if "逾期" in folded or folded in ("是", "Y", "y") or overdue > 0:
        return OVERDUE
    if "展期" in folded:
        return EXTENDED
    return NORMAL


def derived_id(person: str, start: datetime.date, amount: Decimal) -> str:
    digest = hashlib.sha1(f"{person}|{start}|{amount}".encode()).hexdigest()[:6]
    return f"LN{start:%Y%m%d}-{digest}"


class LoanRegisterImporter(TabularImporter):
    kind = "小额信贷台账 micro-loan register"
    spec = LOANS
    section = "loans"

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        ex = Extraction(path, self, self.kind, "registers")
        table, index, col, labels = self.header(path)
        stated = stated_date(table.rows[:index] + [
            r for r in table.rows[index + 1:] if not any(cells.text(c) for c in r[1][1:])])
        bank = "" if "bank" in col else title_bank(table.rows[:index])
        as_of = stated or datetime.date.today()
        scale = {f: cells.unit(labels.get(f, "")) for f in ("amount", "overdue", "subsidy_paid")}
        entries = []

        def key(number, row):
            number_text = cells.text(row.get("loan_no"))
            if number_text:
                return number_text, number_text
            start = self._day(path, number, row.get("start"), "放款日期 issue date")
            amount = self._amount(path, number, row, "amount", scale)
            return derived_id(id_no(cells.text(row.get("id_no"))), start, amount), \
                f"{cells.text(row.get('borrower'))} {start}"

        towns = {p.name: code for code, p in ctx.master.towns.items()}
        unknown = set()  # village names the division list does not resolve
        for number, row, _ in self.records(path, ex, key, ("贷款 ", "loan "), self._data_rows(path, ex)):
            town, village = cells.text(row.get("town")), cells.text(row.get("village"))
            place = {"town": towns.get(town, town), "village": village_of(ctx, village, town)}
            if village and place["village"] == village not in ctx.master.villages:
                unknown.add(village)
            loan, status = self._row(path, number, row, labels, scale, key, as_of, bank, place)
            entries += [loan, status]
        if unknown and ctx.master.villages:
            ex.warnings.append(unresolved_villages(unknown))
        count_held(ex, ctx, entries, ("loan",))  # a row is its loan (its status is dated anew)
        ex.masterdata[LOANS_FILE] = entries
        ex.date = stated
        if stated is None:
            ex.warnings.append(f"台账未写明统计截止日期，贷款状态按导入日 {as_of} 记 / the register states no "
                               f"date: the loans' status is dated the day of the import, {as_of}")
        return ex

    # -- rows ------------------------------------------------------------------------------
    def _data_rows(self, path: Path, ex: Extraction):
        """The rows below the header; a line with one filled cell and no borrower, ID number or
        amount (a footer: 填表人, 审核人, 填报日期) is skipped and listed."""
        for number, row, raw in self.rows(path):
            if row is not None and not any(cells.text(row.get(f)) for f in ("borrower", "id_no", "amount")):
                ex.read += 1
                ex.skipped.append((number, "说明行 note line"))
                continue
            yield number, row, raw

    def _day(self, path, number, cell, label):
        return self._cell(path, number, day_of, cell, label)

    def _amount(self, path, number, row, field, scale):
        return self._cell(path, number, lambda v: cells.amount(v, scale=scale[field]), row.get(field),
                          f"{LOANS[field].label} {field}")

    def _row(self, path, number, row, labels, scale, key, as_of, bank, place):
        borrower, person = cells.text(row.get("borrower")), id_no(cells.text(row.get("id_no")))
        if not borrower:
            raise BadInput(path, "借款人为空", "empty borrower", number)
        if not person:
            raise BadInput(path, f"{borrower} 的身份证号为空", f"no ID number for {borrower}", number)
        start = self._day(path, number, row.get("start"), "放款日期 issue date")
        if start is None:
            raise BadInput(path, f"{borrower} 的放款日期为空", f"no issue date for {borrower}", number)
        amount = self._amount(path, number, row, "amount", scale)
        if amount is None or amount <= 0:
            raise BadInput(path, f"{borrower} 的贷款金额为空或不大于0", f"no loan amount for {borrower}", number)
        due = self._day(path, number, row.get("due"), "到期日期 maturity")
        term_text = cells.text(row.get("term"))
        if term_text:
            term = self._cell(path, number, term_of, term_text, "贷款期限 term")
        elif due is not None:
            term = months_between(start, due)
        else:
            raise BadInput(path, f"{borrower} 的贷款期限和到期日期都为空", f"neither term nor maturity for "
                           f"{borrower}", number)
        if due is not None and due <= start:
            raise BadInput(path, f"{borrower} 的到期日期 {due} 不晚于放款日期 {start}",
                           f"maturity {due} not after the issue date {start}", number)
        rate = self._cell(path, number, lambda v: rate_of(v, labels.get("rate", "")), row.get("rate"),
                          "利率 rate")
        settled = self._day(path, number, row.get("settled"), "结清日期 settlement date")
        overdue = (self._amount(path, number, row, "overdue", scale) if "overdue" in row else None) or Decimal(0)
        subsidy = self._cell(path, number, lambda v: cells.amount(v, scale=scale["subsidy_paid"]),
                             row.get("subsidy_paid"), "已贴息金额 subsidy paid") \
            if "subsidy_paid" in row else None
        loan_id = key(number, row)[0]
        loan = master_custom("loan", loan_id, start, {
            "household": cells.text(row.get("household")), "borrower": borrower, "borrower_id": person,
            "amount": money(amount), "term_months": Decimal(term), "due": due, "rate": rate,
            "bank": cells.text(row.get("bank")) or bank, "purpose": cells.text(row.get("purpose")),
            "used_by": cells.text(row.get("used_by")), "head": cells.text(row.get("head")), **place})
        status = master_custom("loan-status", loan_id, max(as_of, start), {
            "status": status_of(cells.text(row.get("status")), settled, overdue), "settled": settled,
            "overdue": money(overdue) if overdue else None,
            "subsidy_paid": money(subsidy) if subsidy is not None else None,
            "subsidy_to": max(as_of, start) if subsidy is not None else None})
        return loan, status
