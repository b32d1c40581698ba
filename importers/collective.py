"""The collective layer's own records, after the money is spent: what a project asset earned
(资产收益明细) and how the village distributed it (资产收益分配明细), Excel or CSV as villages and
townships keep them. Both post through the collective accounts of docs/ledger-model.md into
transactions/collective.beancount. A row names its asset by 资产编号, or by 资产名称 (and its
village when two assets share the name); the asset must be registered (the asset register,
`fundtrail.importers.assets`, read first in a batch), and its village names the accounts.

- **Income records** (`IncomeRecordImporter`, header `headers.INCOME_RECORDS`): one transaction
  per row, `Assets:Collective:<village>` against `Income:Asset:<asset>` (the income posting
  carries the row's 收益类型 as `kind:`), payee the 付款单位, linked `^<asset>` and by the row's
  收益编号 (`^SY2024-008Q01`; without that column `^SY-<asset>-<date>`, one row per asset and
  day). Required columns: 收益日期, 收益金额, 收益类型 and the asset; optional 序号, 收益编号,
  乡镇, 行政村 (when given it must be the asset's village), 付款单位, 摘要 (the narration). Income
  dated before the asset's registration moves its income account's `open` back to that day
  (noted in the report; the asset register keeps the earlier date when re-imported).
- **Distribution rosters** (`DistributionImporter`, header `headers.DISTRIBUTIONS`): one
  transaction per row paid, `Expenses:Distribution:<village>` against
  `Assets:Collective:<village>`; the posting carries `kind` (分红到户 / 公益岗位工资 / 村级公益事业;
  分红, 公益岗位, 公益事业 are read as these) and `asset`, and a household's row (分红到户,
  公益岗位工资) `beneficiary id_no card` as a 一卡通 subsidy row does; linked
  `^YKT-<batch>-<seq>`, `^YKT-<batch>` and `^<asset>` (without a 批次号 column the batch is
  `FP<yyyymm>-<last 6 digits of the village code>`; without a 序号 column the row is known by
  what it pays, `R` + a digest of asset, purpose, ID or name, amount and date). Required:
  行政村, 分配类型, 分配金额, 发放日期 and the asset; optional 序号, 批次号, 乡镇, 村代码, 姓名,
  身份证号, 一卡通账号, 发放状态 (a row paid says 成功, 已发放, 已支付...; any other is skipped
  and listed, as on a 一卡通 roster), 摘要.

An entry's identity is its row link with the village's collective account, so a re-import adds
nothing. Every column is accounted for as in the other importers (`fundtrail.importers.columns`,
tables `[income]` and `[distributions]` of the workspace's columns.toml): read, or named in the
report as ignored; an unknown column that looks like a date, an amount, an ID or an account
stops the import and says how to map it. An unknown asset or village, a bad amount
or date, a repeated row key stop it too, naming the file and the row; nothing is written.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

from fundtrail import accounts as acc
from fundtrail.assets import PURPOSES, TO_HOUSEHOLDS
from fundtrail.idno import id_no
from fundtrail.importers import cells, columns, payrows
from fundtrail.importers.assets import ASSETS_FILE
from fundtrail.importers.base import Extraction, posting, txn
from fundtrail.importers.context import ImportContext
from fundtrail.importers.errors import BadInput
from fundtrail.importers.headers import DISTRIBUTIONS, INCOME_RECORDS
from fundtrail.importers.registers import TabularImporter, master_open, village_of
from fundtrail.importers.tables import (
    find_columns,
    header_score,
    is_blank,
    is_totals,
    read_sniffed,
    sniffed_head,
)

LEDGER_FILE = "transactions/collective.beancount"
LINK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/.]*$")
SYNONYMS = {"分红": "分红到户", "入股分红": "分红到户", "分红到户": "分红到户", "公益岗位": "公益岗位工资",
            "公益岗": "公益岗位工资", "公益岗位工资": "公益岗位工资", "公益事业": "村级公益事业",
            "村级公益事业": "村级公益事业", "村内公益事业": "村级公益事业"}


class CollectiveImporter(TabularImporter):
    """What the collective layer's tables share (income records, distribution rosters and the
    lease receipts of fundtrail.importers.benefit): a file naming assets, its header located and
    every column accounted for, the asset, village, amount and date of a row, the village's
    collective accounts opened on their first day."""

    rows_are_entries = True

    def score(self, path: Path) -> int:
        if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
            return 0
        table, spec = sniffed_head(path), self.own_spec
        asset = {cells.fold(n) for f in ("asset", "asset_name") for n in spec[f].names}
        if not any(asset & {cells.fold(c) for c in row} for _, row in table.rows[:30]):
            return 0  # only a file that names assets (a statement with 日期 and 金额 is not)
        score = header_score(table, spec)
        return score + 20 if 0 < score < 100 else score  # lacking: before a roster's partial 40-49

    def _header(self, path: Path):
        """(table, header row index, {field: column}, {field: label}, the columns accounted for:
        mapped or ignored, or BadInput for one that looks like modelled data; importers.columns)."""
        table, spec = read_sniffed(path), self.own_spec
        index, col, labels = find_columns(path, table, spec)
        if "asset" not in col and "asset_name" not in col:
            raise BadInput(path, "表头缺少列: 资产编号(或资产名称)", "header lacks column(s): 资产编号 (or 资产名称)",
                           table.rows[index][0])
        used = {i: spec[fid].label for fid, i in col.items()}
        accounted = columns.account(path, table.rows[index][1], [r for _, r in table.rows[index + 1:]],
                                    used, self.section, self.workspace, spec, table.rows[index][0])
        return table, index, col, labels, accounted

    def _rows(self, path: Path, ex: Extraction):
        table, index, col, labels, ex.columns = self._header(path)
        for number, raw in table.rows[index + 1:]:
            if is_blank(raw):
                continue
            ex.read += 1
            if is_totals(raw):
                ex.skipped.append((number, "合计行 totals row"))
                continue
            yield number, {k: (raw[i] if i < len(raw) else None) for k, i in col.items()}, labels

    @staticmethod
    def _amount(path, number, row, labels, what: str) -> Decimal:
        try:
            value = cells.amount(row["amount"], scale=cells.unit(labels["amount"]))
        except cells.CellError:
            raise BadInput(path, f"{what}无法识别: {cells.text(row['amount'])!r}",
                           f"cannot read the amount {cells.text(row['amount'])!r}", number) from None
        if value is None:
            raise BadInput(path, f"{what}为空", "empty amount", number)
        if value <= 0:
            raise BadInput(path, f"{what}应为正数: {value}", f"the amount must be positive: {value}", number)
        return value

    @staticmethod
    def _day(path, number, row, what: str) -> datetime.date:
        if not cells.text(row["date"]):
            raise BadInput(path, f"{what}为空", "empty date", number)
        try:
            return cells.when(row["date"])[0].date()
        except (cells.CellError, ValueError):
            raise BadInput(path, f"{what}无法识别: {cells.text(row['date'])!r}",
                           f"cannot read the date {cells.text(row['date'])!r}", number) from None

    @staticmethod
    def _asset(path, number, row, ctx: ImportContext):
        """The registered asset the row names: by 资产编号, else by 资产名称 (within the row's
        village when there are two of the name)."""
        code = cells.text(row.get("asset"))
        if code:
            asset = ctx.master.assets.get(code)
        else:
            name = cells.fold(row.get("asset_name"))
            if not name:
                raise BadInput(path, "资产编号和资产名称都为空", "neither asset number nor asset name", number)
            found = [a for a in ctx.master.assets.values() if cells.fold(a.name) == name]
            place = cells.text(row.get("village"))
            if len(found) > 1 and place:
                here = village_of(ctx, place, cells.text(row.get("town")))
                found = [a for a in found if a.village == here]
            if len(found) > 1:
                raise BadInput(path, f"资产名称 {cells.text(row.get('asset_name'))!r} 对应多项资产"
                               f"({'、'.join(a.id for a in found)})，请写资产编号",
                               "the asset name matches several assets: give the asset number", number)
            asset, code = (found[0] if found else None), cells.text(row.get("asset_name"))
        if asset is None:
            what = "资产编号" if cells.text(row.get("asset")) else "资产名称"
            raise BadInput(path, f"{what} {code!r} 不在项目资产台账中(请先导入资产台账)",
                           f"asset {code!r} is not in the asset register (import the register first)",
                           number)
        if not asset.village.isascii() or asset.village not in ctx.master.villages:
            raise BadInput(path, f"资产 {code} 的行政村 {asset.village!r} 没有区划代码，无法记入村集体账户",
                           f"asset {code}'s village {asset.village!r} has no division code", number)
        return asset

    @staticmethod
    def _named(ex: Extraction, number, row, asset) -> None:
        """A 资产名称 that is not the register's is a note (the 资产编号 decides)."""
        name = cells.text(row.get("asset_name"))
        if name and row.get("asset") and cells.fold(name) != cells.fold(asset.name):
            ex.warnings.append(f"第{number}行 资产名称 {name} 与台账中 {asset.id} 的名称 {asset.name} 不同 / "
                               f"row {number}: the asset name differs from the register's")

    @staticmethod
    def _village(path, number, row, ctx: ImportContext, asset, required: bool) -> str:
        name = cells.text(row.get("village"))
        code = cells.text(row.get("village_code"))
        if not name and not code:
            if required:
                raise BadInput(path, "行政村为空", "empty village", number)
            return asset.village
        village = village_of(ctx, name, cells.text(row.get("town")), code)
        if village not in ctx.master.villages:
            raise BadInput(path, f"行政村 {name or code!r} 不在区划代码表中(county.beancount)",
                           f"unknown village {name or code!r} (not in county.beancount)", number)
        if village != asset.village:
            raise BadInput(path, f"资产 {asset.id} 属于{ctx.master.place_name(asset.village)}，"
                           f"与本行行政村 {name or code} 不符",
                           f"asset {asset.id} belongs to village {asset.village}, not {name or code}",
                           number)
        return village

    @staticmethod
    def _link(path, number, value: str, what: str) -> str:
        if not LINK.match(value):
            raise BadInput(path, f"{what} {value!r} 不能用作链接(应为字母、数字和 - _ / .)",
                           f"{what} {value!r} cannot be a link (letters, digits, - _ / .)", number)
        return value

    @staticmethod
    def _open_by(ex: Extraction, ctx: ImportContext, account: str, day: datetime.date,
                 meta: dict) -> bool:
        """`account` open on `day`: opened in the asset master data when missing, its `open`
        moved back to `day` when it opens later (an asset may earn before its registration is
        recorded). True when an existing open was moved."""
        opens = ex.masterdata.setdefault(ASSETS_FILE, [])
        planned = next((o for o in opens if o.account == account), None)
        held = planned or ctx.master.accounts.get(account)
        if held is not None and held.date <= day:
            return False
        if planned is not None:
            opens.remove(planned)
        if held is not None:
            meta = {k: v for k, v in held.meta.items() if k not in ("filename", "lineno")}
        opens.append(master_open(account, day, meta))
        return held is not None and planned is None

    def _accounts(self, ex: Extraction, ctx: ImportContext, village: str, day: datetime.date) -> None:
        """The village's collective accounts, open on `day`."""
        for account, what in ((acc.COLLECTIVE, "村集体资产收益"), (acc.DISTRIBUTION, "资产收益分配")):
            self._open_by(ex, ctx, f"{account}:{village}", day,
                          {"name": f"{ctx.master.place_name(village)}{what}"})


