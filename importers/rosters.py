"""一卡通 subsidy rosters (发放明细): one transaction per household paid, out of the 一卡通
clearing account, linked `^YKT-<batch>-<seq>` and `^<batch>`; the posting names the household
(beneficiary, id_no, card, village, item) so the beneficiary checks can trace it. Rows whose
发放状态 is not 成功 are reported as skipped: a failed payment is not spent money.

A workbook is read sheet by sheet (a township's workbook may hold a sheet per town): every sheet
whose header is a roster's is read (its rows' metadata name the sheet); any other sheet (empty,
notes, another kind of table) is named in the import's report as not read, never dropped
silently. A sheet with most of a roster's columns but not all stops the import like a file."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from fundtrail import accounts as acc
from fundtrail.idno import id_no
from fundtrail.importers import cells, columns, payrows, sniff
from fundtrail.importers.base import Extraction, FundtrailImporter, cash_open, posting, txn
from fundtrail.importers.classify import Item
from fundtrail.importers.context import ImportContext
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import ROSTER, ROSTER_PAYS, Spec
from fundtrail.importers.registers import unresolved_villages, village_of
from fundtrail.importers.tables import (
    find_columns,
    head_table,
    header_score,
    is_blank,
    is_totals,
    read_table,
)

CLEARING = f"{acc.CLEARING}:YKT"
GENERIC_AMOUNT = ("金额(元)", "金额")  # a roster's amount column under no subsidy's name
_GROUP = re.compile(r"(?:[一二三四五六七八九十]+|\d+)组$")  # 张山南村二组: the village and its group


class RosterImporter(FundtrailImporter):
    kind = "一卡通发放明细 subsidy roster"
    to_pay: tuple[str, ...] = ()  # statuses of rows still to be paid, read as payments (the gate)

    def score(self, path: Path) -> int:
        if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv"):
            return 0
        spec = columns.spec_for(ROSTER, "roster", self.workspace)
        # a table with most of a roster's columns is one only when it pays a subsidy item to named
        # people (a payment request list also has a payee, an account, an amount and a date)
        core = spec.requiring("name", *ROSTER_PAYS)
        # an amount found only as a bare 金额 yields to a list that knows the table better (a land
        # rent roll's 金额 beside 流转面积 and 项目名称 is rent, not a subsidy)
        amount = spec["amount"]
        paid = Spec(spec.kind, (amount.known_as(*(n for n in amount.names if n not in GENERIC_AMOUNT)),),
                    ("amount",))
        best = 0
        for i, sheet in enumerate(self.sheets(path)):
            head = head_table(path, sheet=sheet if i else None)  # the first: as the others read it
            value = header_score(head, spec)
            if value == 100 and header_score(head, paid) < 100:
                value = 99
            if value >= 99 or (value and header_score(head, core) == 100):
                best = max(best, value)
        return best

    @staticmethod
    def sheets(path: Path) -> list[str | None]:
        """The sheets to look at: a workbook's every sheet, a CSV's one table (None)."""
        if path.suffix.lower() in sniff.EXCEL:
            return sniff.sheet_names(path) or [None]
        return [None]

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        spec = columns.spec_for(ROSTER, "roster", self.workspace)
        ex = Extraction(path, self, self.kind, CLEARING)
        sheets = self.sheets(path)
        tables, ignored = [], []
        for i, sheet in enumerate(sheets):
            table = read_table(path, sheet=sheet if i else None)
            if len(sheets) > 1 and header_score(table, spec) == 0:
                ignored.append(sheet)  # not a roster: named below, not read
                continue
            tables.append((sheet, table))
        if not tables:  # no sheet is a roster's: the first one's missing columns say why
            tables.append((sheets[0], read_table(path)))
        if not ctx.is_open(CLEARING):
            ex.opens.append(cash_open(CLEARING, ctx.open_date(datetime.date.today()), name="一卡通代发过渡户"))
        seen, unknown = {}, set()
        for n, (sheet, table) in enumerate(tables, 1):
            named = sheet if len(sheets) > 1 else None
            try:  # a later sheet's rows keyed apart: each town numbers its rows from 1
                self._read_sheet(path, ctx, ex, spec, table, named, seen, unknown,
                                 f"S{n}-" if n > 1 else "")
            except BadInput as error:  # the row is the sheet's: say which sheet
                if named:
                    error.zh, error.en = f"工作表「{named}」: {error.zh}", f"sheet {named}: {error.en}"
                    error.args = (str(error),)
                raise
        if ignored:
            ex.warnings.append("工作表未读取(表头不是一卡通发放明细): " + "、".join(f"「{s}」" for s in ignored)
                               + " / sheets not read (no roster header): " + ", ".join(ignored))
        if unknown:
            ex.warnings.append(unresolved_villages(unknown))
        return ex

    def _read_sheet(self, path: Path, ctx: ImportContext, ex: Extraction, spec, table, sheet: str | None,
                    seen: dict, unknown: set, part: str = "") -> None:
        """Read one table (a CSV, or one sheet of a workbook, named in every row's metadata and
        in skipped rows' reasons when the workbook has more than one; `part` goes before a
        later roster sheet's 序号 in its row key)."""
        where = f"工作表「{sheet}」" if sheet else ""
        index, col, _ = find_columns(path, table, spec.requiring(*(f for f in spec.required if f != "id_no")))
        if "id_no" not in col:
            raise BadInput(path, f"表头缺少列: {spec['id_no'].label}。一卡通补贴发放到户，受益对象核查(是否在册、"
                           "重复领取、公职人员亲属等)按身份证号比对，没有身份证号的名单无法核查，未导入；"
                           "请向发放单位索取含身份证号的发放清册(或在 columns.toml 的 [roster] 中映射身份证号列)",
                           f"header lacks the {spec['id_no'].label} (ID number) column: the beneficiary checks "
                           "key on it, so a roster without ID numbers cannot be checked and is not imported",
                           table.rows[index][0])
        sheet_columns = columns.account(path, table.rows[index][1], [r for _, r in table.rows[index + 1:]],
                                        {i: spec[f].label for f, i in col.items()}, "roster",
                                        self.workspace, spec, table.rows[index][0])
        if ex.columns is None:
            ex.columns = sheet_columns
        else:  # a later sheet's own columns named too
            ex.columns.mapped += [m for m in sheet_columns.mapped if m not in ex.columns.mapped]
            ex.columns.ignored += [c for c in sheet_columns.ignored if c not in ex.columns.ignored]
        for number, row in table.rows[index + 1:]:
            if is_blank(row):
                continue
            ex.read += 1
            def get(key, row=row):
                return row[col[key]] if col[key] < len(row) else None
            if is_totals(row):
                ex.skipped.append((number, f"{where}合计行 totals row"))
                continue
            status = cells.text(get("status")) if "status" in col else payrows.PAID[0]  # none: paid
            if not status:
                raise BadInput(path, "发放状态为空", "empty 发放状态 (status)", number)
            if not payrows.paid(status, self.to_pay):
                ex.skipped.append((number, f"{where}发放失败，未支出 failed payment: {status}"))
                continue
            try:
                seq = int(cells.text(get("seq"))) if "seq" in col else None
                amount = cells.amount(get("amount"))
                day = cells.when(get("date"))[0].date()
            except (ValueError, cells.CellError) as error:
                zh, _, en = str(error).partition(" / ")
                raise BadInput(path, zh, en or zh, number) from None
            if amount is None:
                raise BadInput(path, "发放金额为空", "empty amount", number)
            name, person = cells.text(get("name")), id_no(get("id_no"))
            if not person:
                raise BadInput(path, "身份证号为空", "empty ID number", number)
            # no 批次号: the batch is the pay day's; no 序号: the row is known by what it pays
            batch = cells.text(get("batch")) if "batch" in col else ""
            batch = batch or f"FF{day:%Y%m%d}"
            if seq is not None:
                key = f"{part}{seq:03d}"
            else:
                key = payrows.roster_key(cells.text(get("item")), person, cells.text(get("card")), amount, day)
            if (batch, key) in seen:
                also = seen[batch, key]
                raise BadInput(path, f"批次 {batch} 序号 {seq} 重复(亦见{also[0]}第{also[1]}行)" if seq is not None
                               else f"与{also[0]}第{also[1]}行重复(同一补贴项目、身份证号、卡号、金额和日期)",
                               f"batch {batch} number {key} repeated (also {also[0]}row {also[1]})",
                               number)
            seen[batch, key] = (where, number)
            village_name, item_name = cells.text(get("village")), cells.text(get("item"))
            town = cells.text(get("town")) if "town" in col else ""
            code = cells.text(get("village_code")) if "village_code" in col else ""
            village = village_of(ctx, village_name, town, code)
            if village == village_name and _GROUP.search(village_name):  # 村组: the village's group
                village_name = _GROUP.sub("", village_name)
                village = village_of(ctx, village_name, town, code)
            if village == village_name and village:
                unknown.add(village_name)
            item = Item("roster", day, "out", CLEARING, name, cells.text(get("card")),
                        purpose=item_name, item=item_name,
                        narration=f"{item_name} {batch}" + (f" 第{seq}号" if seq is not None else ""))
            result = ctx.classifier.classify(item, (path, number))
            link = f"YKT-{batch}-{key}"
            meta = {**result.meta, "village": village, "beneficiary": name,
                    "id_no": person, "card": cells.text(get("card")),
                    "item": item_name}
            where_meta = {"row": number, **({"sheet": sheet} if sheet else {})}
            ex.entries.append(txn(self.meta(path, ctx, (link, CLEARING), **where_meta), day,
                                  result.payee, result.narration, {link, batch} | result.links,
                                  [posting(result.account, amount, meta), posting(CLEARING, -amount)]))
