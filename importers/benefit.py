"""The rolls a project's benefit promise is checked against, and the leases of its assets, as
master data in masterdata/benefit.beancount (docs/ledger-model.md, "Benefit links and leases"):

- 务工花名册 (wage roll: project, 用工单位, worker, ID, village, 是否脱贫户/监测户, month, days,
  wage), 订单收购台账 (purchase list: project, 收购单位, seller, ID, date, 品种, quantity, 单价,
  amount) and 土地流转租金发放表 (rent roll: project, land holder, ID, 一卡通账号, area 亩, 租金标准,
  rent, date) -> one `custom "benefit-roll"` per row with `project kind person id_no village
  registered quantity amount period`, and what the kind's file says besides: `employer gross`
  (wage roll: 用工单位, and 应发工资 beside 实发工资, the amount), `buyer produce price` (purchase
  list: `price` the unit price as written, yuan per the quantity's unit), `card standard` (rent
  roll: the land holder's card, the rent per 亩 and year).
  A row names its project by 项目编号 or by 项目名称 (the library's name); an empty ID number is
  kept empty (a roll by name only: the rule matches the name in the household register).
- 项目资产租赁合同台账 (leases) -> `custom "lease" "<合同编号>"` with `asset tenant owner rent
  payment start end` and, when 付款约定 says so (每季度首月10日 / 每季度末月25日 / 每年1月31日),
  `due_month due_day`.
- 村集体资产租金收入明细 (the collectives' rent receipts, with no contract number) -> asset
  income in transactions/collective.beancount, the asset found through the lease whose tenant
  is the row's 付款单位.

Rows are keyed (a roll row by project, kind, person and period or date; a lease by its
number), so re-importing a corrected file updates the rows in place.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from fundtrail import accounts as acc
from fundtrail.directives import plain
from fundtrail.flows import payee_key
from fundtrail.idno import id_no
from fundtrail.importers import cells
from fundtrail.importers.assets import payment_of
from fundtrail.importers.base import Extraction, posting, txn
from fundtrail.importers.collective import LEDGER_FILE, LINK, CollectiveImporter
from fundtrail.importers.context import ImportContext
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import LAND_RENT, LEASE_RECEIPTS, LEASES, PURCHASES, WAGE_ROLL
from fundtrail.importers.registers import TabularImporter, count_held, master_custom
from fundtrail.importers.tables import find_columns, header_score, read_sniffed, sniffed_head
from fundtrail.ledgertext import money
from fundtrail.periods import month_end
from fundtrail.registers import person_key

BENEFIT_FILE = "masterdata/benefit.beancount"
_MONTH = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})")


def unit_price(cell, scale: Decimal = cells.ONE) -> Decimal | None:
    """A price per unit (单价 1.625 元/斤, 租金标准 800 元/亩·年) in yuan, with the decimals written
    (at least two, at most six); None when empty. CellError when it is no number."""
    value = cells.amount(cell, scale=scale * _MICRO)
    if value is None:
        return None
    value = (value / _MICRO).normalize()
    return value if value.as_tuple().exponent <= -2 else value.quantize(cells.CENT)


_MICRO = Decimal(10000)  # cells.amount reads whole fen: a price may have four more decimals


class _Roll(TabularImporter):
    """One kind of roll; `kind` 务工/收购/流转, the quantity and amount fields its spec names, the
    text and price fields it writes besides (`texts`, `prices`: their field ids are the keys)."""

    roll = ""
    quantity = ""
    amount = ""
    texts: tuple[str, ...] = ()
    prices: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"fundtrail.benefit.{self.section}"

    def score(self, path: Path) -> int:
        if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
            return 0
        table = sniffed_head(path)  # a score reads the head only
        spec = self.own_spec
        project = {cells.fold(n) for f in ("project", "project_name") for n in spec[f].names}
        if not any(project & {cells.fold(c) for c in row} for _, row in table.rows[:30]):
            return 0  # a roll names its project (a statement with 日期 and 金额 is no roll)
        score = header_score(table, spec)
        return score if score == 100 else score and score - 20  # partial: after any register

    def _project(self, path, number, row, ctx: ImportContext, names: dict) -> str:
        code = cells.text(row.get("project"))
        if code:
            if code not in ctx.master.projects:
                raise BadInput(path, f"项目编号 {code} 不在项目库中(请先导入项目库)",
                               f"project {code} is not in the project library (import it first)", number)
            return code
        name = cells.fold(row.get("project_name"))
        found = names.get(name, [])
        if len(found) != 1:
            shown = cells.text(row.get("project_name"))
            raise BadInput(path, f"项目名称 {shown!r} " + ("对应多个项目，请写项目编号" if found else
                                                        "不在项目库中(请先导入项目库或写项目编号)"),
                           f"project name {shown!r} " + ("matches several projects: give the code"
                                                         if found else "is not in the project library"),
                           number)
        return found[0]

    def _period(self, path, number, row) -> tuple[str, datetime.date]:
        """(the period as compared, the date the row is dated on)."""
        day = self._date(path, number, row.get("date"), "日期 date") if row.get("date") else None
        text = cells.text(row.get("period"))
        if text:
            month = _MONTH.search(text)
            if month is None:
                try:
                    when = cells.day(row.get("period"))
                except (cells.CellError, ValueError):
                    raise BadInput(path, f"务工月份无法识别: {text!r}", f"cannot read the month {text!r}",
                                   number) from None
                year, m = when.year, when.month
            else:
                year, m = int(month.group(1)), int(month.group(2))
            if not 1 <= m <= 12 or not 1 <= year < 9999:  # 0000年1月: no month a date can end
                raise BadInput(path, f"务工月份无法识别: {text!r}", f"cannot read the month {text!r}", number)
            return f"{year}-{m:02d}", day or month_end(year, m)
        if day is None:
            raise BadInput(path, "日期为空", "empty date", number)
        return day.isoformat(), day

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        ex = Extraction(path, self, self.kind, "registers")
        labels = self.header(path)[3]
        names: dict[str, list[str]] = {}
        for code, project in ctx.master.projects.items():
            names.setdefault(cells.fold(project.name), []).append(code)
        scale = cells.unit(labels.get(self.amount, ""))
        out, keyed = [], {}  # row number -> (key, project, period, day): `key` works them out once

        def key(number, row):
            person = cells.text(row["person"])
            if not person:
                raise BadInput(path, "姓名为空", "empty name", number)
            project = self._project(path, number, row, ctx, names)
            period, day = self._period(path, number, row)
            who = person_key(id_no(cells.text(row.get("id_no"))), person, cells.text(row.get("village")))
            keyed[number] = (f"{project}|{self.roll}|{who}|{period}", project, period, day)
            return keyed[number][0], f"{project} {person} {period}"

        for number, row, _ in self.records(path, ex, key, ("", "")):
            compared, project, period, day = keyed.pop(number)
            amount = self._cell(path, number, lambda c: cells.amount(c, scale=scale),
                                row.get(self.amount), labels.get(self.amount, "金额"))
            gross = self._cell(path, number, lambda c: cells.amount(c, scale=cells.unit(labels.get("gross"))),
                               row.get("gross"), labels.get("gross", "应发工资"))
            if gross is not None and gross < 0:
                raise BadInput(path, f"{labels['gross']}为负数: {gross}", "negative gross wage", number)
            if amount is None:  # a roll with 应发 only: it is the amount
                amount, gross = gross, None
            if amount is None:
                raise BadInput(path, f"{labels.get(self.amount, '金额')}为空", "empty amount", number)
            if amount < 0:  # a roll lists what was paid; a reversal is not a row of it
                raise BadInput(path, f"{labels.get(self.amount, '金额')}为负数: {amount}", "negative amount", number)
            quantity = self._cell(path, number, cells.amount, row.get(self.quantity),
                                  labels.get(self.quantity, "数量"))
            if self.roll == "流转" and quantity is None:
                raise BadInput(path, "流转面积为空", "empty area", number)
            besides = {f: cells.text(row.get(f)) for f in self.texts}
            if gross is not None:  # 应发 beside 实发 (the amount)
                besides["gross"] = money(gross)
            for f in self.prices:
                label = labels.get(f, self.spec[f].label)
                price = self._cell(path, number, lambda c, label=label: unit_price(c, cells.unit(label)),
                                   row.get(f), label)
                if price is not None and price < 0:
                    raise BadInput(path, f"{label}为负数: {price}", f"negative {f}: {price}", number)
                besides[f] = data.Amount(price, acc.CURRENCY) if price is not None else None
            out.append(master_custom("benefit-roll", compared, day, {
                "project": project, "kind": self.roll, "person": cells.text(row["person"]),
                "id_no": id_no(cells.text(row.get("id_no"))), "village": cells.text(row.get("village")),
                "registered": cells.text(row.get("registered")),
                "quantity": Decimal(plain(quantity)) if quantity is not None else None,
                "amount": money(amount), "period": period, **besides}))
        count_held(ex, ctx, out)  # a row the books hold already, unchanged or corrected, is not new
        ex.masterdata[BENEFIT_FILE] = out
        return ex


class WageRollImporter(_Roll):
    kind = "务工花名册 wage roll"
    spec = WAGE_ROLL
    section = "wages"
    roll, quantity, amount = "务工", "days", "wage"
    texts = ("employer",)


class PurchaseListImporter(_Roll):
    kind = "订单收购台账 purchase list"
    spec = PURCHASES
    section = "purchases"
    roll, quantity, amount = "收购", "quantity", "amount"
    texts, prices = ("buyer", "produce"), ("price",)


class RentRollImporter(_Roll):
    kind = "土地流转租金发放表 land rent roll"
    spec = LAND_RENT
    section = "land_rent"
    roll, quantity, amount = "流转", "area", "rent"
    texts, prices = ("card",), ("standard",)


def due_of(terms: str) -> dict:
    """`due_month` and `due_day` a lease's 付款约定 states: 每季度首月10日前 -> (1, 10),
    每季度末月25日前 -> (末, 25), 每年1月31日前 -> (1, 31); {} when it states neither."""
    folded = cells.fold(terms)
    day = re.search(r"(\d{1,2})日", folded)
    if not day:
        return {}
    if "末月" in folded or "最后一个月" in folded:
        month = "末"
    else:
        month = "1"
        found = re.search(r"(?<!\d)(\d{1,2})月", folded)
        if found and "首月" not in folded:
            month = found.group(1)
    return {"due_month": month, "due_day": int(day.group(1))}


class LeaseImporter(TabularImporter):
    kind = "项目资产租赁合同台账 lease contracts"
    spec = LEASES
    section = "leases"

    @property
    def name(self) -> str:
        return "fundtrail.benefit.leases"

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        ex = Extraction(path, self, self.kind, "registers")
        labels = self.header(path)[3]
        scale = cells.unit(labels.get("rent", ""))
        by_name = {cells.fold(a.name): code for code, a in ctx.master.assets.items()}
        out = []

        def contract(_number, row):
            code = cells.text(row["contract"])
            return code, code

        for number, row, _ in self.records(path, ex, contract, ("合同编号 ", "contract ")):
            code = cells.text(row["contract"])
            if not code:
                raise BadInput(path, "合同编号为空", "empty contract number", number)
            asset = cells.text(row.get("asset")) or by_name.get(cells.fold(row.get("asset_name")), "")
            if asset and asset not in ctx.master.assets:
                ex.warnings.append(f"第{number}行 {code}: 资产 {asset} 不在项目资产台账中 / asset not in the register")
            rent = self._cell(path, number, lambda c: cells.amount(c, scale=scale), row["rent"], "年租金 rent")
            if not rent or rent <= 0:
                raise BadInput(path, "年租金应为正数", "the yearly rent must be positive", number)
            payment = payment_of(cells.text(row["payment"]))
            if not payment:
                raise BadInput(path, f"支付方式无法识别: {cells.text(row['payment'])!r} (月付、季付、半年付、年付)",
                               f"unknown payment {cells.text(row['payment'])!r}", number)
            start = self._date(path, number, row["start"], "起租日期 start")
            if start is None:
                raise BadInput(path, "起租日期为空", "empty start date", number)
            end = self._date(path, number, row.get("end"), "止租日期 end")
            out.append(master_custom("lease", code, start, {
                "asset": asset, "asset_name": cells.text(row.get("asset_name")),
                "owner": cells.text(row.get("owner")), "tenant": cells.text(row["tenant"]),
                "rent": money(rent), "payment": payment, "start": start, "end": end,
                **due_of(cells.text(row.get("terms")))}))
        count_held(ex, ctx, out)  # a lease the books hold already, unchanged or corrected, is not new
        ex.masterdata[BENEFIT_FILE] = out
        return ex


class LeaseReceiptImporter(CollectiveImporter):
    """Rent receipts with no contract or asset number: each row's asset is the one leased to
    its payer (付款单位 = the lease's 承租方; the collective 收款单位 decides between two)."""

    kind = "村集体资产租金收入明细 rent receipts"
    spec = LEASE_RECEIPTS
    section = "rent_receipts"

    @property
    def name(self) -> str:
        return "fundtrail.benefit.receipts"

    def score(self, path: Path) -> int:
        if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
            return 0
        return 100 if header_score(sniffed_head(path), self.own_spec) == 100 else 0

    def _header(self, path: Path):
        table = read_sniffed(path)
        index, col, labels = find_columns(path, table, self.own_spec)
        return table, index, col, labels, self.account_columns(path)

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        ex = Extraction(path, self, self.kind, acc.COLLECTIVE, ledger_file=LEDGER_FILE)
        leases = [e for e in ctx.entries if isinstance(e, data.Custom) and e.type == "lease" and e.values]
        seen, links = {}, set()  # receipt numbers as written (their row), links given
        for number, row, labels in self._rows(path, ex):
            payer = cells.text(row["payer"])
            mine = [e for e in leases if payee_key(str(e.meta.get("tenant", ""))) == payee_key(payer)]
            if len(mine) > 1:
                owner = payee_key(cells.text(row.get("collective")))
                mine = [e for e in mine if payee_key(str(e.meta.get("owner", ""))) == owner] or mine
            codes = sorted({str(e.meta.get("asset", "")) for e in mine} - {""})
            named = cells.text(row.get("asset"))
            if named in codes:  # the row's 资产编号 decides between the assets its payer leases
                codes = [named]
            if len(codes) != 1:
                raise BadInput(path, f"付款单位 {payer} " + ("承租多项资产，无法确定本笔租金属于哪项资产(请加资产编号列)"
                                                          if codes else "不是任何租赁合同的承租方(请先导入租赁合同台账)"),
                               f"payer {payer!r} " + ("leases several assets: add the asset number"
                                                      if codes else "is the tenant of no lease (import the leases first)"),
                               number)
            asset = self._asset(path, number, {"asset": codes[0]}, ctx)
            day = self._day(path, number, row, "收款日期")
            amount = self._amount(path, number, row, labels, "金额")
            written = cells.text(row.get("ref"))
            if written and written in seen:
                raise BadInput(path, f"凭证号 {written} 重复(亦见第{seen[written]}行)",
                               f"receipt number {written} repeated (also row {seen[written]})", number)
            if written:
                seen[written] = number
            # a voucher number such as 记-01-011 is no link: the asset and the day make one
            ref = written if written and LINK.match(written) else f"SY-{asset.id}-{day:%Y%m%d}"
            while ref in links:  # a second receipt of the asset that day
                ref += "-2"
            links.add(ref)
            village = asset.village
            self._accounts(ex, ctx, village, day)
            self._open_by(ex, ctx, f"{acc.ASSET_INCOME}:{asset.id}", day, {})
            held = f"{acc.COLLECTIVE}:{village}"
            meta = self.meta(path, ctx, (ref, held), row=number)
            if written and written != ref:
                meta["voucher"] = written
            ex.entries.append(txn(meta, day, payer,
                                  cells.text(row.get("summary")) or f"{asset.name} 租金", {asset.id, ref},
                                  [posting(held, amount),
                                   posting(f"{acc.ASSET_INCOME}:{asset.id}", -amount, {"kind": "租金"})]))
        return ex