class IncomeRecordImporter(CollectiveImporter):
    kind = "资产收益明细 asset income records"
    spec = INCOME_RECORDS
    section = "income"

    @property
    def name(self) -> str:
        return "fundtrail.collective.income"

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        ex = Extraction(path, self, self.kind, acc.COLLECTIVE, ledger_file=LEDGER_FILE)
        seen = {}
        for number, row, labels in self._rows(path, ex):
            asset = self._asset(path, number, row, ctx)
            self._named(ex, number, row, asset)
            village = self._village(path, number, row, ctx, asset, required=False)
            earned = f"{acc.ASSET_INCOME}:{asset.id}"
            if not asset.operating or not ctx.is_open(earned):
                raise BadInput(path, f"资产 {asset.id} 不是经营性资产，没有收益账户 {acc.ASSET_INCOME}:{asset.id}",
                               f"asset {asset.id} is not an operating asset (no income account)", number)
            day = self._day(path, number, row, "收益日期")
            amount = self._amount(path, number, row, labels, "收益金额")
            kind = cells.text(row["kind"])
            if not kind:
                raise BadInput(path, "收益类型为空(租金、分红、发电收益等)", "empty income kind", number)
            ref = cells.text(row.get("ref")) or f"SY-{asset.id}-{day:%Y%m%d}"
            ref = self._link(path, number, ref, "收益编号")
            if ref in seen:
                raise BadInput(path, f"收益编号 {ref} 重复(亦见第{seen[ref]}行)"
                               + ("；同一资产同日多笔收益请加收益编号列" if not row.get("ref") else ""),
                               f"income number {ref} repeated (also row {seen[ref]})", number)
            seen[ref] = number
            self._accounts(ex, ctx, village, day)
            if self._open_by(ex, ctx, earned, day, {}):
                ex.warnings.append(f"资产 {asset.id} 的收益早于其登记日期 {asset.registered}，收益账户 {earned} "
                                   f"的开立日期提前 / income before the asset's registration: its account "
                                   "opens earlier")
            held = f"{acc.COLLECTIVE}:{village}"
            narration = cells.text(row.get("summary")) or f"{asset.name} {kind}"
            ex.entries.append(txn(self.meta(path, ctx, (ref, held), row=number), day,
                                  cells.text(row.get("payer")), narration, {asset.id, ref},
                                  [posting(held, amount),
                                   posting(f"{acc.ASSET_INCOME}:{asset.id}", -amount, {"kind": kind})]))
        return ex


