"""一卡通 subsidy rosters (发放明细): one transaction per household paid, out of the 一卡通
clearing account, linked `^YKT-<batch>-<seq>` and `^<batch>`; the posting names the household
(beneficiary, id_no, card, village, item) so the beneficiary checks can trace it. Rows whose
发放状态 is not 成功 are reported as skipped: a failed payment is not spent money."""

from __future__ import annotations

import datetime
from pathlib import Path

from fundtrail import accounts as acc
from fundtrail.importers import cells, columns
from fundtrail.importers.base import Extraction, FundtrailImporter, cash_open, posting, txn
from fundtrail.importers.classify import Item
from fundtrail.importers.context import ImportContext
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import ROSTER
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
OK = "成功"


class RosterImporter(FundtrailImporter):
    kind = "一卡通发放明细 subsidy roster"
    to_pay: tuple[str, ...] = ()  # statuses of rows still to be paid, read as payments (the gate)

    def score(self, path: Path) -> int:
        if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv"):
            return 0
        return header_score(head_table(path), columns.spec_for(ROSTER, "roster", self.workspace))

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        table = read_table(path)
        spec = columns.spec_for(ROSTER, "roster", self.workspace)
        index, col, _ = find_columns(path, table, spec)
        ex = Extraction(path, self, self.kind, CLEARING)
        ex.columns = columns.account(path, table.rows[index][1], [r for _, r in table.rows[index + 1:]],
                                     {i: spec[f].label for f, i in col.items()}, "roster",
                                     self.workspace, spec, table.rows[index][0])
        if not ctx.is_open(CLEARING):
            ex.opens.append(cash_open(CLEARING, ctx.open_date(datetime.date.today()), name="一卡通代发过渡户"))
        seen, unknown = {}, set()
        for number, row in table.rows[index + 1:]:
            if is_blank(row):
                continue
            ex.read += 1
            def get(key, row=row):
                return row[col[key]] if col[key] < len(row) else None
            if is_totals(row):
                ex.skipped.append((number, "合计行 totals row"))
                continue
            status = cells.text(get("status"))
            if not status:
                raise BadInput(path, "发放状态为空", "empty 发放状态 (status)", number)
            if not status.startswith((OK, *self.to_pay)):
                ex.skipped.append((number, f"发放失败，未支出 failed payment: {status}"))
                continue
            try:
                seq = int(cells.text(get("seq")))
                amount = cells.amount(get("amount"))
                day = cells.when(get("date"))[0].date()
            except (ValueError, cells.CellError) as error:
                zh, _, en = str(error).partition(" / ")
                raise BadInput(path, zh, en or zh, number) from None
            if amount is None:
                raise BadInput(path, "发放金额为空", "empty amount", number)
            batch = cells.text(get("batch"))
            if (batch, seq) in seen:
                raise BadInput(path, f"批次 {batch} 序号 {seq} 重复(亦见第{seen[batch, seq]}行)",
                               f"batch {batch} number {seq} repeated (also row {seen[batch, seq]})",
                               number)
            seen[batch, seq] = number
            village_name, item_name = cells.text(get("village")), cells.text(get("item"))
            village = village_of(ctx, village_name, cells.text(get("town")) if "town" in col else "",
                                 cells.text(get("village_code")) if "village_code" in col else "")
            if village == village_name and village:
                unknown.add(village_name)
            name = cells.text(get("name"))
            item = Item("roster", day, "out", CLEARING, name, cells.text(get("card")),
                        purpose=item_name, item=item_name,
                        narration=f"{item_name} {batch} 第{seq}号")
            result = ctx.classifier.classify(item, (path, number))
            link = f"YKT-{batch}-{seq:03d}"
            meta = {**result.meta, "village": village, "beneficiary": name,
                    "id_no": cells.text(get("id_no")), "card": cells.text(get("card")),
                    "item": item_name}
            ex.entries.append(txn(self.meta(path, ctx, (link, CLEARING), row=number), day,
                                  result.payee, result.narration, {link, batch} | result.links,
                                  [posting(result.account, amount, meta), posting(CLEARING, -amount)]))
        if unknown:
            ex.warnings.append(unresolved_villages(unknown))
        return ex