class DistributionImporter(CollectiveImporter):
    kind = "资产收益分配明细 asset income distribution roster"
    spec = DISTRIBUTIONS
    section = "distributions"

    @property
    def name(self) -> str:
        return "fundtrail.collective.distribution"

    def read(self, path: Path, ctx: ImportContext) -> Extraction:
        ex = Extraction(path, self, self.kind, acc.COLLECTIVE, ledger_file=LEDGER_FILE)
        seen = {}
        for number, row, labels in self._rows(path, ex):
            status = cells.text(row.get("status")) if "status" in row else payrows.PAID[0]
            if not status:
                raise BadInput(path, "发放状态为空", "empty status", number)
            if not payrows.paid(status):
                ex.skipped.append((number, f"未发放成功，未支出 not paid: {status}"))
                continue
            asset = self._asset(path, number, row, ctx)
            self._named(ex, number, row, asset)
            village = self._village(path, number, row, ctx, asset, required=True)
            written = cells.text(row["kind"])
            purpose = SYNONYMS.get(cells.fold(written))
            if purpose not in PURPOSES:
                raise BadInput(path, f"分配类型 {written!r} 应为 {'/'.join(PURPOSES)}",
                               f"the distribution kind must be one of {'/'.join(PURPOSES)}", number)
            day = self._day(path, number, row, "发放日期")
            amount = self._amount(path, number, row, labels, "分配金额")
            batch = cells.text(row.get("batch")) or f"FP{day:%Y%m}-{village[-6:]}"
            self._link(path, number, batch, "批次号")
            name, person = cells.text(row.get("name")), id_no(row.get("id_no"))
            if "seq" in row:
                try:
                    seq = f"{int(cells.text(row['seq'])):03d}"
                except ValueError:
                    raise BadInput(path, f"序号无法识别: {cells.text(row['seq'])!r}",
                                   f"cannot read the row number {cells.text(row['seq'])!r}", number) from None
            else:  # no 序号: the row is known by what it pays (the same file in any order)
                seq = payrows.distribution_key(asset.id, purpose, person or name, amount, day)
            if (batch, seq) in seen:
                raise BadInput(path, f"批次 {batch} 序号 {int(seq)} 重复(亦见第{seen[batch, seq]}行)"
                               if "seq" in row else f"与第{seen[batch, seq]}行重复(同一资产、用途、收款人、金额和日期)",
                               f"batch {batch} number {seq} repeated (also row {seen[batch, seq]})",
                               number)
            seen[batch, seq] = number
            meta = {"kind": purpose, "asset": asset.id}
            if purpose in TO_HOUSEHOLDS:
                if not name or not person:
                    raise BadInput(path, f"{purpose}应付到户: 姓名和身份证号不能为空",
                                   f"a {purpose} row pays a household: name and ID are required", number)
                meta.update(beneficiary=name, id_no=person, card=cells.text(row.get("card")))
            payee = name or f"{ctx.master.place_name(village)}村民委员会"
            narration = cells.text(row.get("summary")) or (
                f"{ctx.master.place_name(village)}收益分配 {written} {asset.name}收益")
            link = f"YKT-{batch}-{seq}"
            self._accounts(ex, ctx, village, day)
            held = f"{acc.COLLECTIVE}:{village}"
            ex.entries.append(txn(self.meta(path, ctx, (link, held), row=number), day, payee, narration,
                                  {link, f"YKT-{batch}", asset.id},
                                  [posting(f"{acc.DISTRIBUTION}:{village}", amount, meta),
                                   posting(held, -amount)]))
        return ex
